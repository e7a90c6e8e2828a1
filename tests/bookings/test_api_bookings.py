"""The booking rules as an API client meets them (API.md, "Booking rules"), the booking's
history, its life from check-in to completion, and idempotent creates."""

from datetime import timedelta

import pytest

from accounts.models import Role
from bookings.models import Booking, BookingStatus, Outcome
from evidence_suites.models import Closure
from tests.factories import HearingFactory, UserFactory, london
from tests.helpers import assert_error, at, instant

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def book(api, payload, **overrides):
    return api.post(BOOKINGS, {**payload, **overrides}, format="json")


@pytest.fixture
def booking(api, clock, booking_payload):
    """The Sussex officer at Brighton for the whole hearing, Wednesday 10:00–13:00."""
    response = book(api, booking_payload)
    assert response.status_code == 201, response.content
    return Booking.objects.get(pk=response.json()["id"])


# --- Creating: defaults and the response --------------------------------------------------------


def test_a_booking_without_times_takes_the_hearings_window(api, clock, booking_payload, hearing):
    # when
    response = book(api, booking_payload)

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
    first = book(api, booking_payload).json()
    second = book(api, booking_payload, witness=other_officer.pk, suite=worthing.pk).json()

    assert first["reference"] != second["reference"]
    assert len(first["reference"]) <= 12


# --- Clashes ----------------------------------------------------------------------------------


def test_booking_a_suite_already_booked_then_is_a_409_suite_unavailable(
    api, booking, booking_payload, other_officer
):
    # when: another witness is booked into the same suite over the same morning
    response = book(
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
    response = book(
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
    response = book(
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
    assert book(api, booking_payload, ends_at=at(11)).status_code == 201

    response = book(api, booking_payload, witness=other_officer.pk, starts_at=at(11))

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
    response = book(api, booking_payload)

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

    assert book(api, booking_payload).status_code == 201


def test_a_cancelled_booking_frees_its_slot(api, booking, booking_payload, other_officer):
    # given: the first witness's booking is cancelled
    cancelled = api.post(
        f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Statement agreed"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.content

    # when: another witness takes the same slot
    response = book(api, booking_payload, witness=other_officer.pk)

    # then
    assert response.status_code == 201, response.content
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_a_cancelled_booking_frees_its_witness(api, booking, booking_payload, worthing):
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Wrong suite"}, format="json")

    response = book(api, booking_payload, suite=worthing.pk)

    assert response.status_code == 201, response.content


# --- Rescheduling -----------------------------------------------------------------------------


def test_moving_a_booking_onto_a_taken_suite_is_a_409_and_changes_nothing(
    api, booking, booking_payload, other_officer, worthing
):
    # given: another witness is at Worthing for the same hearing
    other = book(api, booking_payload, witness=other_officer.pk, suite=worthing.pk).json()

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


# --- Idempotency-Key --------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_response_and_books_once(
    api, clock, booking_payload
):
    # given
    first = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"}
    )
    assert first.status_code == 201, first.content

    # when: the client did not hear back and sends the very same request again
    again = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"}
    )

    # then
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"].startswith("application/json")
    assert "Idempotent-Replayed" not in first
    assert Booking.objects.count() == 1


def test_the_same_body_with_its_fields_in_another_order_is_the_same_request(
    api, clock, booking_payload
):
    reordered = dict(reversed(list(booking_payload.items())))
    first = api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k"})

    again = api.post(BOOKINGS, reordered, format="json", headers={"Idempotency-Key": "k"})

    assert again.status_code == first.status_code == 201, again.content
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409_and_books_nothing_more(
    api, clock, booking_payload, other_officer
):
    api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "abc-123"})

    response = api.post(
        BOOKINGS,
        {**booking_payload, "witness": other_officer.pk},
        format="json",
        headers={"Idempotency-Key": "abc-123"},
    )

    assert_error(response, 409, "idempotency_key_reused")
    assert Booking.objects.count() == 1


def test_a_key_whose_first_attempt_clashed_can_be_used_again_once_the_slot_is_free(
    api, clock, booking_payload, other_officer
):
    # given: Brighton is taken, so the first attempt with the key clashes
    blocking = book(api, booking_payload, witness=other_officer.pk).json()
    refused = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "retry-me"}
    )
    assert_error(refused, 409, "suite_unavailable")

    # when: the other booking is cancelled and the client retries with the same key
    api.post(f"{BOOKINGS}{blocking['id']}/cancel/", {"reason": "Moved"}, format="json")
    retried = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "retry-me"}
    )

    # then: the retry is a real attempt, not a replay of the failure
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert (
        Booking.objects.filter(status=BookingStatus.CONFIRMED).get().witness_id
        == (booking_payload["witness"])
    )


def test_a_key_whose_first_attempt_was_invalid_can_be_used_again(api, clock, booking_payload):
    bad = api.post(
        BOOKINGS,
        {**booking_payload, "starts_at": "2027-03-24T10:00:00"},
        format="json",
        headers={"Idempotency-Key": "fix-and-retry"},
    )
    assert bad.status_code == 400

    fixed = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "fix-and-retry"}
    )

    assert fixed.status_code == 201, fixed.content
    assert Booking.objects.count() == 1


def test_keys_belong_to_the_user_who_sent_them(
    api, api_as, clock, booking_payload, other_officer, worthing, sussex
):
    colleague = api_as(UserFactory(username="sussex.other", role=Role.SCHEDULER, force=sussex))
    mine = api.post(BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k"})

    theirs = colleague.post(
        BOOKINGS,
        {**booking_payload, "witness": other_officer.pk, "suite": worthing.pk},
        format="json",
        headers={"Idempotency-Key": "k"},
    )

    assert mine.status_code == theirs.status_code == 201, theirs.content
    assert Booking.objects.count() == 2


def test_an_overlong_idempotency_key_is_a_400(api, clock, booking_payload):
    response = api.post(
        BOOKINGS, booking_payload, format="json", headers={"Idempotency-Key": "k" * 256}
    )

    assert_error(response, 400, "invalid_idempotency_key")
    assert Booking.objects.count() == 0
