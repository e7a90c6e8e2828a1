"""A booking's life after it is made, as an API client meets it (API.md, "Booking rules"):
moved under the same rules as booking it, cancelled with its reason, checked in and
completed, and every change in its history with who made it and what changed."""

from datetime import timedelta

import pytest

from bookings.models import Booking, BookingStatus, Outcome
from evidence_suites.models import Closure
from tests.factories import london
from tests.helpers import assert_error, at, instant, post_booking

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


# --- Rescheduling -----------------------------------------------------------------------------


def test_moving_a_booking_onto_a_taken_suite_is_a_409_and_changes_nothing(
    api, booking, booking_payload, other_officer, worthing
):
    # given: another witness is at Worthing for the same hearing
    other = post_booking(api, booking_payload, witness=other_officer.pk, suite=worthing.pk).json()

    # when: that booking is moved to Brighton, where the first witness is
    response = api.patch(f"{BOOKINGS}{other['id']}/", {"suite": booking.suite_id}, format="json")

    # then
    assert_error(response, 409, "suite_unavailable")
    moved = Booking.objects.get(pk=other["id"])
    assert moved.suite == worthing
    assert moved.version == 1
    assert list(moved.events.values_list("action", flat=True)) == ["created"]


@pytest.mark.parametrize(
    ("change", "code", "status", "field"),
    [
        ({"starts_at": at(18), "ends_at": at(19)}, "outside_opening_hours", 400, "starts_at"),
        ({"ends_at": at(9)}, "invalid_window", 400, "ends_at"),
        (
            {"starts_at": at(10, day=25), "ends_at": at(12, day=25)},
            "not_on_hearing_day",
            400,
            "starts_at",
        ),
    ],
)
def test_moving_a_booking_follows_the_same_rules_as_booking_it(
    api, booking, change, code, status, field
):
    response = api.patch(f"{BOOKINGS}{booking.pk}/", change, format="json")

    assert_error(response, status, code, fields=[field])
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (
        london(2027, 3, 24, 10),
        london(2027, 3, 24, 13),
    )


def test_moving_a_booking_into_a_closure_is_a_409_suite_closed(api, booking, worthing):
    Closure.objects.create(
        suite=worthing,
        starts_at=london(2027, 3, 24, 8),
        ends_at=london(2027, 3, 24, 18),
        reason="Flooded",
    )

    response = api.patch(f"{BOOKINGS}{booking.pk}/", {"suite": worthing.pk}, format="json")

    assert_error(response, 409, "suite_closed")
    booking.refresh_from_db()
    assert booking.suite_id != worthing.pk


def test_moving_a_booking_within_its_own_turnaround_is_fine(api, booking):
    # A booking never clashes with itself.
    response = api.patch(
        f"{BOOKINGS}{booking.pk}/", {"starts_at": at(10, 15), "ends_at": at(12)}, format="json"
    )

    assert response.status_code == 200, response.content


def test_moving_a_booking_to_another_suite_and_time_records_it_in_the_history(
    api, booking, worthing
):
    # given
    brighton = booking.suite_id

    # when
    response = api.patch(
        f"{BOOKINGS}{booking.pk}/",
        {"suite": worthing.pk, "starts_at": at(11), "ends_at": at(12, 30)},
        format="json",
    )

    # then: the client sees the new place and time
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suite"] == worthing.pk
    assert instant(body["starts_at"]) == london(2027, 3, 24, 11)
    assert instant(body["ends_at"]) == london(2027, 3, 24, 12, 30)
    assert body["version"] == 2
    booking.refresh_from_db()
    assert booking.suite == worthing
    assert booking.starts_at == london(2027, 3, 24, 11)

    # and the history says what moved, from what to what
    history = api.get(f"{BOOKINGS}{booking.pk}/history/").json()["results"]
    assert [e["action"] for e in history] == ["created", "rescheduled"]
    moved = history[1]
    assert moved["actor"] == "sussex.scheduler"
    assert moved["changes"]["suite"] == [brighton, worthing.pk]
    before, after = moved["changes"]["starts_at"]
    assert (instant(before), instant(after)) == (
        london(2027, 3, 24, 10),
        london(2027, 3, 24, 11),
    )
    before, after = moved["changes"]["ends_at"]
    assert (instant(before), instant(after)) == (
        london(2027, 3, 24, 13),
        london(2027, 3, 24, 12, 30),
    )


