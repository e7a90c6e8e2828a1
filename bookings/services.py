"""Writes for courts, hearings, witnesses and bookings: one function per use case.

Every booking change is recorded in the booking's history in the same transaction. Status
changes are compare-and-swap on the booking's version: of two racing changes one wins and the
other is told the booking changed (409).
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import F
from django.utils import timezone

from accounts import audit
from accounts.models import User
from core import clock
from core.errors import Conflict, DomainError
from evidence_suites.models import Suite

from . import events, rules
from .models import (
    OPEN_STATUSES,
    AttentionFlag,
    AttentionKind,
    Booking,
    BookingEvent,
    BookingStatus,
    Court,
    Hearing,
    HearingStatus,
    Outcome,
    Witness,
)

# Crockford's base 32: no I, L, O or U, so a reference read out over the phone is unambiguous.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6


# --- History --------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _actor_label(actor: User | None, label: str | None) -> str:
    if label:
        return label
    return actor.get_username() if actor is not None else "system"


def booking_event_record(
    *,
    booking: Booking,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> BookingEvent:
    """Append one entry to a booking's history: who, when, what changed (before → after)."""
    event = booking_event_build(
        booking=booking, action=action, changes=changes, actor=actor, actor_label=actor_label
    )
    event.save(force_insert=True)
    if action != "created":  # a new booking is in the audit log already, every field of it
        audit.record(
            booking, changes=event.changes, actor=actor, actor_label=actor_label or "", event=action
        )
    return event


