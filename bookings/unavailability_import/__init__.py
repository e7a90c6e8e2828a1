"""Dates to avoid read from files: an officer's duty roster (.ics) and a force's CSV of its
officers' periods. A file is read whole or not at all, and the same file twice adds nothing.

**A roster** (`import_roster`, read by `roster`), an iCalendar export of one officer's duties:

- every busy VEVENT is a period; one marked `TRANSP:TRANSPARENT` (free time) or
  `STATUS:CANCELLED` is skipped, as is one that takes no time (it ends as it starts);
- all-day events (DATE values) run from London midnight of their first day to London midnight
  of the day after their last (DTEND is that day, as iCalendar counts; no DTEND is one day);
- times with a TZID are read in the zone the file's VTIMEZONE describes, or the zone of that
  name (IANA, or Windows' names such as "GMT Standard Time"); UTC times as they are; *floating*
  times, with no zone at all, are read as London time, the time rosters here are kept in;
- repeating events (RRULE, RDATE) are refused: they are not expanded here (the
  `recurring_ical_events` library is not a dependency), and read as one event a series would
  stand for its first shift only; export the roster with each shift as an event of its own;
- each FREEBUSY period of a VFREEBUSY is a period unless its FBTYPE is FREE (BUSY, the
  default, BUSY-UNAVAILABLE and BUSY-TENTATIVE are busy);
- the reason is read from the event's CATEGORIES, else its SUMMARY (`periods.REASON_WORDS`:
  "Annual leave", "Rest day", "Night", "Course", "Sick" and a few more), `other` if neither
  says; the SUMMARY is kept as the period's note, one line, cut to the note's length;
- a period is known by its UID (with its RECURRENCE-ID, for one changed occurrence of a
  series), a free/busy period by its times: read again, from the same file or a later export,
  it is skipped, even if its times have changed since.

**A force's CSV** (`import_force_csv`, read by `force_csv`): the header
`collar_number,starts_at,ends_at,reason,note` (the note column may be left out), then a period
a row for an officer of the force, known by collar number. Times are ISO 8601 with their
offset; a date alone is the whole London day (an end date the whole of that last day). The
reason is one of the choices, by its value (`rest_day`) or its label (`Rest day`). A row is
known by its values: the same row again, in the file or in a later one, is skipped.

A file with any fault keeps nothing: `ImportRefused`, its `errors` keyed `line N` (the line of
the BEGIN of the event or VFREEBUSY at fault, the file's first line being line 1) or `row N`
(the rows under the header, counted from 1). A file over `MAX_BYTES` is refused whole (413).
Periods are added through `services.unavailability_add`, as staff add them, so that their
history and audit take one path.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import DomainError
from evidence_suites.models import Force

from .. import services
from ..models import Unavailability, UnavailabilitySource, Witness
from . import force_csv, roster
from .periods import MAX_BYTES, ImportRefused, ImportResult, Period, too_large

__all__ = [
    "MAX_BYTES",
    "ImportRefused",
    "ImportResult",
    "import_force_csv",
    "import_roster",
    "too_large",
]


def import_roster(*, actor, witness: Witness, data: bytes) -> ImportResult:
    """Add the busy times of an officer's duty roster (.ics) as their dates to avoid (see the
    module): the whole file, or, if any event or period in it is at fault, nothing."""
    if len(data) > MAX_BYTES:
        raise too_large()
    read = roster.read(data)
    return _add(
        actor=actor,
        periods=[(witness, period) for period in read.periods],
        source=UnavailabilitySource.ROSTER,
        skipped=read.ignored,
        code="invalid_roster",
    )


def import_force_csv(*, actor, force: Force, data: bytes) -> ImportResult:
    """Add the periods a CSV lists for `force`'s officers, by collar number (see the module):
    every row, or, if any row is at fault, none."""
    if len(data) > MAX_BYTES:
        raise too_large()
    return _add(
        actor=actor,
        periods=force_csv.read(data, force),
        source=UnavailabilitySource.CSV,
        skipped=0,
        code="invalid_csv",
    )


@transaction.atomic
def _add(
    *, actor, periods: list[tuple[Witness, Period]], source: str, skipped: int, code: str
) -> ImportResult:
    """Add each period its witness does not have from `source` yet: all of them, or none.
    The witnesses are locked first, so that the same file sent twice at once is read once and
    then found to be there."""
    witness_ids = sorted({witness.pk for witness, _ in periods})
    list(Witness.objects.select_for_update(no_key=True).filter(pk__in=witness_ids).order_by("pk"))
    known = set(
        Unavailability.objects.filter(witness_id__in=witness_ids, source=source)
        .exclude(source_key="")
        .values_list("witness_id", "source_key")
    )
    created = 0
    for witness, period in periods:
        if (witness.pk, period.source_key) in known:
            skipped += 1
            continue
        known.add((witness.pk, period.source_key))
        try:
            services.unavailability_add(
                actor=actor,
                witness=witness,
                starts_at=period.starts_at,
                ends_at=period.ends_at,
                reason=period.reason,
                note=period.note,
                source=source,
                source_key=period.source_key,
            )
        except DomainError as error:
            if error.status_code != 400:
                raise  # not the period's fault (the witness was anonymised, say)
            fields = (error.fields or {}).items()
            messages = [f"{name}: {m}" for name, ms in fields for m in ms] or [error.detail]
            raise ImportRefused(
                {period.place: messages}, code=code, detail=f"Nothing was imported: {error.detail}"
            ) from None
        except ValidationError as error:
            raise ImportRefused(
                {period.place: error.messages},
                code=code,
                detail="Nothing was imported: " + " ".join(error.messages),
            ) from None
        created += 1
    return ImportResult(created=created, skipped=skipped)
