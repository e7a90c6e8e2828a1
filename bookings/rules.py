"""The booking rules, stated once and shared by create, reschedule, relist and availability.

Opening hours are wall-clock times in Europe/London, so a window is converted to local time
before it is compared: 10:00 on a BST Monday is 09:00Z, on a GMT Monday 10:00Z.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import is_admin
from core.clock import local
from core.errors import Conflict, DomainError
from evidence_suites.models import Closure, OpeningHours, Suite

from .models import (
    OCCUPYING_STATUSES,
    OPEN_STATUSES,
    Booking,
    Hearing,
    HearingStatus,
    Witness,
    WitnessType,
)


def occupied_window(
    suite: Suite, starts_at: datetime, ends_at: datetime
) -> tuple[datetime, datetime]:
    """The window plus the suite's set-up before and turnaround after."""
    padding = timedelta(minutes=suite.turnaround_minutes)
    return starts_at - padding, ends_at + padding


def check_window(starts_at: datetime, ends_at: datetime, *, allow_past: bool = False) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            "invalid_window",
            "The booking must end after it starts.",
            fields={"ends_at": ["Must be after starts_at."]},
        )
    longest = timedelta(hours=settings.BOOKING_MAX_HOURS)
    if ends_at - starts_at > longest:
        raise DomainError(
            "window_too_long",
            f"A booking lasts at most {settings.BOOKING_MAX_HOURS} hours.",
            fields={"ends_at": [f"At most {settings.BOOKING_MAX_HOURS} hours after starts_at."]},
        )
    if not allow_past and starts_at < timezone.now():
        raise DomainError(
            "window_in_past",
            "The booking would start in the past.",
            fields={"starts_at": ["Must be in the future."]},
        )


def check_hearing_listed(hearing: Hearing) -> None:
    if hearing.status != HearingStatus.LISTED:
        raise DomainError(
            "hearing_not_listed",
            f"The hearing is {hearing.get_status_display().lower()}, so it cannot be booked.",
            fields={"hearing": ["The hearing is not listed."]},
        )


def check_on_hearing_day(hearing: Hearing, starts_at: datetime) -> None:
    """A witness gives evidence on the day the hearing sits, so that is the day they are booked."""
    if local(starts_at).date() != local(hearing.starts_at).date():
        raise DomainError(
            "not_on_hearing_day",
            f"The hearing sits on {local(hearing.starts_at):%A %d %B %Y}; book the witness for "
            "that day.",
            fields={"starts_at": ["Not on the hearing's day."]},
        )


def check_hearing_window(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            "invalid_window",
            "A hearing must end after it starts.",
            fields={"ends_at": ["Must be after starts_at."]},
        )
    if ends_at - starts_at > timedelta(hours=12):
        raise DomainError(
            "window_too_long",
            "A hearing slot lasts at most one sitting day (12 hours).",
            fields={"ends_at": ["At most 12 hours after starts_at."]},
        )


def hearing_change_refusal(*, user: User | None, hearing: Hearing) -> DomainError | None:
    """Why `user` may not change `hearing` (edit, vacate or relist it), or None when they may.

    A hearing is the court's: an admin, and a court user of its court, may change it whoever
    is booked on it. A scheduler may change it only while every active booking on it is of
    their own force's witnesses, since a change stands down or moves every witness on it; with
    another force's witness on it, that force learns of the change from the court, so the
    scheduler is told to ask the court (409 `hearing_shared`). Active means still open
    (confirmed or checked in, OPEN_STATUSES): those are the bookings a vacate cancels or
    releases and a relist moves; a cancelled or completed booking is history no change
    touches. Suite managers never change hearings. The system (`user` None: seeding, court
    lists read automatically) may.

    Race-free only when the caller holds the hearing's row FOR UPDATE: booking_create takes it
    FOR NO KEY UPDATE, so no other force's booking can join between this count and the change.
    """
    if user is None or is_admin(user):
        return None
    if user.role == Role.COURT_USER:
        if user.court_id is not None and hearing.court_id == user.court_id:
            return None
        return DomainError(
            "permission_denied",
            "A court user changes only their own court's hearings.",
            status_code=403,
        )
    if user.role != Role.SCHEDULER:
        return DomainError(
            "permission_denied", "Your role cannot change hearings.", status_code=403
        )
    others = (
        Booking.objects.filter(hearing_id=hearing.pk, status__in=OPEN_STATUSES)
        .exclude(witness__force_id=user.force_id)
        .count()
    )
    if not others:
        return None
    are = "booking of another force is" if others == 1 else "bookings of other forces are"
    return Conflict(
        "hearing_shared",
        f"{others} {are} on this hearing: ask the court or an admin to change it.",
    )


def hearing_change_check(*, user: User | None, hearing: Hearing) -> None:
    """Raise the refusal `hearing_change_refusal` gives, if any (see there for the rule)."""
    refusal = hearing_change_refusal(user=user, hearing=hearing)
    if refusal is not None:
        raise refusal


