"""A booking's life: made, its details corrected, moved, cancelled, checked in, completed.

Which of these a booking may take from its status is the state machine's to say
(`bookings.states`); anything else is refused with 409 `invalid_transition`. Status changes are
compare-and-swap on the booking's version (see `locking`), and every change is recorded in the
booking's history in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core import clock
from core.errors import Conflict, DomainError
from evidence_suites.models import Suite

from .. import events, rules, states
from ..models import (
    AttentionFlag,
    AttentionKind,
    Booking,
    BookingStatus,
    Hearing,
    HistoryAction,
    Outcome,
    Witness,
)
from .history import _diff, booking_event_record
from .locking import _compare_and_swap, _lock_suites_and_witnesses, _write_retrying_deadlocks
from .unavailability import overridden_changes, overrides_rest_day, unavailability_check

# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is unambiguous.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6


def _new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{settings.BOOKING_REFERENCE_PREFIX}-{body}"


def _insert_booking(booking: Booking) -> None:
    for _attempt in range(5):
        booking.reference = _new_reference()
        try:
            _write_retrying_deadlocks(lambda: booking.save(force_insert=True))
            return
        except IntegrityError as error:
            conflict = rules.conflict_from_integrity_error(error)
            if conflict is not None:
                raise conflict from None
            if "reference" not in str(error):
                raise
    raise RuntimeError("Could not find a free booking reference.")


def _slot(suite: Suite, starts_at: datetime, ends_at: datetime, overridden: list) -> dict:
    """Where and when a booking made or moved is: its suite, its window, the window it holds
    (set-up and turnaround included) and whether it was booked over a rest day."""
    occupied_from, occupied_until = rules.occupied_window(suite, starts_at, ends_at)
    return {
        "suite": suite,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "occupied_from": occupied_from,
        "occupied_until": occupied_until,
        "overrides_rest_day": overrides_rest_day(overridden),
    }


def _require_status(booking: Booking, allowed: Iterable[str], action: str) -> None:
    """Refuse (409) what the booking's status does not allow; `action` as the refusal says it."""
    if booking.status not in allowed:
        raise Conflict(
            "invalid_transition",
            f"A {booking.get_status_display().lower()} booking cannot be {action}.",
        )


@transaction.atomic
def booking_create(
    *,
    actor: User | None,
    hearing: Hearing,
    witness: Witness,
    suite: Suite,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    allow_past: bool = False,
    override_unavailability: str = "",
    **details,
) -> Booking:
    """Book a witness into a suite for a hearing, by default for the hearing's whole slot.

    The window must lie inside one of the suite's opening periods, outside its closures, and
    overlap no other booking of the suite (set-up and turnaround included) or of the witness;
    and outside the witness's dates to avoid unless `override_unavailability` says why
    (services.unavailability: 409 `witness_unavailable_dates` otherwise).
    """
    # The hearing as it is now, held until this booking commits: the caller read it before
    # this transaction, maybe before a vacate or relist that has committed since.
    hearing = Hearing.objects.select_for_update(no_key=True).get(pk=hearing.pk)
    # Then the suite and the witness, so a racing booking of either waits for this one.
    [suite], [witness] = _lock_suites_and_witnesses([suite.pk], [witness.pk])
    starts_at = clock.utc(starts_at or hearing.starts_at)
    ends_at = clock.utc(ends_at or hearing.ends_at)
    rules.check_window(starts_at, ends_at, allow_past=allow_past)
    rules.check_hearing_listed(hearing)
    rules.check_on_hearing_day(hearing, starts_at)
    rules.check_witness_bookable(witness)
    rules.check_suite_active(suite)
    rules.check_open(suite, starts_at, ends_at)
    rules.check_free(suite=suite, witness=witness, starts_at=starts_at, ends_at=ends_at)
    overridden, override_reason = unavailability_check(
        witness=witness, starts_at=starts_at, ends_at=ends_at, override=override_unavailability
    )
    booking = Booking(
        hearing=hearing,
        witness=witness,
        created_by=actor,
        **_slot(suite, starts_at, ends_at, overridden),
        **details,
    )
    _insert_booking(booking)
    booking_event_record(
        booking=booking,
        actor=actor,
        action=HistoryAction.CREATED,
        changes={
            "status": (None, booking.status),
            "hearing": (None, hearing.pk),
            "witness": (None, witness.pk),
            "suite": (None, suite.pk),
            "starts_at": (None, starts_at),
            "ends_at": (None, ends_at),
        },
    )
    if overridden:
        booking_event_record(
            booking=booking,
            actor=actor,
            action=HistoryAction.UNAVAILABILITY_OVERRIDDEN,
            changes=overridden_changes(overridden, override_reason),
        )
    events.booking_confirmed.send(sender=Booking, booking=booking)
    return booking


