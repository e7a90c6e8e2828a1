"""Welsh in the demo (issue 18): Gwent's trial at Newport on the next working day, with both
Gwent witnesses booked into the Newport suite, as a Gwent scheduler books them, at seeding time,
so that `make run` texts each their confirmation: Siân Pritchard, who asked for Welsh, in Welsh;
PC Rhys Morgan, who has not said, in both languages, Welsh first (Gwent's default).

Idempotent like the rest of seed_demo: the trial is its court, URN and London day, and one
already listed keeps the bookings it has. Seeded on a later day, the next working day has a
trial of its own."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bookings import services
from bookings.models import Court, Hearing, HearingType, Witness
from core.clock import at_london, local
from core.errors import DomainError
from evidence_suites.models import Suite
from notifications.schedule import next_working_day

from . import data
from .planner import PlannedHearing

#: How the seed's report says each language.
LANGUAGE_WORDS = {"en": "English", "cy": "Welsh", "en_cy": "both languages, Welsh first"}


def trial(courts: dict[str, Court], today: date) -> PlannedHearing:
    """Gwent's trial on the next working day, with its URN made from the day."""
    court_code, _suite, unit, courtroom, (opens, closes), _called = data.WELSH_TRIAL
    court = courts[court_code]
    day = next_working_day(today)
    row = next(row for row in data.COURTS if row.code == court_code)
    return PlannedHearing(
        court=court,
        case_reference=f"{row.urn_prefix}{unit}{day.toordinal() % 100000:05d}{day:%y}",
        hearing_type=HearingType.TRIAL,
        courtroom=courtroom,
        starts_at=at_london(day, opens),
        ends_at=at_london(day, closes),
    )


def book_witnesses(
    hearing: Hearing, suites: dict[str, Suite], created: Counter, notes: list[str]
) -> list[str]:
    """Book the Gwent witnesses into the trial now (their confirmations are texted as the demo
    starts); returns what the seed's report says of them."""
    _court, suite_code, _unit, _room, _sitting, called = data.WELSH_TRIAL
    suite = suites[suite_code]
    day = local(hearing.starts_at)
    said = []
    for full_name, starts, ends in called:
        witness = Witness.objects.get(force__code="gwent", full_name=full_name)
        try:
            services.booking_create(
                actor=None,
                hearing=hearing,
                witness=witness,
                suite=suite,
                starts_at=at_london(day.date(), starts),
                ends_at=at_london(day.date(), ends),
            )
        except DomainError as refusal:  # e.g. the witness is booked elsewhere by hand
            notes.append(f"Skipped {witness} at {suite}: {refusal.detail}")
            continue
        created["bookings"] += 1
        said.append(f"{witness.full_name} ({LANGUAGE_WORDS[witness.language]})")
    if not said:
        return []
    return [
        f"Welsh: {' and '.join(said)} booked at {suite.name} for {day:%a} {day.day} {day:%b}, "
        f"{hearing.court.name}; their confirmation texts go out now"
    ]
