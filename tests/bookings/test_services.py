"""The booking rules as scheduling staff meet them, exercised through the services."""

from datetime import timedelta

import pytest

from bookings import services
from bookings.models import AttentionFlag, BookingEvent, BookingStatus, HearingStatus, Outcome
from core.errors import Conflict, DomainError
from evidence_suites.services import closure_create
from notifications.models import Kind
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import assert_stood_down, book, witness_text

pytestmark = pytest.mark.django_db


def test_a_booking_holds_the_suite_for_set_up_and_turnaround_either_side(
    clock, hearing, suite, officer, other_officer
):
    # given: a 10:00–11:00 booking in a suite with 15 minutes' turnaround
    book(
        hearing, officer, suite, starts_at=london(2027, 3, 24, 10), ends_at=london(2027, 3, 24, 11)
    )

    # when / then: 11:15 is too soon (the next one needs its own set-up), 11:30 is fine
    with pytest.raises(Conflict) as too_soon:
        book(
            hearing,
            other_officer,
            suite,
            starts_at=london(2027, 3, 24, 11, 15),
            ends_at=london(2027, 3, 24, 12),
        )
    assert too_soon.value.code == "suite_unavailable"
    later = book(
        hearing,
        other_officer,
        suite,
        starts_at=london(2027, 3, 24, 11, 30),
        ends_at=london(2027, 3, 24, 12),
    )
    assert later.occupied_from == london(2027, 3, 24, 11, 15)
    assert later.occupied_until == london(2027, 3, 24, 12, 15)


def test_a_cancelled_booking_frees_its_slot(clock, hearing, suite, officer, other_officer):
    first = book(hearing, officer, suite)
    services.booking_cancel(actor=None, booking=first, reason="Witness unwell")

    second = book(hearing, other_officer, suite)

    assert second.status == BookingStatus.CONFIRMED


def test_a_closure_refuses_bookings_that_touch_it(clock, hearing, suite, officer):
    closure_create(
        suite=suite,
        starts_at=london(2027, 3, 24, 12),
        ends_at=london(2027, 3, 24, 14),
        reason="CVP kit upgrade",
    )

    with pytest.raises(Conflict) as refused:
        book(hearing, officer, suite)

    assert refused.value.code == "suite_closed"


def test_a_booking_must_be_on_the_hearings_day(clock, hearing, suite, officer):
    with pytest.raises(DomainError) as refused:
        book(
            hearing,
            officer,
            suite,
            starts_at=london(2027, 3, 25, 10),
            ends_at=london(2027, 3, 25, 11),
        )
    assert refused.value.code == "not_on_hearing_day"


def test_a_booking_cannot_start_in_the_past(clock, suite, officer, court):
    yesterday = HearingFactory(
        court=court, starts_at=london(2027, 3, 19, 10), ends_at=london(2027, 3, 19, 13)
    )
    with pytest.raises(DomainError) as refused:
        book(yesterday, officer, suite)
    assert refused.value.code == "window_in_past"


def test_every_change_is_in_the_history_with_before_and_after(
    clock, hearing, suite, officer, scheduler
):
    booking = services.booking_create(
        actor=scheduler, hearing=hearing, witness=officer, suite=suite
    )
    booking = services.booking_reschedule(
        actor=scheduler,
        booking=booking,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 12),
    )
    services.booking_cancel(actor=scheduler, booking=booking, reason="Defence accepted statement")

    events = list(BookingEvent.objects.filter(booking=booking).order_by("id"))
    assert [e.action for e in events] == ["created", "rescheduled", "cancelled"]
    assert {e.actor_label for e in events} == {"sussex.scheduler"}
    assert events[1].changes["starts_at"] == [
        "2027-03-24T10:00:00+00:00",
        "2027-03-24T11:00:00+00:00",
    ]
    assert events[2].changes["status"] == ["confirmed", "cancelled"]


def test_history_cannot_be_rewritten(clock, hearing, suite, officer):
    booking = book(hearing, officer, suite)
    event = booking.events.get()

    event.action = "something else"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert booking.events.get().action == "created"


