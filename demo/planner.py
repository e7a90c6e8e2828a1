"""A day of the demo: which hearings sit, which witnesses give evidence at them, and the suite
and window each witness is booked into.

A day's list is drawn from a random generator seeded with the date itself, so a day's hearings
are the same whichever day the seed runs on. Every draw for a witness is made before any suite
is looked at: what the database already holds (an earlier run's bookings, one made by hand)
changes only the suite and window a witness gets, never the hearings that are drawn, so a
second run finds the same hearings and bookings and adds nothing.

Suites are chosen as a scheduler chooses them, with the availability search the API answers
(`bookings.selectors.available_suites`): among the suites of the witness's force that are free
in one of the hearing's phases, the nearest of the court, nearest-ish (the first two may swap);
a vulnerable witness goes to the confidential suite first.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bookings.models import Court, LiveLinkBasis, Outcome, Witness, WitnessType
from bookings.selectors import available_suites
from core.clock import at_london, local
from evidence_suites.models import Force, Suite

from . import data

#: How many of the nearest free suites a witness is offered: further away, they would travel.
NEAREST = 3


def working_days(today: date, before: int = 3, after: int = 10) -> list[date]:
    """`before` working days ago to `after` working days ahead, and today if it is one."""

    def walk(step: int, count: int) -> list[date]:
        days, day = [], today
        while len(days) < count:
            day += timedelta(days=step)
            if day.weekday() < 5:
                days.append(day)
        return days

    return sorted(walk(-1, before)) + ([today] if today.weekday() < 5 else []) + walk(1, after)


@dataclass
class PlannedWitness:
    """A witness called to a hearing, and how their day goes, drawn before a suite is chosen."""

    witness: Witness
    position: int  # their place among the hearing's witnesses: a later one is phased later
    swap_nearest: bool  # prefer the second-nearest free suite to the nearest
    details: dict
    booked_at: datetime  # when the scheduler made the booking
    early: timedelta  # how long before the start they check in
    outcome: str
    stay: timedelta  # from the start (evidence given) or from check-in (not required)


@dataclass
class PlannedBooking:
    witness: Witness
    suite: Suite
    starts_at: datetime
    ends_at: datetime
    details: dict
    booked_at: datetime
    arrival: datetime  # when the witness checks in
    release: datetime  # when they are released
    outcome: str


@dataclass
class PlannedHearing:
    court: Court
    case_reference: str
    hearing_type: str
    courtroom: str
    starts_at: datetime
    ends_at: datetime
    witnesses: list[PlannedWitness] = field(default_factory=list)


class DayPlanner:
    """Draws one day's list from a generator seeded with the date."""

    def __init__(self, day, courts, witnesses, court_force):
        self.day = day
        self.rng = random.Random(f"{data.SEED}:{day.isoformat()}")
        self.courts = courts
        self.court_force = court_force
        # Witnesses take turns: each group (force and type) starts a little further along its
        # list each day, so one person is not drawn day after day.
        groups = defaultdict(list)
        for witness in witnesses:
            groups[witness.force_id, witness.witness_type].append(witness)
        self.queues = {}
        for key, group in groups.items():
            start = day.toordinal() * 5 % len(group)
            self.queues[key] = group[start:] + group[:start]

    def plan(self) -> list[PlannedHearing]:
        rng = self.rng
        sussex = list(data.SUSSEX_COURT_WEIGHTS)
        weights = list(data.SUSSEX_COURT_WEIGHTS.values())
        court_codes = rng.choices(sussex, weights, k=rng.choice([1, 1, 2, 2]))
        if rng.random() < 0.3:
            court_codes.append(rng.choice(["maidstone-mc", "staines-mc"]))
        hearings = [self._evidence_hearing(self.courts[code]) for code in court_codes]
        if rng.random() < 0.6:
            hearings.append(self._other_hearing(self.courts[rng.choice(sussex)]))
        return hearings

    def _urn(self, court: Court) -> str:
        row = next(row for row in data.COURTS if row.code == court.code)
        unit = self.rng.choice(data.URN_UNITS[row.force])
        year = (self.day.year - self.rng.choice([0, 0, 1])) % 100
        return f"{row.urn_prefix}{unit}{self.rng.randint(10000, 99999)}{year:02d}"

    def _hearing(self, court: Court, hearing_type: str) -> PlannedHearing:
        sitting = self.rng.choice([data.MORNING, data.AFTERNOON])
        return PlannedHearing(
            court=court,
            case_reference=self._urn(court),
            hearing_type=hearing_type,
            courtroom=f"Court {self.rng.randint(1, 4)}",
            starts_at=at_london(self.day, sitting[0]),
            ends_at=at_london(self.day, sitting[1]),
        )

    def _other_hearing(self, court: Court) -> PlannedHearing:
        return self._hearing(court, self.rng.choice(data.OTHER_HEARING_TYPES))

    def _evidence_hearing(self, court: Court) -> PlannedHearing:
        types, weights = zip(*data.EVIDENCE_HEARING_TYPES, strict=True)
        hearing = self._hearing(court, self.rng.choices(types, weights)[0])
        force = self.court_force[court.code]
        kinds = [WitnessType.POLICE_OFFICER]
        if hearing.hearing_type == "trial" and self.rng.random() < 0.45:
            kinds.append(
                self.rng.choices(
                    [
                        WitnessType.CIVILIAN,
                        WitnessType.VULNERABLE,
                        WitnessType.EXPERT,
                        WitnessType.POLICE_OFFICER,
                    ],
                    [5, 1, 1, 2],
                )[0]
            )
        for position, kind in enumerate(kinds):
            witness = self._take_witness(force, kind)
            if witness is not None:
                hearing.witnesses.append(self._witness_day(witness, position))
        return hearing

    def _take_witness(self, force: Force, kind: str) -> Witness | None:
        """The next free witness of that type (or else an officer) from the force: nobody is
        booked twice in a day."""
        for key in ((force.pk, kind), (force.pk, WitnessType.POLICE_OFFICER)):
            if self.queues.get(key):
                return self.queues[key].pop(0)
        return None

    def _witness_day(self, witness: Witness, position: int) -> PlannedWitness:
        rng = self.rng
        swap_nearest = rng.random() < 0.3
        details: dict = {}
        if witness.witness_type == WitnessType.VULNERABLE:
            details.update(
                live_link_basis=LiveLinkBasis.YJCEA_1999_S24,
                needs_supporter=True,
                needs_intermediary=rng.random() < 0.5,
            )
        elif witness.witness_type == WitnessType.CIVILIAN:
            row = next(row for row in data.WITNESSES if row.full_name == witness.full_name)
            if row.interpreter_language:
                details["interpreter_language"] = row.interpreter_language
            if rng.random() < 0.3:
                details["needs_supporter"] = True
        early = timedelta(minutes=rng.randint(5, 25))
        if rng.random() < 0.7:
            outcome, stay = Outcome.GAVE_EVIDENCE, timedelta(minutes=rng.randint(20, 80))
        else:
            outcome, stay = Outcome.NOT_REQUIRED, timedelta(minutes=rng.randint(15, 45))
        booked_at = at_london(self.day - timedelta(days=rng.randint(4, 12)), time(9, 0))
        booked_at += timedelta(minutes=rng.randint(0, 7 * 60))
        return PlannedWitness(
            witness=witness,
            position=position,
            swap_nearest=swap_nearest,
            details=details,
            booked_at=booked_at,
            early=early,
            outcome=outcome,
            stay=stay,
        )


