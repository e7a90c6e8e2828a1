"""A request body the decoder cannot turn into sensible values is a 400 in the error shape, never
a 500: numbers too large to be finite, and JSON nested thousands of levels deep
(core/parsers.py)."""

import json

import pytest
from rest_framework.test import APIClient

from bookings.models import Booking, Hearing, Witness
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduler_api(scheduler):
    """The signed-in scheduler, seeing the 500 page a user would get rather than the error."""
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(scheduler)
    return client


def post(client, path: str, body: str):
    return client.post(path, data=body, content_type="application/json")


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_a_booking_for_a_hearing_id_too_large_to_be_a_number_is_a_400(
    scheduler_api, clock, officer, suite, number
):
    body = f'{{"hearing": {number}, "witness": {officer.pk}, "suite": {suite.pk}}}'

    response = post(scheduler_api, "/api/v1/bookings/", body)

    assert_error(response, 400, "invalid_json_number")
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("field", ["witness", "suite"])
def test_a_booking_for_any_id_of_1e400_is_a_400(
    scheduler_api, clock, hearing, booking_payload, field
):
    body = json.dumps(booking_payload).replace(
        f'"{field}": {booking_payload[field]}', f'"{field}": 1e400'
    )

    response = post(scheduler_api, "/api/v1/bookings/", body)

    assert_error(response, 400, "invalid_json_number")
    assert Booking.objects.count() == 0


def test_a_witness_in_force_1e400_is_a_400(scheduler_api, sussex):
    body = '{"full_name": "Martha Jones", "witness_type": "civilian", "force": 1e400}'

    response = post(scheduler_api, "/api/v1/witnesses/", body)

    assert_error(response, 400, "invalid_json_number")
    assert Witness.objects.count() == 0


def test_a_hearing_at_court_1e400_is_a_400(scheduler_api, court):
    body = (
        '{"court": 1e400, "case_reference": "47SS1234523", "hearing_type": "trial",'
        ' "starts_at": "2027-03-24T10:00:00+00:00", "ends_at": "2027-03-24T13:00:00+00:00"}'
    )

    response = post(scheduler_api, "/api/v1/hearings/", body)

    assert_error(response, 400, "invalid_json_number")
    assert Hearing.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 5000 + "]" * 5000, id="arrays"),
        pytest.param('{"hearing": ' * 5000 + "1" + "}" * 5000, id="objects"),
        pytest.param('{"hearing": 1, "client_figures": ' + "[" * 33 + "]" * 33 + "}", id="33-deep"),
    ],
)
def test_a_body_nested_too_deep_is_a_400(scheduler_api, clock, body):
    response = post(scheduler_api, "/api/v1/bookings/", body)

    assert_error(response, 400, "json_too_deep")
    assert Booking.objects.count() == 0


def test_brackets_inside_text_do_not_count_as_nesting(scheduler_api, clock, booking_payload):
    # a cancellation reason may quote anything, brackets and escaped quotes included
    booking = scheduler_api.post("/api/v1/bookings/", booking_payload, format="json")
    assert booking.status_code == 201, booking.content
    reason = '\\"[[[[' + "[" * 100 + '{{{{\\" plea entered'

    response = post(
        scheduler_api,
        f"/api/v1/bookings/{booking.json()['id']}/cancel/",
        f'{{"reason": "{reason}"}}',
    )

    assert response.status_code == 200, response.content
    assert Booking.objects.get().cancellation_reason.endswith("plea entered")


def test_ordinary_json_with_decimals_is_still_accepted(scheduler_api, clock, booking_payload):
    body = json.dumps({**booking_payload, "client_figures": [[1.5, -2.25e3, 1e-400]]})

    response = post(scheduler_api, "/api/v1/bookings/", body)

    assert response.status_code == 201, response.content


def test_broken_json_is_still_malformed_json(scheduler_api, clock):
    assert_error(post(scheduler_api, "/api/v1/bookings/", '{"hearing": 1, '), 400, "malformed_json")
