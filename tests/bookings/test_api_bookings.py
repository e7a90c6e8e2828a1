"""The booking rules as an API client meets them when booking (API.md, "Booking rules"): the
hearing's window by default, times with their offset, short references, and the clashes
(suite, witness, turnaround, closures) refused as 409s. Changes after:
test_api_booking_changes.py; idempotent creates: test_api_idempotency.py."""

import pytest

from bookings.models import Booking, BookingStatus
from evidence_suites.models import Closure
from tests.factories import HearingFactory, london
from tests.helpers import assert_error, at, instant, post_booking

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


# --- Creating: defaults and the response --------------------------------------------------------


def test_a_booking_without_times_takes_the_hearings_window(api, clock, booking_payload, hearing):
    # when
    response = post_booking(api, booking_payload)

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert instant(body["starts_at"]) == hearing.starts_at
    assert instant(body["ends_at"]) == hearing.ends_at
    assert body["status"] == "confirmed"
    assert body["reference"]
    assert (body["hearing"], body["witness"], body["suite"]) == (
        booking_payload["hearing"],
        booking_payload["witness"],
        booking_payload["suite"],
    )
    stored = Booking.objects.get()
    assert (stored.starts_at, stored.ends_at) == (hearing.starts_at, hearing.ends_at)


def test_every_time_the_api_returns_carries_an_offset(api, booking):
    body = api.get(f"{BOOKINGS}{booking.pk}/").json()

    for field in ("starts_at", "ends_at", "created_at", "updated_at"):
        assert instant(body[field]).tzinfo is not None, (field, body[field])


def test_two_bookings_get_different_short_references(
    api, clock, booking_payload, other_officer, worthing
):
    first = post_booking(api, booking_payload).json()
    second = post_booking(api, booking_payload, witness=other_officer.pk, suite=worthing.pk).json()

    assert first["reference"] != second["reference"]
    assert len(first["reference"]) <= 12


# --- Clashes ----------------------------------------------------------------------------------


def test_booking_a_suite_already_booked_then_is_a_409_suite_unavailable(
    api, booking, booking_payload, other_officer
):
    # when: another witness is booked into the same suite over the same morning
    response = post_booking(
        api, booking_payload, witness=other_officer.pk, starts_at=at(11), ends_at=at(12)
    )

    # then
    assert_error(response, 409, "suite_unavailable")
    assert Booking.objects.count() == 1


def test_booking_a_witness_already_booked_elsewhere_then_is_a_409_witness_unavailable(
    api, booking, booking_payload, worthing, court
):
    # given: a second hearing at the same time, and a free suite
    other_hearing = HearingFactory(court=court)

    # when: the same officer is booked into the other suite for it
    response = post_booking(
        api,
        booking_payload,
        hearing=other_hearing.pk,
        suite=worthing.pk,
        starts_at=at(12),
        ends_at=at(14),
    )

    # then
    assert_error(response, 409, "witness_unavailable")
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "status"),
    [
        pytest.param(at(13), at(14), 409, id="straight-after"),
        pytest.param(at(13, 15), at(14), 409, id="inside-both-turnarounds"),
        pytest.param(at(13, 29), at(14), 409, id="a-minute-short"),
        pytest.param(at(13, 30), at(14), 201, id="after-both-turnarounds"),
        pytest.param(at(8, 30), at(9, 31), 409, id="before-a-minute-late"),
        pytest.param(at(8, 30), at(9, 30), 201, id="before-with-both-turnarounds"),
    ],
)
def test_the_suites_turnaround_is_kept_free_on_both_sides(
    api, booking, booking_payload, other_officer, starts_at, ends_at, status
):
    # given: Brighton is booked 10:00–13:00 and keeps 15 minutes before and after every booking
    # when: another witness is booked into it around that booking
    response = post_booking(
        api, booking_payload, witness=other_officer.pk, starts_at=starts_at, ends_at=ends_at
    )

    # then: the two bookings' turnarounds may touch but not overlap
    assert response.status_code == status, response.content
    if status == 409:
        assert response.json()["code"] == "suite_unavailable"
    assert Booking.objects.count() == (2 if status == 201 else 1)


def test_a_suite_with_no_turnaround_can_be_booked_back_to_back(
    api, clock, booking_payload, other_officer, suite
):
    suite.turnaround_minutes = 0
    suite.save()
    assert post_booking(api, booking_payload, ends_at=at(11)).status_code == 201

    response = post_booking(api, booking_payload, witness=other_officer.pk, starts_at=at(11))

    assert response.status_code == 201, response.content


def test_booking_a_closed_suite_is_a_409_suite_closed(api, clock, booking_payload, suite):
    # given: the suite is closed late on Wednesday morning
    Closure.objects.create(
        suite=suite,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 12),
        reason="Kit upgrade",
    )

    # when
    response = post_booking(api, booking_payload)

    # then
    assert_error(response, 409, "suite_closed")
    assert Booking.objects.count() == 0


def test_a_closure_that_ends_as_the_booking_starts_does_not_block_it(
    api, clock, booking_payload, suite
):
    Closure.objects.create(
        suite=suite,
        starts_at=london(2027, 3, 24, 8, 30),
        ends_at=london(2027, 3, 24, 10),
        reason="Cleaning",
    )

    assert post_booking(api, booking_payload).status_code == 201


def test_a_cancelled_booking_frees_its_slot(api, booking, booking_payload, other_officer):
    # given: the first witness's booking is cancelled
    cancelled = api.post(
        f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Statement agreed"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content

    # when: another witness takes the same slot
    response = post_booking(api, booking_payload, witness=other_officer.pk)

    # then
    assert response.status_code == 201, response.content
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_a_cancelled_booking_frees_its_witness(api, booking, booking_payload, worthing):
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Wrong suite"}, format="json")

    response = post_booking(api, booking_payload, suite=worthing.pk)

    assert response.status_code == 201, response.content
