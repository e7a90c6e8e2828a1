"""Courts and their hearings: listing a hearing, changing it, and what its bookings do when the
court concludes, vacates or relists it."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import User
from core import clock
from core.errors import Conflict, DomainError

from .. import rules, states
from ..models import (
    OPEN_STATUSES,
    AttentionFlag,
    AttentionKind,
    Booking,
    Court,
    Hearing,
    HearingStatus,
    HistoryAction,
    Outcome,
)
from ..selectors import available_suites
from .history import booking_event_record
from .lifecycle import booking_cancel, booking_complete, booking_reschedule
from .locking import _lock_suites_and_witnesses
from .unavailability import UnavailableDates


@transaction.atomic
def court_create(**fields) -> Court:
    _check_court_unique(fields)
    return Court.objects.create(**fields)


@transaction.atomic
def court_update(*, court: Court, **fields) -> Court:
    """Change a court's details (an admin's to do): its code and CaTH location id stay its
    own, and its `list_changes` policy applies to the next list read."""
    court = Court.objects.select_for_update().get(pk=court.pk)
    _check_court_unique(fields, court=court)
    for name, value in fields.items():
        setattr(court, name, value)
    court.save()
    return court


def _check_court_unique(fields: dict, *, court: Court | None = None) -> None:
    """No two courts share a code, nor a CaTH location id (409 `court_exists`)."""
    others = Court.objects.exclude(pk=court.pk) if court else Court.objects.all()
    if "code" in fields and others.filter(code=fields["code"]).exists():
        raise Conflict(
            "court_exists", "A court with this code already exists.", fields={"code": ["Taken."]}
        )
    location = fields.get("cath_location_id")
    if location and others.filter(cath_location_id=location).exists():
        raise Conflict(
            "court_exists",
            "A court with this CaTH location id already exists.",
            fields={"cath_location_id": ["Taken."]},
        )


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
    # With what each stand-down's texts and invites are written from, read once for them all.
    standing = hearing.bookings.filter(status__in=OPEN_STATUSES).select_related(
        "hearing__court", "witness", "suite"
    )
    for booking in standing:
        if states.may(booking.status, "cancel"):
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
    booking that may be moved follows the hearing where its suite is free at the new time;
    where it is not, the booking stays put and is flagged for staff with the nearest free
    suites suggested. A booking the new time would put in its witness's dates to avoid stays
    put and is flagged the same way (its scheduler may move it there with an override): no
    text tells the witness to come on a day they said they cannot.

    Who may is `rules.hearing_change_refusal`'s to say. The returned hearing's
    `affected_booking_ids` are the bookings it tried to move: moved, or flagged."""
    starts_at, ends_at = clock.utc(starts_at), clock.utc(ends_at)
    rules.check_hearing_window(starts_at, ends_at)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    rules.hearing_change_check(user=actor, hearing=hearing)
    if hearing.status == HearingStatus.CONCLUDED:
        raise Conflict("hearing_concluded", "A concluded hearing cannot be relisted.")
    bookings = list(
        hearing.bookings.filter(status__in=states.starts_from("reschedule"))
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
                    action=HistoryAction.MOVED_WITH_HEARING,
                )
        except DomainError as refusal:
            # Onto the witness's dates to avoid: the booking stays, flagged, for the scheduler
            # to move it with an override or ask the court; the flag, which the court sees too,
            # gives the dates but not the reasons, and no other suite would help.
            reason = refusal.detail
            suggestions = []
            if isinstance(refusal, UnavailableDates):
                reason = f"the witness has dates to avoid then ({refusal.dates_only})"
            else:
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
                        f"Hearing moved to {clock.local(new_start):%a %d %b %H:%M}: {reason}"
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
                action=HistoryAction.RELIST_CONFLICT,
                changes={"attention": (None, refusal.code)},
            )
    return hearing