@transaction.atomic
def booking_update_details(*, actor: User | None, booking: Booking, **details) -> Booking:
    """Special measures and staff notes: no effect on the schedule, and nothing the witness
    is told, so news still on its way to them (a confirmation) goes as it was. Not a
    transition: a booking in any status may have its details corrected."""
    changes = _diff(booking, details)
    if not changes:
        return booking
    booking = _compare_and_swap(booking, list(BookingStatus), **details)
    booking_event_record(
        booking=booking, actor=actor, action=HistoryAction.DETAILS_CHANGED, changes=changes
    )
    return booking


@transaction.atomic
def booking_reschedule(
    *,
    actor: User | None,
    booking: Booking,
    suite: Suite | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    action: str = HistoryAction.RESCHEDULED,
    override_unavailability: str = "",
) -> Booking:
    """Move a confirmed booking to another suite or time, under the same rules as a new one
    (the witness's dates to avoid included: `override_unavailability`, as for booking_create)."""
    # Checked against the hearing as it is now, held until this commits (see booking_create).
    booking.hearing = Hearing.objects.select_for_update(no_key=True).get(pk=booking.hearing_id)
    previous_suite = booking.suite
    suite = suite or booking.suite
    starts_at = clock.utc(starts_at or booking.starts_at)
    ends_at = clock.utc(ends_at or booking.ends_at)
    changes = _diff(booking, {"suite": suite, "starts_at": starts_at, "ends_at": ends_at})
    if not changes:
        return booking
    sources = states.starts_from("reschedule")
    _require_status(booking, sources, "moved")
    # Then the suite it moves into and its witness, so a racing write to either waits for this.
    [suite], [witness] = _lock_suites_and_witnesses([suite.pk], [booking.witness_id])
    rules.check_window(starts_at, ends_at)
    rules.check_hearing_listed(booking.hearing)
    rules.check_on_hearing_day(booking.hearing, starts_at)
    if "suite" in changes:
        rules.check_suite_active(suite)
    rules.check_open(suite, starts_at, ends_at)
    rules.check_free(
        suite=suite, witness=witness, starts_at=starts_at, ends_at=ends_at, exclude=booking
    )
    overridden, override_reason = unavailability_check(
        witness=witness, starts_at=starts_at, ends_at=ends_at, override=override_unavailability
    )
    if overrides_rest_day(overridden) != booking.overrides_rest_day:
        changes["overrides_rest_day"] = (booking.overrides_rest_day, not booking.overrides_rest_day)
    booking = _compare_and_swap(
        booking,
        sources,
        **_slot(suite, starts_at, ends_at, overridden),
        witness_confirmed_at=None,
        notice_version=F("version") + 1,  # news: the witness and the calendars are told
    )
    # Moving the booking is what a relist conflict or a closure asked for.
    AttentionFlag.objects.filter(
        booking=booking,
        kind__in=[AttentionKind.RELIST_CONFLICT, AttentionKind.SUITE_CLOSED],
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now(), resolved_by=actor)
    booking_event_record(booking=booking, actor=actor, action=action, changes=changes)
    if overridden:
        booking_event_record(
            booking=booking,
            actor=actor,
            action=HistoryAction.UNAVAILABILITY_OVERRIDDEN,
            changes=overridden_changes(overridden, override_reason),
        )
    events.booking_changed.send(
        sender=Booking,
        booking=booking,
        previous_suite=previous_suite if "suite" in changes else None,
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: User | None, booking: Booking, reason: str) -> Booking:
    """Cancel a confirmed booking. A reason is required: it is kept for the record."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required",
            "Say why the booking is cancelled.",
            fields={"reason": ["Required."]},
        )
    sources = states.starts_from("cancel")
    _require_status(booking, sources, "cancelled")
    before = booking.status
    booking = _compare_and_swap(
        booking,
        sources,
        status=states.leads_to("cancel"),
        cancellation_reason=reason[:200],
        cancelled_at=timezone.now(),
        notice_version=F("version") + 1,  # news: the witness is stood down
    )
    AttentionFlag.objects.filter(booking=booking, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )
    booking_event_record(
        booking=booking,
        actor=actor,
        action=HistoryAction.CANCELLED,
        changes={"status": (before, booking.status), "cancellation_reason": ("", reason)},
    )
    events.booking_cancelled.send(sender=Booking, booking=booking)
    return booking


@transaction.atomic
def booking_check_in(
    *, actor: User | None, booking: Booking, at: datetime | None = None
) -> Booking:
    """The witness has arrived at the suite."""
    sources = states.starts_from("check_in")
    _require_status(booking, sources, "checked in")
    now = timezone.now()
    at = clock.utc(at) or now
    if at > now + timedelta(minutes=5):
        raise DomainError(
            "arrival_in_future",
            "The arrival time cannot be in the future.",
            fields={"at": ["In the future."]},
        )
    if at < booking.occupied_from - timedelta(hours=12):
        raise DomainError(
            "arrival_too_early",
            "The arrival time is long before the booking.",
            fields={"at": ["More than 12 hours before the booking."]},
        )
    before = booking.status
    booking = _compare_and_swap(
        booking, sources, status=states.leads_to("check_in"), checked_in_at=at
    )
    booking_event_record(
        booking=booking,
        actor=actor,
        action=HistoryAction.CHECKED_IN,
        changes={"status": (before, booking.status), "checked_in_at": (None, at)},
    )
    return booking


@transaction.atomic
def booking_complete(
    *,
    actor: User | None,
    booking: Booking,
    outcome: str,
    released_at: datetime | None = None,
) -> Booking:
    """Record how it ended: gave evidence, not required after all, or did not attend.

    A witness who gave evidence must have checked in; one who did not attend has no release
    time. Anyone who checked in is released now unless a release time is given."""
    if outcome not in Outcome.values:
        raise DomainError(
            "invalid", "Unknown outcome.", fields={"outcome": [f"One of {Outcome.values}."]}
        )
    now = timezone.now()
    sources = states.starts_from("complete", outcome)
    if outcome == Outcome.NO_SHOW:
        released_at = None
    if booking.status == BookingStatus.CONFIRMED and outcome == Outcome.GAVE_EVIDENCE:
        raise Conflict(
            "not_checked_in", "Check the witness in before recording that they gave evidence."
        )
    _require_status(booking, sources, f"completed as {Outcome(outcome).label.lower()}")
    released_at = clock.utc(released_at)
    if booking.status == BookingStatus.CHECKED_IN:
        released_at = released_at or now
        if released_at < booking.checked_in_at:
            raise DomainError(
                "released_before_arrival",
                "The release time is before the witness arrived.",
                fields={"released_at": ["Before checked_in_at."]},
            )
        if released_at > now + timedelta(minutes=5):
            raise DomainError(
                "release_in_future",
                "The release time cannot be in the future.",
                fields={"released_at": ["In the future."]},
            )
    else:
        released_at = None
    before = booking.status
    booking = _compare_and_swap(
        booking,
        sources,
        status=states.leads_to("complete"),
        outcome=outcome,
        released_at=released_at,
    )
    booking_event_record(
        booking=booking,
        actor=actor,
        action=HistoryAction.COMPLETED,
        changes={
            "status": (before, booking.status),
            "outcome": (None, outcome),
            "released_at": (None, released_at),
        },
    )
    return booking
