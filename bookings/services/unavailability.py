"""A witness's dates to avoid (police witness care's MG10): recorded, removed, and the one rule
a booking meets them by.

The rule (`unavailability_clashes`): a booking clashes with a period when their times overlap
(touching ends do not). A night shift counts for longer than it lasts: **a night shift ending
after 06:00 London time makes the rest of that morning unavailable too, until 13:00 London time,
when the morning sitting ends** (an officer who came off nights at 07:00 is asleep, not in a
suite at 10:00). One ending at 06:00 or before leaves the morning free. Times are compared in
UTC, the 06:00 and 13:00 on the London calendar day the shift ends, right either side of a
clock change.

A booking made or moved (`booking_create`, `booking_reschedule`) into a clash is refused with
409 `witness_unavailable_dates` naming the periods, unless the request gives a reason to
override them (`unavailability_check`), which the booking's history keeps.

Concurrency: adding a period locks the witness's row, as every booking write does after its
hearing and suite (the lock order in `locking`). So a period and a booking of one witness
written at the same moment are serialised: if the period commits first, the booking meets it
(409 unless overridden); if the booking commits first, the period is recorded after it and the
booking stands (a period never cancels a booking: staff see both on the booking's page).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core import clock
from core.errors import Conflict, DomainError
from core.validators import no_control_characters

from ..models import Unavailability, UnavailabilityReason, UnavailabilitySource, Witness

#: A night shift ending after this (London) also takes the rest of the morning ...
NIGHT_SHIFT_ENDS_AFTER = time(6, 0)
#: ... until the morning sitting ends.
MORNING_SITTING_ENDS = time(13, 0)
#: The most a night shift's effective end can lie after its real one (07:00 London → 13:00).
_LONGEST_EXTENSION = timedelta(hours=8)
#: The longest reason a booking over dates to avoid may be given.
OVERRIDE_MAX_LENGTH = 200
CODE = "witness_unavailable_dates"


def effective_ends_at(period: Unavailability) -> datetime:
    """When `period` stops making the witness unavailable: its end, or for a night shift that
    ends after 06:00 London time, 13:00 London time that day if that is later."""
    if period.reason != UnavailabilityReason.NIGHT_SHIFT:
        return period.ends_at
    ends = clock.local(period.ends_at)
    if ends.time() <= NIGHT_SHIFT_ENDS_AFTER:
        return period.ends_at
    morning_ends = clock.at_london(ends.date(), MORNING_SITTING_ENDS)
    return max(period.ends_at, clock.utc(morning_ends))


def unavailability_clashes(
    witness: Witness, starts_at: datetime, ends_at: datetime
) -> list[Unavailability]:
    """The witness's periods a booking from `starts_at` to `ends_at` overlaps, night shifts'
    mornings included (the rule in this module's docstring), earliest first."""
    candidates = Unavailability.objects.filter(
        witness_id=witness.pk,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at - _LONGEST_EXTENSION,
    ).order_by("starts_at", "id")
    return [period for period in candidates if effective_ends_at(period) > starts_at]


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def period_words(period: Unavailability, *, reason: bool = True) -> str:
    """'annual leave, Mon 8 Mar 2027 to Fri 12 Mar 2027' (whole days), 'night shift, Tue 9 Mar
    2027 22:00 to Wed 10 Mar 2027 07:00, and that morning until 13:00', in London time;
    without the reason for those who may not know it (a court)."""
    starts, ends = clock.local(period.starts_at), clock.local(period.ends_at)
    if starts.time() == ends.time() == time(0):
        last_day = ends - timedelta(days=1)
        when = (
            _day(starts)
            if last_day.date() == starts.date()
            else (f"{_day(starts)} to {_day(last_day)}")
        )
    elif starts.date() == ends.date():
        when = f"{_day(starts)} {starts:%H:%M} to {ends:%H:%M}"
    else:
        when = f"{_day(starts)} {starts:%H:%M} to {_day(ends)} {ends:%H:%M}"
    if effective_ends_at(period) > period.ends_at:
        when += f", and that morning until {MORNING_SITTING_ENDS:%H:%M}"
    if not reason:
        return when
    return f"{period.get_reason_display().lower()}, {when}"


class UnavailableDates(Conflict):
    """409 `witness_unavailable_dates`: the booking's window touches the witness's dates to
    avoid. `periods` are the periods; `dates_only` says them without their reasons."""

    def __init__(self, periods: list[Unavailability]) -> None:
        self.periods = periods
        named = "; ".join(period_words(period) for period in periods)
        super().__init__(
            CODE,
            f"The witness cannot attend then: {named}. To book them anyway, give the reason in "
            "override_unavailability.",
        )

    @property
    def dates_only(self) -> str:
        return "; ".join(period_words(period, reason=False) for period in self.periods)


def clean_override(reason: str | None) -> str:
    """The override's reason as given, trimmed; refused (400 on the field) when too long or
    holding control characters."""
    reason = (reason or "").strip()
    problems = []
    if len(reason) > OVERRIDE_MAX_LENGTH:
        problems.append(f"At most {OVERRIDE_MAX_LENGTH} characters.")
    try:
        no_control_characters(reason)
    except ValidationError as error:
        problems.extend(error.messages)
    if problems:
        raise DomainError(
            "invalid",
            "The reason to override is not valid.",
            fields={"override_unavailability": problems},
        )
    return reason


def unavailability_check(
    *, witness: Witness, starts_at: datetime, ends_at: datetime, override: str | None
) -> tuple[list[Unavailability], str]:
    """The periods a booking would override and the reason given, or ([], "") when it touches
    none (a reason given then is ignored). Raises UnavailableDates (409) when it touches some
    and no reason is given. Call it with the witness locked (booking_create, booking_reschedule)."""
    reason = clean_override(override)
    clashes = unavailability_clashes(witness, starts_at, ends_at)
    if not clashes:
        return [], ""
    if not reason:
        raise UnavailableDates(clashes)
    return clashes, reason


def overridden_changes(periods: list[Unavailability], reason: str) -> dict:
    """What the booking's history keeps of an override: the reason, and the periods in words."""
    return {
        "override_unavailability": (None, reason),
        "unavailability": (None, "; ".join(period_words(period) for period in periods)),
    }


def overrides_rest_day(periods: list[Unavailability]) -> bool:
    return any(period.reason == UnavailabilityReason.REST_DAY for period in periods)


# --- Recording and removing periods -------------------------------------------------------


def _refuse_window(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            "invalid_window",
            "A period must end after it starts.",
            fields={"ends_at": ["Must be after starts_at."]},
        )


@transaction.atomic
def unavailability_add(
    *,
    actor: User | None,
    witness: Witness,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    note: str = "",
    source: str = UnavailabilitySource.STAFF,
    source_key: str = "",
) -> Unavailability:
    """Record a period the witness cannot attend. The audit log records it (django-auditlog,
    as every write of a witness's data). A period read from a file (`source_key`) already
    recorded for the witness is 409 `unavailability_exists`: imports skip those first."""
    starts_at, ends_at = clock.utc(starts_at), clock.utc(ends_at)
    _refuse_window(starts_at, ends_at)
    if reason not in UnavailabilityReason.values:
        raise DomainError(
            "invalid",
            "Unknown reason.",
            fields={"reason": [f"One of {', '.join(UnavailabilityReason.values)}."]},
        )
    # The witness's row, as booking writes lock it: a booking racing this waits, then sees it.
    witness = Witness.objects.select_for_update(no_key=True).get(pk=witness.pk)
    if witness.anonymised_at is not None:
        raise Conflict("witness_anonymised", "This witness's details were anonymised.")
    if source_key and witness.unavailability.filter(source=source, source_key=source_key).exists():
        raise Conflict("unavailability_exists", "This period is recorded already.")
    period = Unavailability(
        witness=witness,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        note=(note or "").strip(),
        source=source,
        source_key=source_key,
        created_by=actor,
    )
    try:
        period.full_clean(exclude=["witness", "created_by"])
    except ValidationError as error:
        raise DomainError(
            "invalid", "Some of the data sent is not valid.", fields=error.message_dict
        ) from None
    period.save(force_insert=True)
    return period


@transaction.atomic
def unavailability_remove(*, actor: User | None, period: Unavailability) -> None:
    """Take a period off the witness's dates to avoid (the audit log records it). Bookings
    made over it with an override keep their history."""
    list(Witness.objects.select_for_update(no_key=True).filter(pk=period.witness_id).values("pk"))
    for stored in Unavailability.objects.filter(pk=period.pk):
        stored.delete()