# --- Choosing the suite and window, with the availability search ------------------------------


def choose_booking(
    hearing: PlannedHearing, planned: PlannedWitness, suites: dict[int, Suite]
) -> PlannedBooking | None:
    """The nearest suite that is free in one of the phases of the sitting, in the first such
    phase (a second witness's phases start further along), or None when none is free.

    Only the demo's own `suites` are offered: a suite added by hand is left to its users."""
    sitting = (local(hearing.starts_at).time(), local(hearing.ends_at).time())
    phases = data.PHASES[sitting]
    phases = phases[planned.position :] + phases[: planned.position]
    day = local(hearing.starts_at).date()
    windows = [(at_london(day, opens), at_london(day, closes)) for opens, closes in phases]
    near = (hearing.court.latitude, hearing.court.longitude)
    free = [
        {
            row["suite"]: row
            for row in available_suites(
                starts_at=starts_at, ends_at=ends_at, near=near, force=planned.witness.force_id
            )
            if row["suite"] in suites
        }
        for starts_at, ends_at in windows
    ]
    for suite_id in _preferred(free, planned):
        for (starts_at, ends_at), free_then in zip(windows, free, strict=True):
            if suite_id in free_then:
                return _booking(planned, suites[suite_id], starts_at, ends_at)
    return None


def _preferred(free: list[dict[int, dict]], planned: PlannedWitness) -> list[int]:
    """The suites free in some phase, in the order the witness is offered them: the nearest
    few (the first two swapped when the draw says so), after the confidential suite for a
    vulnerable witness."""
    rows = {suite_id: row for free_then in free for suite_id, row in free_then.items()}
    nearest_first = sorted(rows.values(), key=lambda row: row["distance_km"])
    ranked = [row["suite"] for row in nearest_first if not row["location_confidential"]]
    ranked = ranked[:NEAREST]
    if len(ranked) > 1 and planned.swap_nearest:
        ranked[0], ranked[1] = ranked[1], ranked[0]
    if planned.witness.witness_type == WitnessType.VULNERABLE:
        ranked = [row["suite"] for row in nearest_first if row["location_confidential"]] + ranked
    return ranked


def _booking(planned: PlannedWitness, suite: Suite, starts_at, ends_at) -> PlannedBooking:
    arrival = starts_at - planned.early
    since = starts_at if planned.outcome == Outcome.GAVE_EVIDENCE else arrival
    return PlannedBooking(
        witness=planned.witness,
        suite=suite,
        starts_at=starts_at,
        ends_at=ends_at,
        details=planned.details,
        booked_at=planned.booked_at,
        arrival=arrival,
        release=min(since + planned.stay, ends_at),
        outcome=planned.outcome,
    )