def video_link_refusal(user: User | None, booking: Booking) -> DomainError | None:
    """Why `user` may not set the court's side of `booking`'s live link (its video link or
    room, and PIN), or None when they may: an admin, a scheduler of the booking's witness's
    force, a court user of the booking's hearing's court, and the system (`user` None). Suite
    managers read the link (their kit joins the call) but do not set it."""
    if user is None or is_admin(user):
        return None
    if user.role == Role.SCHEDULER and user.force_id is not None:
        if booking.witness.force_id == user.force_id:
            return None
        return DomainError(
            "permission_denied",
            "A scheduler sets the video link only of their own force's bookings.",
            status_code=403,
        )
    if user.role == Role.COURT_USER and user.court_id is not None:
        if booking.hearing.court_id == user.court_id:
            return None
        return DomainError(
            "permission_denied",
            "A court user sets the video link only of their own court's bookings.",
            status_code=403,
        )
    return DomainError(
        "permission_denied", "Your role cannot set a booking's video link.", status_code=403
    )


def check_witness_bookable(witness: Witness) -> None:
    if witness.anonymised_at is not None:
        raise DomainError(
            "witness_anonymised",
            "This witness's details were anonymised; add them again as a new witness.",
            fields={"witness": ["Anonymised."]},
        )


def check_suite_active(suite: Suite) -> None:
    if not suite.is_active:
        raise DomainError(
            "suite_inactive",
            f"{suite.name} is not taking bookings.",
            fields={"suite": ["The suite is inactive."]},
        )


def opening_period_filter(starts_at: datetime, ends_at: datetime) -> Q | None:
    """A filter on OpeningHours matching a period that holds the whole window, or None when
    no period can (the window crosses local midnight)."""
    start, end = local(starts_at), local(ends_at)
    midnight_end = end.time() == end.time().min and end.date() == start.date() + timedelta(days=1)
    if end.date() != start.date() or midnight_end:
        return None
    return Q(weekday=start.weekday(), opens__lte=start.time(), closes__gte=end.time())


def check_open(suite: Suite, starts_at: datetime, ends_at: datetime) -> None:
    condition = opening_period_filter(starts_at, ends_at)
    if condition is None:
        raise DomainError(
            "outside_opening_hours",
            "A booking must start and finish on the same day (Europe/London time).",
            fields={"ends_at": ["Crosses midnight."]},
        )
    if not OpeningHours.objects.filter(condition, suite=suite).exists():
        start, end = local(starts_at), local(ends_at)
        raise DomainError(
            "outside_opening_hours",
            f"{suite.name} is not open for the whole of {start:%A %d %B %Y %H:%M}–{end:%H:%M}.",
            fields={"starts_at": ["Outside the suite's opening hours."]},
        )


def check_free(
    *,
    suite: Suite,
    witness: Witness,
    starts_at: datetime,
    ends_at: datetime,
    exclude: Booking | None = None,
) -> None:
    """The suite is not closed, and neither suite nor witness is already booked then."""
    if Closure.objects.filter(suite=suite, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise Conflict("suite_closed", f"{suite.name} is closed for part of that time.")
    occupied_from, occupied_until = occupied_window(suite, starts_at, ends_at)
    others = Booking.objects.filter(status__in=OCCUPYING_STATUSES)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    # Plain comparisons, not core.db.Overlaps: for one suite and LIMIT 1 PostgreSQL walks the
    # suite_id index rather than the range index, and proving a slot free then reads the
    # suite's whole history at random (15-30 ms at a million bookings, against about 5 ms on
    # the (suite, occupied_from) index; docs/benchmarks.md).
    if others.filter(
        suite=suite, occupied_from__lt=occupied_until, occupied_until__gt=occupied_from
    ).exists():
        raise Conflict(
            "suite_unavailable",
            f"{suite.name} is already booked then (including {suite.turnaround_minutes} minutes "
            "of set-up and turnaround either side).",
        )
    if others.filter(witness=witness, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise Conflict("witness_unavailable", "The witness is already booked at that time.")


def conflict_from_integrity_error(error: Exception) -> Conflict | None:
    """Turn PostgreSQL's refusal (an exclusion constraint) into the API's 409."""
    cause = getattr(error, "__cause__", None)
    name = getattr(getattr(cause, "diag", None), "constraint_name", None) or str(error)
    if "booking_no_suite_overlap" in name:
        return Conflict("suite_unavailable", "The suite was booked for that time a moment ago.")
    if "booking_no_witness_overlap" in name:
        return Conflict("witness_unavailable", "The witness was booked for that time a moment ago.")
    return None


# deadlock_detected, serialization_failure: PostgreSQL gave up on the statement in favour of a
# concurrent transaction; the statement itself was sound and may be run again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable(error: Exception) -> bool:
    """Whether PostgreSQL aborted a write only to let a concurrent one through.

    The services lock the suite and the witness before writing (the lock order in services),
    so they queue; two clashing bookings written without those locks can each add their entry
    to the exclusion constraint's index before checking for the other's; each then waits for
    the other to finish, and PostgreSQL aborts one with `deadlock detected`, an
    OperationalError naming no constraint. Run again once the other has gone ahead, the write
    meets the real exclusion violation (the 409), or succeeds if the other rolled back. SQLite
    never says this: it takes the write lock up front."""
    return getattr(getattr(error, "__cause__", None), "sqlstate", None) in RETRYABLE_SQLSTATES


def check_witness_fields(witness_type: str, collar_number: str) -> None:
    if witness_type == WitnessType.POLICE_OFFICER and not collar_number.strip():
        raise DomainError(
            "collar_number_required",
            "A police officer witness needs their collar number.",
            fields={"collar_number": ["Required for a police officer."]},
        )