def test_patching_nothing_that_changes_records_nothing(api, booking):
    response = api.patch(f"{BOOKINGS}{booking.pk}/", {"suite": booking.suite_id}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert booking.events.count() == 1


def test_a_cancelled_booking_cannot_be_moved(api, booking, worthing):
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Plea"}, format="json")

    response = api.patch(f"{BOOKINGS}{booking.pk}/", {"suite": worthing.pk}, format="json")

    assert_error(response, 409, "invalid_transition")
    booking.refresh_from_db()
    assert booking.suite_id != worthing.pk


def test_the_witness_and_hearing_of_a_booking_cannot_be_changed_by_patch(
    api, booking, other_officer
):
    response = api.patch(f"{BOOKINGS}{booking.pk}/", {"witness": other_officer.pk}, format="json")

    # then: the witness is read-only on a booking; book the other witness instead
    assert response.status_code == 200, response.content
    assert response.json()["witness"] == booking.witness_id
    booking.refresh_from_db()
    assert booking.witness_id != other_officer.pk


# --- History ----------------------------------------------------------------------------------


def test_the_history_shows_created_rescheduled_and_cancelled_with_who_and_what(api, booking, suite):
    # given: the booking was made, moved to a later start, then cancelled
    api.patch(f"{BOOKINGS}{booking.pk}/", {"starts_at": at(11)}, format="json")
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Guilty plea"}, format="json")

    # when
    response = api.get(f"{BOOKINGS}{booking.pk}/history/")

    # then
    assert response.status_code == 200, response.content
    page = response.json()
    assert set(page) == {"count", "next", "previous", "results"}
    events = page["results"]
    assert [e["action"] for e in events] == ["created", "rescheduled", "cancelled"]
    assert {e["actor"] for e in events} == {"sussex.scheduler"}
    assert all(instant(e["at"]).tzinfo is not None for e in events)
    created, rescheduled, cancelled = (e["changes"] for e in events)
    assert created["status"] == [None, "confirmed"]
    assert created["suite"] == [None, suite.pk]
    assert instant(created["starts_at"][1]) == london(2027, 3, 24, 10)
    assert [instant(t) for t in rescheduled["starts_at"]] == [
        london(2027, 3, 24, 10),
        london(2027, 3, 24, 11),
    ]
    assert "ends_at" not in rescheduled
    assert cancelled["status"] == ["confirmed", "cancelled"]
    assert cancelled["cancellation_reason"] == ["", "Guilty plea"]


def test_cancelling_keeps_the_reason_on_the_booking(api, booking):
    response = api.post(
        f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "  Statement agreed  "}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "Statement agreed"


def test_cancelling_twice_is_a_409(api, booking):
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Plea"}, format="json")

    response = api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Again"}, format="json")

    assert_error(response, 409, "invalid_transition")
    booking.refresh_from_db()
    assert booking.cancellation_reason == "Plea"


# --- On the day: check-in and completion -----------------------------------------------------


def test_a_witness_checked_in_then_giving_evidence_is_released(api, clock, booking):
    # given: it is the morning of the hearing and the witness arrives
    clock.move_to(london(2027, 3, 24, 9, 40))
    checked_in = api.post(f"{BOOKINGS}{booking.pk}/check-in/", {}, format="json")
    assert checked_in.status_code == 200, checked_in.content
    assert checked_in.json()["status"] == "checked_in"
    assert abs(instant(checked_in.json()["checked_in_at"]) - london(2027, 3, 24, 9, 40)) < (
        timedelta(minutes=1)
    )

    # when: they have given evidence, at 12:20
    clock.move_to(london(2027, 3, 24, 12, 20))
    response = api.post(
        f"{BOOKINGS}{booking.pk}/complete/", {"outcome": "gave_evidence"}, format="json"
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed"
    assert body["outcome"] == "gave_evidence"
    assert abs(instant(body["released_at"]) - london(2027, 3, 24, 12, 20)) < timedelta(minutes=1)
    booking.refresh_from_db()
    assert booking.outcome == Outcome.GAVE_EVIDENCE
    assert booking.released_at is not None
    history = api.get(f"{BOOKINGS}{booking.pk}/history/").json()["results"]
    assert [e["action"] for e in history] == ["created", "checked_in", "completed"]


def test_a_check_in_with_an_arrival_time_keeps_that_time(api, clock, booking):
    clock.move_to(london(2027, 3, 24, 10, 5))

    response = api.post(f"{BOOKINGS}{booking.pk}/check-in/", {"at": at(9, 50)}, format="json")

    assert response.status_code == 200, response.content
    assert instant(response.json()["checked_in_at"]) == london(2027, 3, 24, 9, 50)


def test_recording_evidence_given_by_a_witness_never_checked_in_is_a_409(api, clock, booking):
    # given: it is the hearing day, but nobody checked the witness in
    clock.move_to(london(2027, 3, 24, 12))

    # when
    response = api.post(
        f"{BOOKINGS}{booking.pk}/complete/", {"outcome": "gave_evidence"}, format="json"
    )

    # then
    assert response.status_code == 409, response.content
    assert response.json()["code"] in {"not_checked_in", "invalid_transition"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.outcome is None
    assert booking.released_at is None


def test_a_no_show_has_no_release_time(api, clock, booking):
    clock.move_to(london(2027, 3, 24, 13, 30))

    response = api.post(f"{BOOKINGS}{booking.pk}/complete/", {"outcome": "no_show"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "no_show"
    assert response.json()["released_at"] is None


def test_checking_in_in_the_future_is_a_400(api, clock, booking):
    clock.move_to(london(2027, 3, 24, 9, 30))

    response = api.post(f"{BOOKINGS}{booking.pk}/check-in/", {"at": at(11)}, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["fields"].keys() == {"at"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