def booking_event_build(
    *,
    booking: Booking,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> BookingEvent:
    """A history entry not yet saved, for callers that write many at once (bulk_create)."""
    return BookingEvent(
        booking=booking,
        at=timezone.now(),
        actor=actor,
        actor_label=_actor_label(actor, actor_label),
        action=action,
        changes={
            field: [_jsonable(before), _jsonable(after)]
            for field, (before, after) in (changes or {}).items()
        },
    )


def _diff(booking: Booking, new_values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for field, value in new_values.items():
        before = getattr(booking, field)
        if isinstance(before, models.Model):
            before_cmp, value_cmp = before.pk, getattr(value, "pk", value)
        else:
            before_cmp, value_cmp = before, value
        if before_cmp != value_cmp:
            changes[field] = (before, value)
    return changes


# --- Courts, hearings, witnesses -------------------------------------------------------------


@transaction.atomic
def court_create(**fields) -> Court:
    if Court.objects.filter(code=fields["code"]).exists():
        raise Conflict(
            "court_exists", "A court with this code already exists.", fields={"code": ["Taken."]}
        )
    return Court.objects.create(**fields)


@transaction.atomic
def hearing_create(
    *,
    court: Court,
    case_reference: str,
    hearing_type: str,
    starts_at: datetime,
    ends_at: datetime,
    courtroom: str = "",
) -> Hearing:
    """A hearing listed in a court's list."""
    starts_at, ends_at = clock.utc(starts_at), clock.utc(ends_at)
    rules.check_hearing_window(starts_at, ends_at)
    return Hearing.objects.create(
        court=court,
        case_reference=case_reference.strip().upper(),
        hearing_type=hearing_type,
        courtroom=courtroom,
        starts_at=starts_at,
        ends_at=ends_at,
    )


@transaction.atomic
def hearing_update(*, actor: User | None, hearing: Hearing, **fields) -> Hearing:
    """Change a hearing's details. New times relist it (its bookings follow); status may only
    move to `concluded` here: vacating needs a reason and goes through `hearing_vacate`.
    Who may is `rules.hearing_change_refusal`'s to say, asked with the hearing locked."""
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    rules.hearing_change_check(user=actor, hearing=hearing)
    hearing.affected_booking_ids = []
    status = fields.pop("status", None)
    starts_at = clock.utc(fields.pop("starts_at", hearing.starts_at))
    ends_at = clock.utc(fields.pop("ends_at", hearing.ends_at))
    if "case_reference" in fields:
        fields["case_reference"] = fields["case_reference"].strip().upper()
    for name, value in fields.items():
        setattr(hearing, name, value)
    hearing.save()
    if (starts_at, ends_at) != (hearing.starts_at, hearing.ends_at):
        hearing = hearing_relist(actor=actor, hearing=hearing, starts_at=starts_at, ends_at=ends_at)
    if status is not None and status != hearing.status:
        if status == HearingStatus.CONCLUDED:
            hearing = hearing_conclude(hearing=hearing)
        elif status == HearingStatus.VACATED:
            raise DomainError(
                "use_vacate",
                "Vacate a hearing with POST /api/v1/hearings/{id}/vacate/ and a reason.",
                fields={"status": ["Use the vacate action."]},
            )
        else:
            raise DomainError(
                "use_relist",
                "Relist a hearing with POST /api/v1/hearings/{id}/relist/ and its new times.",
                fields={"status": ["Use the relist action."]},
            )
    return hearing


@transaction.atomic
def hearing_conclude(*, hearing: Hearing) -> Hearing:
    updated = Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.LISTED).update(
        status=HearingStatus.CONCLUDED, updated_at=timezone.now()
    )
    if not updated:
        raise Conflict("hearing_not_listed", "Only a listed hearing can be concluded.")
    hearing.refresh_from_db()
    audit.record(hearing, changes={"status": (HearingStatus.LISTED, hearing.status)})
    return hearing


@transaction.atomic
def hearing_vacate(*, actor: User | None, hearing: Hearing, reason: str) -> Hearing:
    """The hearing is off (cracked, withdrawn...). Witnesses still booked are stood down: their
    bookings are cancelled with the reason; anyone already in a suite is released as not
    required, so the time they gave still counts. Who may is `rules.hearing_change_refusal`'s
    to say. The returned hearing's `affected_booking_ids` are the bookings stood down or
    released, for the answer to say what was done."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required", "Say why the hearing is vacated.", fields={"reason": ["Required."]}
        )
    # FOR UPDATE, not the bookings' FOR NO KEY UPDATE: no booking joins it until this commits.
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    rules.hearing_change_check(user=actor, hearing=hearing)
    updated = Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.LISTED).update(
        status=HearingStatus.VACATED, vacated_reason=reason[:200], updated_at=timezone.now()
    )
    if not updated:
        raise Conflict("hearing_not_listed", "Only a listed hearing can be vacated.")
    hearing.refresh_from_db()
    audit.record(
        hearing,
        actor=actor,
        changes={
            "status": (HearingStatus.LISTED, hearing.status),
            "vacated_reason": ("", hearing.vacated_reason),
        },
    )
    hearing.affected_booking_ids = []
    for booking in hearing.bookings.filter(status__in=OPEN_STATUSES).select_related("hearing"):
        if booking.status == BookingStatus.CONFIRMED:
            booking_cancel(actor=actor, booking=booking, reason=f"Hearing vacated: {reason}")
        else:
            booking_complete(actor=actor, booking=booking, outcome=Outcome.NOT_REQUIRED)
        hearing.affected_booking_ids.append(booking.pk)
    return hearing


def _window_after_relist(
    booking: Booking, hearing: Hearing, starts_at: datetime, ends_at: datetime
):
    """A booking for the whole hearing takes the whole new slot; a phased booking (morning or
    afternoon) keeps its place relative to the start, pulled back to end with the slot when the
    new slot is shorter (and cut to the slot when it is longer than all of it). A booking that
    could not follow an earlier relist is placed from where it should have gone then, not
    where it was left."""
    current = (booking.starts_at, booking.ends_at)
    pending = next(
        (f for f in booking.flags.all() if f.kind == AttentionKind.RELIST_CONFLICT), None
    )
    if pending is not None and pending.resolved_at is None:
        current = (
            datetime.fromisoformat(pending.data["proposed_starts_at"]),
            datetime.fromisoformat(pending.data["proposed_ends_at"]),
        )
    if current == (hearing.starts_at, hearing.ends_at):
        return starts_at, ends_at
    shift = starts_at - hearing.starts_at
    moved_from, moved_until = current[0] + shift, current[1] + shift
    if moved_until > ends_at:
        length = min(moved_until - moved_from, ends_at - starts_at)
        moved_from, moved_until = ends_at - length, ends_at
    return moved_from, moved_until


@transaction.atomic
def hearing_relist(
    *, actor: User | None, hearing: Hearing, starts_at: datetime, ends_at: datetime
) -> Hearing:
    """The court moved the hearing. A live-link direction survives an adjournment, so each
    booking follows the hearing where its suite is free at the new time; where it is not, the
    booking stays put and is flagged for staff with the nearest free suites suggested.

    Who may is `rules.hearing_change_refusal`'s to say. The returned hearing's
    `affected_booking_ids` are the bookings it tried to move: moved, or flagged."""
    from .selectors import available_suites

    starts_at, ends_at = clock.utc(starts_at), clock.utc(ends_at)
    rules.check_hearing_window(starts_at, ends_at)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    rules.hearing_change_check(user=actor, hearing=hearing)
    if hearing.status == HearingStatus.CONCLUDED:
        raise Conflict("hearing_concluded", "A concluded hearing cannot be relisted.")
    bookings = list(
        hearing.bookings.filter(status=BookingStatus.CONFIRMED)
        .select_related("suite", "witness")
        .prefetch_related(
            models.Prefetch(
                "flags", queryset=AttentionFlag.objects.filter(resolved_at__isnull=True)
            )
        )
    )
    moves = [(b, *_window_after_relist(b, hearing, starts_at, ends_at)) for b in bookings]
    hearing.affected_booking_ids = [b.pk for b in bookings]
    # Every suite and witness the moves lock, all at once in the lock order: one by one, in
    # booking order, two relists sharing some could each hold what the other waits for.
    _lock_suites_and_witnesses({b.suite_id for b in bookings}, {b.witness_id for b in bookings})
    hearing.starts_at, hearing.ends_at = starts_at, ends_at
    hearing.status = HearingStatus.LISTED
    hearing.vacated_reason = ""
    hearing.save()
    for booking, new_start, new_end in moves:
        try:
            with transaction.atomic():
                booking_reschedule(
                    actor=actor,
                    booking=booking,
                    starts_at=new_start,
                    ends_at=new_end,
                    action="moved_with_hearing",
                )
        except DomainError as refusal:
            suggestions = available_suites(
                starts_at=new_start,
                ends_at=new_end,
                near=(booking.suite.latitude, booking.suite.longitude),
                limit=3,
            )
            # One open flag per booking, always holding the latest proposal.
            AttentionFlag.objects.update_or_create(
                booking=booking,
                kind=AttentionKind.RELIST_CONFLICT,
                resolved_at=None,
                defaults={
                    "detail": (
                        f"Hearing moved to {clock.local(new_start):%a %d %b %H:%M}: "
                        f"{refusal.detail}"
                    )[:300],
                    "data": {
                        "reason_code": refusal.code,
                        "proposed_starts_at": new_start.isoformat(),
                        "proposed_ends_at": new_end.isoformat(),
                        "suggested_suites": [row["suite"] for row in suggestions],
                    },
                    "created_at": timezone.now(),
                },
            )
            booking_event_record(
                booking=booking,
                actor=actor,
                action="relist_conflict",
                changes={"attention": (None, refusal.code)},
            )
    return hearing


@transaction.atomic
def witness_create(
    *,
    full_name: str,
    witness_type: str,
    force,
    collar_number: str = "",
    phone: str = "",
    email: str = "",
) -> Witness:
    rules.check_witness_fields(witness_type, collar_number)
    return Witness.objects.create(
        full_name=full_name.strip(),
        witness_type=witness_type,
        force=force,
        collar_number=collar_number.strip(),
        phone=phone,
        email=email,
    )


@transaction.atomic
def witness_update(*, witness: Witness, **fields) -> Witness:
    """Change a witness's details. Messages still waiting go to the new number or address
    (the sender reads them when it sends), and a new number's opt-out state is the ledger's."""
    before = {"sms": events.witness_number(witness), "email": witness.email}
    for name, value in fields.items():
        setattr(witness, name, value)
    rules.check_witness_fields(witness.witness_type, witness.collar_number)
    if witness.anonymised_at is not None:
        raise Conflict("witness_anonymised", "This witness's details were anonymised.")
    after = {"sms": events.witness_number(witness), "email": witness.email}
    witness.save()
    changed = {channel for channel in after if after[channel] != before[channel]}
    events.witness_contact_changed.send(sender=Witness, witness=witness, channels=changed)
    return witness


# --- Bookings --------------------------------------------------------------------------------


def _new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{settings.BOOKING_REFERENCE_PREFIX}-{body}"


# Lock order. A booking write first locks its hearing, then the suite, then the witness (of
# several, lowest id first), FOR NO KEY UPDATE, which rows merely referring to them do not wait
# for. A second write for the same suite or witness waits there until the first commits or
# rolls back, then meets its booking in check_free (a clean 409) or finds the slot free:
# without these locks writers meet only in the exclusion constraints, where several left
# waiting on a booking that rolls back deadlock on each other. Taken in this one order by
# every path, the locks cannot deadlock among themselves. On SQLite they are plain reads:
# BEGIN IMMEDIATE already serialises writers.


def _lock_suites_and_witnesses(suite_ids, witness_ids) -> tuple[list[Suite], list[Witness]]:
    """The suites and witnesses as they are now, locked (after the hearing) in the lock order."""
    suites = Suite.objects.select_for_update(no_key=True).filter(pk__in=suite_ids).order_by("pk")
    witnesses = (
        Witness.objects.select_for_update(no_key=True).filter(pk__in=witness_ids).order_by("pk")
    )
    return list(suites), list(witnesses)


# How many times in all a booking write is tried when PostgreSQL aborts it to break a
# deadlock. A safety net for writers outside the lock order; two racing writers need one
# retry, a third leaves room for a slow wake-up.
WRITE_ATTEMPTS = 3

T = TypeVar("T")


def _write_retrying_deadlocks(write: Callable[[], T]) -> T:
    """Run `write` in a savepoint of its own, and again after a short, jittered pause if
    PostgreSQL aborted it to break a deadlock (see rules.is_retryable).

    Only the savepoint is rolled back, so the request's transaction, and the hearing lock it
    holds, carry on; the pause lets the writer that went ahead get past its own check first.
    The last attempt's error is raised as it is: bounded, because a pile-up of several writers
    each waiting for another's uncommitted booking can deadlock again on every try (the lock
    order keeps the service's own writers out of such pile-ups)."""
    for attempt in range(1, WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if not rules.is_retryable(error):
                raise
        time.sleep(random.uniform(0.01, 0.05) * attempt)
    with transaction.atomic():
        return write()


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
    **details,
) -> Booking:
    """Book a witness into a suite for a hearing, by default for the hearing's whole slot.

    The window must lie inside one of the suite's opening periods, outside its closures, and
    overlap no other booking of the suite (set-up and turnaround included) or of the witness.
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
    occupied_from, occupied_until = rules.occupied_window(suite, starts_at, ends_at)
    booking = Booking(
        hearing=hearing,
        witness=witness,
        suite=suite,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=occupied_from,
        occupied_until=occupied_until,
        created_by=actor,
        **details,
    )
    _insert_booking(booking)
    booking_event_record(
        booking=booking,
        actor=actor,
        action="created",
        changes={
            "status": (None, booking.status),
            "hearing": (None, hearing.pk),
            "witness": (None, witness.pk),
            "suite": (None, suite.pk),
            "starts_at": (None, starts_at),
            "ends_at": (None, ends_at),
        },
    )
    events.booking_confirmed.send(sender=Booking, booking=booking)
    return booking


def _compare_and_swap(booking: Booking, expected_statuses, **values) -> Booking:
    """Apply `values` only if the booking is still what this request read (same version and
    an expected status); otherwise someone else changed it first and this request loses."""
    try:
        updated = _write_retrying_deadlocks(
            lambda: Booking.objects.filter(
                pk=booking.pk, version=booking.version, status__in=expected_statuses
            ).update(version=F("version") + 1, updated_at=timezone.now(), **values)
        )
    except IntegrityError as error:
        conflict = rules.conflict_from_integrity_error(error)
        if conflict is not None:
            raise conflict from None
        raise
    if not updated:
        raise Conflict(
            "booking_changed",
            "The booking was changed by someone else a moment ago; reload it and try again.",
        )
    booking.refresh_from_db()
    return booking


def _require_status(booking: Booking, allowed, action: str) -> None:
    if booking.status not in allowed:
        raise Conflict(
            "invalid_transition",
            f"A {booking.get_status_display().lower()} booking cannot be {action}.",
        )


@transaction.atomic
def booking_update_details(*, actor: User | None, booking: Booking, **details) -> Booking:
    """Special measures and staff notes: no effect on the schedule, and nothing the witness
    is told, so news still on its way to them (a confirmation) goes as it was."""
    changes = _diff(booking, details)
    if not changes:
        return booking
    booking = _compare_and_swap(booking, list(BookingStatus), **details)
    booking_event_record(booking=booking, actor=actor, action="details_changed", changes=changes)
    return booking


@transaction.atomic
def booking_reschedule(
    *,
    actor: User | None,
    booking: Booking,
    suite: Suite | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    action: str = "rescheduled",
) -> Booking:
    """Move a confirmed booking to another suite or time, under the same rules as a new one."""
    # Checked against the hearing as it is now, held until this commits (see booking_create).
    booking.hearing = Hearing.objects.select_for_update(no_key=True).get(pk=booking.hearing_id)
    previous_suite = booking.suite
    suite = suite or booking.suite
    starts_at = clock.utc(starts_at or booking.starts_at)
    ends_at = clock.utc(ends_at or booking.ends_at)
    changes = _diff(booking, {"suite": suite, "starts_at": starts_at, "ends_at": ends_at})
    if not changes:
        return booking
    _require_status(booking, [BookingStatus.CONFIRMED], "moved")
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
    occupied_from, occupied_until = rules.occupied_window(suite, starts_at, ends_at)
    booking = _compare_and_swap(
        booking,
        [BookingStatus.CONFIRMED],
        suite=suite,
        starts_at=starts_at,
        ends_at=ends_at,
        occupied_from=occupied_from,
        occupied_until=occupied_until,
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
    _require_status(booking, [BookingStatus.CONFIRMED], "cancelled")
    before = booking.status
    booking = _compare_and_swap(
        booking,
        [BookingStatus.CONFIRMED],
        status=BookingStatus.CANCELLED,
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
        action="cancelled",
        changes={"status": (before, booking.status), "cancellation_reason": ("", reason)},
    )
    events.booking_cancelled.send(sender=Booking, booking=booking)
    return booking


@transaction.atomic
def booking_check_in(
    *, actor: User | None, booking: Booking, at: datetime | None = None
) -> Booking:
    """The witness has arrived at the suite."""
    _require_status(booking, [BookingStatus.CONFIRMED], "checked in")
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
        booking, [BookingStatus.CONFIRMED], status=BookingStatus.CHECKED_IN, checked_in_at=at
    )
    booking_event_record(
        booking=booking,
        actor=actor,
        action="checked_in",
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
    if outcome == Outcome.NO_SHOW:
        allowed = [BookingStatus.CONFIRMED]
        released_at = None
    elif outcome == Outcome.GAVE_EVIDENCE:
        allowed = [BookingStatus.CHECKED_IN]
    else:
        allowed = [BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]
    if booking.status == BookingStatus.CONFIRMED and outcome == Outcome.GAVE_EVIDENCE:
        raise Conflict(
            "not_checked_in", "Check the witness in before recording that they gave evidence."
        )
    _require_status(booking, allowed, f"completed as {Outcome(outcome).label.lower()}")
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
        booking, allowed, status=BookingStatus.COMPLETED, outcome=outcome, released_at=released_at
    )
    booking_event_record(
        booking=booking,
        actor=actor,
        action="completed",
        changes={
            "status": (before, booking.status),
            "outcome": (None, outcome),
            "released_at": (None, released_at),
        },
    )
    return booking


@transaction.atomic
def attention_flag_resolve(*, actor: User | None, flag: AttentionFlag) -> AttentionFlag:
    """A scheduler has dealt with it: it leaves the attention list (and stays in history)."""
    updated = AttentionFlag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )
    if updated:
        booking_event_record(
            booking=flag.booking,
            actor=actor,
            action="attention_resolved",
            changes={"attention": (flag.kind, None)},
        )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def attention_flag_raise(*, booking: Booking, kind: str, detail: str, data=None) -> AttentionFlag:
    """Put a booking on the attention list (one open flag per booking and kind)."""
    flag = AttentionFlag.objects.filter(
        booking=booking, kind=kind, resolved_at__isnull=True
    ).first()
    if flag is None:
        flag = AttentionFlag.objects.create(
            booking=booking,
            kind=kind,
            detail=detail[:300],
            data=data or {},
            created_at=timezone.now(),
        )
    return flag


@transaction.atomic
def booking_witness_confirm(*, booking: Booking, channel: str) -> Booking:
    """The witness says they will attend (a YES text, or the button on their page)."""
    if booking.status != BookingStatus.CONFIRMED or booking.witness_confirmed_at:
        return booking
    now = timezone.now()
    Booking.objects.filter(pk=booking.pk).update(witness_confirmed_at=now, updated_at=now)
    booking.refresh_from_db()
    booking_event_record(
        booking=booking,
        action="witness_confirmed",
        actor_label=f"witness ({channel})",
        changes={"witness_confirmed_at": (None, now)},
    )
    AttentionFlag.objects.filter(
        booking=booking, kind=AttentionKind.WITNESS_CANNOT_ATTEND, resolved_at__isnull=True
    ).update(resolved_at=now)
    return booking


@transaction.atomic
def booking_witness_cannot_attend(*, booking: Booking, channel: str) -> Booking:
    """The witness says they cannot attend: staff must rebook or tell the court."""
    if booking.status != BookingStatus.CONFIRMED:
        return booking
    Booking.objects.filter(pk=booking.pk).update(witness_confirmed_at=None)
    booking.refresh_from_db()
    attention_flag_raise(
        booking=booking,
        kind=AttentionKind.WITNESS_CANNOT_ATTEND,
        detail=f"The witness replied by {channel} that they cannot attend.",
    )
    booking_event_record(
        booking=booking,
        action="witness_cannot_attend",
        actor_label=f"witness ({channel})",
        changes={"attention": (None, AttentionKind.WITNESS_CANNOT_ATTEND)},
    )
    return booking


# --- Calendar feed tokens ---------------------------------------------------------------------
# (Imports are local to these functions only because this section was appended to the file.)

FEED_SECRET_BYTES = 32


@transaction.atomic
def feed_token_create(
    *, actor: User | None, scope: str, subject: Court | Suite | Witness, label: str = ""
):
    """A new secret address for the calendar feed of a court, a suite or a police officer.

    Each subscriber gets their own, so one can be revoked without breaking the others. Only the
    secret's SHA-256 is stored: the secret is returned once, as `token.secret`, and cannot be
    recovered afterwards (make another token instead). Who may subscribe to what is decided by
    the caller's view of the subject (`selectors.feed_subjects`); the rules here are the feed's
    own: an officer's feed is for a police officer whose details are still held."""
    from .feeds import token_hash
    from .models import FeedScope, FeedToken, WitnessType

    expected = {FeedScope.COURT: Court, FeedScope.SUITE: Suite, FeedScope.WITNESS: Witness}
    if not isinstance(subject, expected[FeedScope(scope)]):
        raise DomainError(
            "invalid_feed_subject",
            f"A {scope} feed is for a {scope}.",
            fields={"object_id": [f"Not a {scope}."]},
        )
    if scope == FeedScope.WITNESS:
        if subject.witness_type != WitnessType.POLICE_OFFICER:
            raise DomainError(
                "feed_for_officers_only",
                "Only police officers subscribe to a feed of their bookings; other witnesses "
                "are told by SMS.",
                fields={"object_id": ["Not a police officer."]},
            )
        if subject.anonymised_at is not None:
            raise Conflict("witness_anonymised", "This witness's details were anonymised.")
    secret = secrets.token_urlsafe(FEED_SECRET_BYTES)
    token = FeedToken.objects.create(
        scope=scope,
        **{scope: subject},
        token_hash=token_hash(secret),
        label=label.strip(),
        created_by=actor,
    )
    token.secret = secret
    return token


@transaction.atomic
def feed_token_revoke(*, actor: User | None, token):
    """The feed address stops working at once (404); other tokens for the same subject don't."""
    from .models import FeedToken

    revoked = FeedToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit.record(token, actor=actor, changes={"revoked_at": (None, token.revoked_at)})
    return token


def feed_token_record_fetch(*, token, user_agent: str = "") -> None:
    """Note when a subscriber's calendar last fetched the feed, and which client it was, so
    staff can see subscriptions that have gone quiet. One UPDATE on every fetch (a 304 too),
    deliberately outside a transaction: it is a single statement, and a feed fetch should not
    take the write lock any longer than that."""
    from .models import FeedToken

    FeedToken.objects.filter(pk=token.pk).update(
        last_fetched_at=timezone.now(), last_user_agent=user_agent[:255]
    )


@transaction.atomic
def suite_closure_add(
    *, actor: User | None, suite: Suite, starts_at: datetime, ends_at: datetime, reason: str
):
    """Close a suite for a period. Bookings already in that time are never silently dropped:
    each is put on the attention list with the nearest suites free then, for staff to move."""
    from evidence_suites.services import closure_create

    from .selectors import available_suites

    # The suite's lock (see _lock_suites_and_witnesses): a booking being made for it now either
    # commits first, and is caught below, or waits, and then meets the closure in its checks.
    [suite], _ = _lock_suites_and_witnesses([suite.pk], [])
    closure = closure_create(suite=suite, starts_at=starts_at, ends_at=ends_at, reason=reason)
    caught = Booking.objects.filter(
        suite=suite,
        status__in=OPEN_STATUSES,
        starts_at__lt=closure.ends_at,
        ends_at__gt=closure.starts_at,
    ).select_related("suite")
    for booking in caught:
        suggestions = available_suites(
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            near=(suite.latitude, suite.longitude),
            limit=4,
        )
        attention_flag_raise(
            booking=booking,
            kind=AttentionKind.SUITE_CLOSED,
            detail=(
                f"{suite.name} is closed {clock.local(closure.starts_at):%a %d %b %H:%M} to "
                f"{clock.local(closure.ends_at):%a %d %b %H:%M}: {closure.reason}"
            ),
            data={
                "closure": closure.pk,
                # the closed suite itself is not free then, so it is never suggested
                "suggested_suites": [row["suite"] for row in suggestions],
            },
        )
        booking_event_record(
            booking=booking,
            actor=actor,
            action="suite_closed",
            changes={"attention": (None, AttentionKind.SUITE_CLOSED)},
        )
    return closure


def witnesses_anonymise(*, now: datetime | None = None) -> int:
    """Data kept no longer than needed (DPA 2018 Part 3): a set period after a witness's last
    booking ends (RETENTION_DAYS), or after a witness never booked was last changed
    (RETENTION_UNBOOKED_DAYS), their details go from every place docs/privacy.md lists. The
    one retention sweep (bookings.retention) does it and records the run; this is its name for
    the daily job. Returns how many witnesses were anonymised."""
    from .retention import retention_sweep

    return retention_sweep(now=now, via="daily job").witnesses


@transaction.atomic
def suite_closure_remove(*, actor: User | None, closure) -> None:
    """Reopen the suite: the closure goes, and so do the attention flags it raised."""
    from evidence_suites.services import closure_delete

    flags = AttentionFlag.objects.filter(
        kind=AttentionKind.SUITE_CLOSED, resolved_at__isnull=True, data__closure=closure.pk
    )
    flags.update(resolved_at=timezone.now(), resolved_by=actor)
    closure_delete(closure=closure)
