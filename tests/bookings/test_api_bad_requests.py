"""Bad requests, whatever the resource, get a 4xx in the one error shape and write nothing: an
unknown filter value or a time without its offset, times at the edge of the calendar, a page
size or page out of range, a body that is not JSON, a wrong URL or method, and no or bad
credentials (API.md, "Conventions")."""

from datetime import time

import pytest
from rest_framework.test import APIClient

from accounts.models import IdempotentRequest
from bookings.models import Booking, BookingStatus, Hearing
from evidence_suites.models import OpeningHours
from tests.factories import SuiteFactory
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
WITNESSES = "/api/v1/witnesses/"


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"{BOOKINGS}?status=nonsense", "status"),
        (f"{WITNESSES}?witness_type=cop", "witness_type"),
        ("/api/v1/hearings/?status=adjourned", "status"),
        (f"{BOOKINGS}?hearing=abc", "hearing"),
        (f"{BOOKINGS}?date=2027-13-45", "date"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_filter(api, path, field):
    response = api.get(path)

    assert_error(response, 400, "invalid", fields=[field])


@pytest.mark.parametrize(
    "path",
    [
        f"{BOOKINGS}?starts_after=2027-03-24T10:00:00",
        f"{BOOKINGS}?starts_before=2027-03-24T10:00:00",
        "/api/v1/hearings/?starts_after=2027-03-24T10:00:00",
        "/api/v1/hearings/?starts_before=2027-03-24T10:00:00",
    ],
)
def test_a_time_filter_without_an_offset_is_a_400_naming_the_filter(api, path):
    # given: "10:00" alone is a different instant in March and in April (GMT, then BST)
    field = path.split("?")[1].split("=")[0]

    # when
    response = api.get(path)

    # then
    body = assert_error(response, 400, "invalid", fields=[field])
    assert "offset" in body["fields"][field][0]


def test_a_time_filter_with_an_offset_filters(api, clock, booking_payload):
    api.post(BOOKINGS, booking_payload, format="json")

    before = api.get(BOOKINGS, {"starts_after": at(9)}).json()["count"]
    after = api.get(BOOKINGS, {"starts_after": at(11)}).json()["count"]

    assert (before, after) == (1, 0)


# --- Times at the edge of the calendar: a 400, never a 500 ----------------------------------


@pytest.fixture
def open_all_hours(sussex):
    suite = SuiteFactory(code="all-hours", force=sussex, weekdays=[])
    OpeningHours.objects.bulk_create(
        OpeningHours(suite=suite, weekday=day, opens=time(0, 0), closes=time(23, 59))
        for day in range(7)
    )
    return suite


def test_availability_at_the_end_of_the_calendar_is_a_400_not_a_500(api, clock, open_all_hours):
    # given: a suite open until 23:59, and a window whose turnaround runs past 31 December 9999
    response = api.get(
        "/api/v1/availability/",
        {"starts_at": "9999-12-31T22:00:00+00:00", "ends_at": "9999-12-31T23:59:00+00:00"},
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"] and set(body["fields"]) <= {"starts_at", "ends_at"}, body


def test_a_hearing_at_the_end_of_the_calendar_is_a_400_so_it_can_never_be_booked(api, clock, court):
    # A hearing listed at 22:00 on 31 December 9999 could never be booked without the
    # suite's turnaround running off the end of the calendar (a 500).
    response = api.post(
        "/api/v1/hearings/",
        {
            "court": court.pk,
            "case_reference": "47SS9999999",
            "hearing_type": "trial",
            "starts_at": "9999-12-31T22:00:00+00:00",
            "ends_at": "9999-12-31T23:59:00+00:00",
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"] and set(body["fields"]) <= {"starts_at", "ends_at"}, body
    assert not Hearing.objects.filter(case_reference="47SS9999999").exists()


# --- Pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["100000", "201", "0", "-1", "ten"])
def test_a_page_size_outside_1_to_200_is_a_400(api, page_size):
    response = api.get(f"{BOOKINGS}?page_size={page_size}")

    assert_error(response, 400, "invalid", fields=["page_size"])


def test_a_page_size_of_200_is_fine(api):
    response = api.get(f"{BOOKINGS}?page_size=200")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_a_page_past_the_end_is_a_404_in_the_error_shape(api):
    assert_error(api.get(f"{BOOKINGS}?page=99"), 404, "not_found")


# --- Request bodies that are not JSON ---------------------------------------------------------


def test_malformed_json_is_a_400_malformed_json(api, clock, booking_payload):
    response = api.post(BOOKINGS, data='{"hearing": 1, ', content_type="application/json")

    assert_error(response, 400, "malformed_json")
    assert Booking.objects.count() == 0


def test_malformed_json_with_an_idempotency_key_is_a_400_and_burns_no_key(
    api, clock, booking_payload
):
    response = api.post(
        BOOKINGS,
        data='{"hearing": 1, ',
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )

    assert_error(response, 400, "malformed_json")
    assert IdempotentRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("hearing=1&witness=1&suite=1", "application/x-www-form-urlencoded"),
        ("hearing 1 witness 1 suite 1", "text/plain"),
    ],
)
def test_a_body_that_is_not_json_is_a_415(api, clock, booking_payload, data, content_type):
    response = api.post(BOOKINGS, data=data, content_type=content_type)

    assert_error(response, 415, "unsupported_media_type")
    assert Booking.objects.count() == 0


def test_a_json_body_that_is_not_an_object_is_a_400(api, clock):
    response = api.post(BOOKINGS, data="[1, 2, 3]", content_type="application/json")

    assert_error(response, 400, "invalid")
    assert Booking.objects.count() == 0


# --- Wrong URL, wrong method, no credentials --------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/bookings/", "/api/"])
def test_an_unknown_url_under_the_api_is_a_json_404(api, path):
    assert_error(api.get(path), 404, "not_found")


def test_an_unknown_url_under_the_api_is_a_json_404_even_signed_out(db):
    assert_error(APIClient().get("/api/v1/nothing-here/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/bookings/{booking}/"),
        ("delete", "/api/v1/bookings/{booking}/"),
        ("put", "/api/v1/witnesses/{witness}/"),
        ("delete", "/api/v1/hearings/{hearing}/"),
        ("post", "/api/v1/bookings/{booking}/history/"),
        ("get", "/api/v1/bookings/{booking}/cancel/"),
    ],
)
def test_a_method_the_resource_does_not_have_is_a_405(api, booking, officer, hearing, method, path):
    url = path.format(booking=booking.pk, witness=officer.pk, hearing=hearing.pk)

    response = getattr(api, method)(url, {"reason": "x"}, format="json")

    assert_error(response, 405, "method_not_allowed")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("path", [BOOKINGS, WITNESSES, "/api/v1/me/", "/api/v1/suites/"])
def test_no_credentials_is_a_401_not_authenticated(db, path):
    response = APIClient().get(path)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_post_without_credentials_is_a_401_and_writes_nothing(clock, booking_payload):
    response = APIClient().post(BOOKINGS, booking_payload, format="json")

    assert_error(response, 401, "not_authenticated")
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    "authorization", ["Token not-a-real-token", "Token ", "Token a b", "Bearer abc"]
)
def test_a_bad_token_is_a_401(db, authorization):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(BOOKINGS)

    assert response.status_code == 401, response.content
    body = assert_error(response, 401, response.json()["code"])
    assert body["code"] in {"authentication_failed", "not_authenticated"}


def test_every_error_detail_is_a_sentence_not_a_python_repr(api, clock, booking_payload):
    # A smoke check over a few errors: no "ErrorDetail(" or "{'" leaking from Python objects.
    responses = [
        api.post(BOOKINGS, {**booking_payload, "hearing": 987654}, format="json"),
        api.post(BOOKINGS, data="{", content_type="application/json"),
        api.get("/api/v1/nothing-here/"),
        api.get(f"{BOOKINGS}?page_size=0"),
    ]
    for response in responses:
        text = response.content.decode()
        assert "ErrorDetail" not in text
        assert "{'" not in text