def test_a_stale_change_loses_to_the_one_that_landed_first(clock, hearing, suite, officer):
    booking = book(hearing, officer, suite)
    stale_copy = type(booking).objects.get(pk=booking.pk)
    clock.move_to(hearing.starts_at)
    services.booking_check_in(actor=None, booking=booking)

    with pytest.raises(Conflict) as refused:
        services.booking_cancel(actor=None, booking=stale_copy, reason="Changed my mind")

    assert refused.value.code in {"booking_changed", "invalid_transition"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_an_officer_who_gave_evidence_is_released_with_times_recorded(
    clock, hearing, suite, officer
):
    booking = book(hearing, officer, suite)
    clock.move_to(hearing.starts_at - timedelta(minutes=10))
    booking = services.booking_check_in(actor=None, booking=booking)
    clock.move_to(hearing.starts_at + timedelta(minutes=40))

    booking = services.booking_complete(actor=None, booking=booking, outcome=Outcome.GAVE_EVIDENCE)

    assert booking.status == BookingStatus.COMPLETED
    assert booking.released_at - booking.checked_in_at == timedelta(minutes=50)


def test_a_no_show_has_no_release_time_and_needs_no_check_in(clock, hearing, suite, officer):
    booking = book(hearing, officer, suite)

    booking = services.booking_complete(actor=None, booking=booking, outcome=Outcome.NO_SHOW)

    assert (booking.status, booking.outcome, booking.released_at) == ("completed", "no_show", None)


def test_vacating_a_hearing_stands_down_its_witnesses(
    clock, hearing, suite, officer, other_officer
):
    other_suite = SuiteFactory(force=suite.force)
    first = book(hearing, officer, suite)
    second = book(hearing, other_officer, other_suite)

    services.hearing_vacate(actor=None, hearing=hearing, reason="Guilty plea entered")

    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.VACATED
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.cancellation_reason == "Hearing vacated: Guilty plea entered"
        # and each witness is texted that they are not needed, for the time they were booked
        assert_stood_down(
            witness_text(booking, Kind.STAND_DOWN),
            on="Wed 24 Mar at 10:00",
            suite=booking.suite.name,
        )


def test_relisting_moves_bookings_that_fit_and_flags_those_that_do_not(clock, court, sussex):
    # given: two witnesses for one hearing in two suites; one suite is taken at the new time
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 24, 10), ends_at=london(2027, 3, 24, 13)
    )
    free_suite, busy_suite = SuiteFactory(force=sussex), SuiteFactory(force=sussex)
    moving = book(hearing, WitnessFactory(force=sussex), free_suite)
    stuck = book(hearing, WitnessFactory(force=sussex), busy_suite)
    other_hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 26, 10), ends_at=london(2027, 3, 26, 13)
    )
    book(other_hearing, WitnessFactory(force=sussex), busy_suite)

    # when: the court relists the hearing to Friday
    services.hearing_relist(
        actor=None,
        hearing=hearing,
        starts_at=london(2027, 3, 26, 10),
        ends_at=london(2027, 3, 26, 13),
    )

    # then: the first booking followed it; the second stayed and was flagged with suggestions
    moving.refresh_from_db()
    stuck.refresh_from_db()
    assert moving.starts_at == london(2027, 3, 26, 10)
    assert moving.events.filter(action="moved_with_hearing").exists()
    assert stuck.starts_at == london(2027, 3, 24, 10)
    flag = AttentionFlag.objects.get(booking=stuck)
    assert flag.kind == "relist_conflict"
    assert flag.data["reason_code"] == "suite_unavailable"
    assert free_suite.pk not in flag.data["suggested_suites"]  # taken by the moved booking
    assert flag.resolved_at is None


@pytest.mark.parametrize(
    ("new_slot", "expected"),
    [
        # the same hours the next day: the afternoon hour keeps its place
        ((london(2027, 3, 25, 10), london(2027, 3, 25, 16, 30)), (14, 15)),
        # the next morning only, 10:00-12:00: the hour keeps its length and ends with the slot,
        # not at 15:00 after it
        ((london(2027, 3, 25, 10), london(2027, 3, 25, 12)), (11, 12)),
    ],
    ids=["same hours", "shorter slot"],
)
def test_a_phased_afternoon_booking_follows_its_relisted_hearing(
    clock, court, suite, officer, new_slot, expected
):
    # given: the afternoon part of a 10:00-16:30 hearing
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 24, 10), ends_at=london(2027, 3, 24, 16, 30)
    )
    booking = book(
        hearing, officer, suite, starts_at=london(2027, 3, 24, 14), ends_at=london(2027, 3, 24, 15)
    )

    services.hearing_relist(actor=None, hearing=hearing, starts_at=new_slot[0], ends_at=new_slot[1])

    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (
        london(2027, 3, 25, expected[0]),
        london(2027, 3, 25, expected[1]),
    )


def test_a_police_officer_needs_a_collar_number(sussex):
    with pytest.raises(DomainError) as refused:
        services.witness_create(full_name="PC Nobody", witness_type="police_officer", force=sussex)
    assert refused.value.fields == {"collar_number": ["Required for a police officer."]}
