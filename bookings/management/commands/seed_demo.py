"""`python manage.py seed_demo`: a realistic, current demo data set (tables in bookings/demo_data).

Idempotent: everything is looked up by its natural key first (force, suite and court codes;
a hearing's court, case reference and start; a witness's force and name; a booking's hearing
and witness), so a second run creates nothing. Hearings span 3 working days ago to 10 working
days ahead. Each day's list is drawn from a random generator seeded with the date itself, so a
day's hearings and bookings are the same whichever day the seed runs on: re-running it on a
later day adds only the days that came into range.

Bookings go through the booking services, so they obey the same rules as the API. Those that
lie in the past are progressed as they would have been on the day (checked in, then completed
with an outcome). With time-machine installed (a dev dependency) each step is recorded at the
time it happened, so booking histories read naturally; without it the history shows the seed's
own time and the recorded arrival and release times are still those of the day.
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import AuditedCommand
from accounts.management.commands.createuser import staff_user_save
from accounts.models import User
from bookings import demo_data as data
from bookings.models import (
    Booking,
    Court,
    Hearing,
    HearingStatus,
    LiveLinkBasis,
    Outcome,
    Witness,
    WitnessType,
)
from bookings.selectors import great_circle_km
from bookings.services import (
    booking_cancel,
    booking_check_in,
    booking_complete,
    booking_create,
    court_create,
    hearing_conclude,
    hearing_create,
    hearing_vacate,
    witness_create,
)
from core.clock import LONDON
from core.errors import DomainError
from evidence_suites.models import Closure, Force, Suite
from evidence_suites.services import Period, closure_create, force_create, suite_create

try:  # a dev dependency: lets the history of past bookings carry the times they happened
    import time_machine
except ImportError:  # pragma: no cover - production installs leave dev dependencies out
    time_machine = None


def at_moment(moment: datetime | None):
    """Run the services as if it were `moment` (a past time), when time-machine is available."""
    if time_machine is None or moment is None or moment >= timezone.now():
        return contextlib.nullcontext()
    return time_machine.travel(moment, tick=False)


def local_dt(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON)


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


# --- Reference data ---------------------------------------------------------------------------


def seed_forces(created: Counter) -> dict[str, Force]:
    forces = {}
    for code, name in data.FORCES:
        force = Force.objects.filter(code=code).first()
        if force is None:
            force = force_create(code=code, name=name)
            created["forces"] += 1
        forces[code] = force
    return forces


def seed_suites(forces: dict[str, Force], created: Counter) -> dict[str, Suite]:
    suites = {}
    for row in data.SUITES:
        suite = Suite.objects.filter(code=row.code).first()
        if suite is None:
            hours = [Period(day, *data.OFFICE_HOURS) for day in data.WEEKDAYS]
            if row.saturday_morning:
                hours.append(Period(5, *data.SATURDAY_MORNING))
            suite = suite_create(
                opening_hours=hours,
                code=row.code,
                name=row.name,
                force=forces[row.force],
                address=row.address,
                postcode=row.postcode,
                latitude=Decimal(row.latitude),
                longitude=Decimal(row.longitude),
                capacity=row.capacity,
                turnaround_minutes=row.turnaround_minutes,
                location_confidential=row.location_confidential,
                kit_notes=row.kit_notes,
                accessibility_notes=row.accessibility_notes,
                contact_phone=row.contact_phone,
                contact_email=f"{row.code}.suite@{row.force}.police.example",
            )
            created["suites"] += 1
        suites[row.code] = suite
    return suites


def seed_closure(suites: dict[str, Suite], days: list[date], today: date, created: Counter):
    """One whole-day closure in the coming fortnight, unless one is still to come."""
    code, days_ahead, reason = data.CLOSURE
    suite = suites[code]
    if Closure.objects.filter(suite=suite, reason=reason, ends_at__gt=timezone.now()).exists():
        return
    ahead = [day for day in days if day > today]
    day = ahead[min(days_ahead, len(ahead)) - 1]
    try:
        closure_create(
            suite=suite,
            starts_at=local_dt(day, data.OFFICE_HOURS[0]),
            ends_at=local_dt(day, data.OFFICE_HOURS[1]),
            reason=reason,
        )
        created["closures"] += 1
    except DomainError:
        pass  # another closure is already there: that one will do


def seed_courts(created: Counter) -> dict[str, Court]:
    courts = {}
    for row in data.COURTS:
        court = Court.objects.filter(code=row.code).first()
        if court is None:
            court = court_create(
                code=row.code,
                name=row.name,
                address=row.address,
                postcode=row.postcode,
                latitude=Decimal(row.latitude),
                longitude=Decimal(row.longitude),
                contact_email=row.contact_email,
                contact_phone=row.contact_phone,
            )
            created["courts"] += 1
        courts[row.code] = court
    return courts


def seed_witnesses(forces: dict[str, Force], created: Counter) -> list[Witness]:
    witnesses = []
    for row in data.WITNESSES:
        force = forces[row.force]
        witness = Witness.objects.filter(force=force, full_name=row.full_name).first()
        if witness is None:
            witness = witness_create(
                full_name=row.full_name,
                witness_type=row.witness_type,
                force=force,
                collar_number=row.collar_number,
                phone=f"+447700900{row.phone_suffix:03d}",
                email=row.email,
            )
            created["witnesses"] += 1
        witnesses.append(witness)
    return witnesses


def seed_users(created: Counter) -> None:
    """The demo sign-ins. An existing user is left alone (their password is not reset)."""
    for row in data.USERS:
        if User.objects.filter(username=row.username).exists():
            continue
        staff_user_save(
            username=row.username,
            password=data.DEMO_PASSWORD,
            role=row.role,
            force_code=row.force,
            court_code=row.court,
            email=row.email,
        )
        created["users"] += 1


# --- A day's list: which hearings, which witnesses, which suite and window -------------------


@dataclass
class PlannedBooking:
    witness: Witness
    suite: Suite
    starts_at: datetime
    ends_at: datetime
    details: dict
    booked_at: datetime  # when the scheduler made the booking
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
    bookings: list[PlannedBooking] = field(default_factory=list)


class DayPlanner:
    """Draws one day's list from a generator seeded with the date, and fits each witness into
    a suite near the court, in a phase of the sitting, leaving each suite's turnaround free."""

    def __init__(self, day, courts, suites, witnesses, court_force, closures):
        self.day = day
        self.rng = random.Random(f"{data.SEED}:{day.isoformat()}")
        self.courts = courts
        self.suites = suites
        self.court_force = court_force
        self.closures = closures  # suite id -> [(starts_at, ends_at)]
        # Witnesses take turns: each group (force and type) starts a little further along its
        # list each day, so one person is not drawn day after day.
        groups = defaultdict(list)
        for witness in witnesses:
            groups[witness.force_id, witness.witness_type].append(witness)
        self.queues = {}
        for key, group in groups.items():
            start = day.toordinal() * 5 % len(group)
            self.queues[key] = group[start:] + group[:start]
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

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
            starts_at=local_dt(self.day, sitting[0]),
            ends_at=local_dt(self.day, sitting[1]),
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
                booking = self._fit(hearing, witness, position)
                if booking is not None:
                    hearing.bookings.append(booking)
        return hearing

    def _take_witness(self, force: Force, kind: str) -> Witness | None:
        """The next free witness of that type (or else an officer) from the force: nobody is
        booked twice in a day."""
        for key in ((force.pk, kind), (force.pk, WitnessType.POLICE_OFFICER)):
            if self.queues.get(key):
                return self.queues[key].pop(0)
        return None

    def _suites_for(self, hearing: PlannedHearing, witness: Witness) -> list[Suite]:
        """The witness's force's suites nearest the court (nearest-ish: the first two may swap).
        The confidential suite is for vulnerable witnesses, who go there first."""
        lat, lon = float(hearing.court.latitude), float(hearing.court.longitude)
        own = [s for s in self.suites.values() if s.force_id == witness.force_id and s.is_active]
        ranked = sorted(
            (s for s in own if not s.location_confidential),
            key=lambda s: great_circle_km(lat, lon, float(s.latitude), float(s.longitude)),
        )[:3]
        if len(ranked) > 1 and self.rng.random() < 0.3:
            ranked[0], ranked[1] = ranked[1], ranked[0]
        if witness.witness_type == WitnessType.VULNERABLE:
            ranked = [s for s in own if s.location_confidential] + ranked
        return ranked

    def _fits(self, suite: Suite, starts_at: datetime, ends_at: datetime) -> bool:
        if any(s < ends_at and e > starts_at for s, e in self.closures.get(suite.pk, [])):
            return False
        pad = timedelta(minutes=suite.turnaround_minutes)
        return not any(s < ends_at + pad and e > starts_at - pad for s, e in self.busy[suite.pk])

    def _fit(self, hearing: PlannedHearing, witness: Witness, position: int):
        sitting = (
            hearing.starts_at.astimezone(LONDON).time(),
            hearing.ends_at.astimezone(LONDON).time(),
        )
        phases = data.PHASES[sitting]
        phases = phases[position:] + phases[:position]  # a second witness is phased later
        for suite in self._suites_for(hearing, witness):
            for opens, closes in phases:
                starts_at, ends_at = local_dt(self.day, opens), local_dt(self.day, closes)
                if self._fits(suite, starts_at, ends_at):
                    pad = timedelta(minutes=suite.turnaround_minutes)
                    self.busy[suite.pk].append((starts_at - pad, ends_at + pad))
                    return self._booking(witness, suite, starts_at, ends_at)
        return None

    def _booking(self, witness, suite, starts_at, ends_at) -> PlannedBooking:
        rng = self.rng
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
        arrival = starts_at - timedelta(minutes=rng.randint(5, 25))
        if rng.random() < 0.7:
            outcome = Outcome.GAVE_EVIDENCE
            release = starts_at + timedelta(minutes=rng.randint(20, 80))
        else:
            outcome = Outcome.NOT_REQUIRED
            release = arrival + timedelta(minutes=rng.randint(15, 45))
        booked_at = local_dt(self.day - timedelta(days=rng.randint(4, 12)), time(9, 0))
        booked_at += timedelta(minutes=rng.randint(0, 7 * 60))
        return PlannedBooking(
            witness=witness,
            suite=suite,
            starts_at=starts_at,
            ends_at=ends_at,
            details=details,
            booked_at=booked_at,
            arrival=arrival,
            release=min(release, ends_at),
            outcome=outcome,
        )


# --- Writing the plan -------------------------------------------------------------------------


def get_or_create_hearing(plan: PlannedHearing, created: Counter) -> tuple[Hearing, bool]:
    hearing = Hearing.objects.filter(
        court=plan.court, case_reference=plan.case_reference, starts_at=plan.starts_at
    ).first()
    if hearing is not None:
        return hearing, False
    hearing = hearing_create(
        court=plan.court,
        case_reference=plan.case_reference,
        hearing_type=plan.hearing_type,
        courtroom=plan.courtroom,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
    )
    created["hearings"] += 1
    return hearing, True


def create_booking(hearing: Hearing, plan: PlannedBooking, now: datetime, notes: list[str]):
    """The booking as the scheduler made it, or None if it is already there or cannot be."""
    if hearing.status != HearingStatus.LISTED:
        return None
    if Booking.objects.filter(hearing=hearing, witness=plan.witness).exists():
        return None
    try:
        with at_moment(plan.booked_at if plan.booked_at < now else None):
            return booking_create(
                actor=None,
                hearing=hearing,
                witness=plan.witness,
                suite=plan.suite,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                allow_past=plan.starts_at < now,
                **plan.details,
            )
    except DomainError as refusal:  # something else holds the slot (e.g. a booking made by hand)
        notes.append(f"Skipped {plan.witness} at {plan.suite}: {refusal.detail}")
        return None


def progress(booking: Booking, plan: PlannedBooking, now: datetime, no_show: bool) -> None:
    """Take a booking as far as the day has gone: checked in, then completed."""
    if no_show:
        with at_moment(plan.ends_at):
            booking_complete(actor=None, booking=booking, outcome=Outcome.NO_SHOW)
        return
    if plan.arrival > now:
        return
    with at_moment(plan.arrival):
        booking = booking_check_in(actor=None, booking=booking, at=plan.arrival)
    if plan.release > now:
        return
    with at_moment(plan.release):
        booking_complete(
            actor=None, booking=booking, outcome=plan.outcome, released_at=plan.release
        )


def seed_schedule(days, plans_by_day, now, created: Counter, notes: list[str]) -> None:
    """The hearings and bookings of the plan; what is new is then taken as far as the day has
    gone. The story each demo needs happens once per window: one hearing cracks, one booking
    is cancelled, one witness does not turn up."""
    new_hearings: list[Hearing] = []
    new: list[tuple[Booking, PlannedBooking]] = []
    for day in days:
        for plan in plans_by_day[day]:
            hearing, is_new = get_or_create_hearing(plan, created)
            if is_new:
                new_hearings.append(hearing)
            for planned in plan.bookings:
                booking = create_booking(hearing, planned, now, notes)
                if booking is not None:
                    created["bookings"] += 1
                    new.append((booking, planned))

    in_range = Hearing.objects.filter(in_window(days))
    vacated = vacate_one(in_range, new, now, created)
    new = [(booking, planned) for booking, planned in new if booking.hearing_id != vacated]
    progress_all(in_range, new, now)
    for hearing in new_hearings:  # those that are over, as the court would have recorded them
        hearing.refresh_from_db()
        if hearing.status == HearingStatus.LISTED and hearing.ends_at <= now:
            with at_moment(hearing.ends_at):
                hearing_conclude(hearing=hearing)
            created["hearings concluded"] += 1
    cancel_one(new, now, created)


def vacate_one(in_range, new, now, created: Counter) -> int | None:
    """A hearing cracks: vacated a day or more ahead, so its witnesses are stood down."""
    if in_range.filter(status=HearingStatus.VACATED).exists():
        return None
    ahead = [b.hearing for b, planned in new if planned.starts_at > now + timedelta(days=1)]
    if not ahead:
        return None
    hearing_vacate(actor=None, hearing=ahead[0], reason=data.VACATED_REASON)
    created["hearings vacated"] += 1
    return ahead[0].pk


def progress_all(in_range, new, now) -> None:
    """Past and current bookings go as far as the day has gone; one witness (a civilian, if
    there is one) did not turn up."""
    over = [planned for _booking, planned in new if planned.ends_at <= now]
    no_show = None
    if over and not Booking.objects.filter(hearing__in=in_range, outcome=Outcome.NO_SHOW).exists():
        civilians = [p for p in over if p.witness.witness_type == WitnessType.CIVILIAN]
        no_show = (civilians or over)[0]
    for booking, planned in new:
        progress(booking, planned, now, no_show=planned is no_show)


def cancel_one(new, now, created: Counter) -> None:
    """An officer's booking is cancelled: warned for another court the same day."""
    if Booking.objects.filter(cancellation_reason=data.CANCELLED_REASON).exists():
        return
    ahead = [
        booking
        for booking, planned in new
        if planned.arrival > now + timedelta(days=2)
        and planned.witness.witness_type == WitnessType.POLICE_OFFICER
    ]
    if ahead:
        booking_cancel(actor=None, booking=ahead[0], reason=data.CANCELLED_REASON)
        created["bookings cancelled"] += 1


def in_window(days: list[date]) -> Q:
    """Hearings on the seeded days."""
    return Q(
        starts_at__gte=local_dt(days[0], time(0)),
        starts_at__lt=local_dt(days[-1] + timedelta(days=1), time(0)),
    )


class Command(AuditedCommand):
    help = "Load a realistic demo data set (idempotent: a second run creates nothing new)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Load the demo data although DEBUG is off: this database is not production.",
        )

    def handle(self, *args, **options):
        # The demo sign-ins (an admin among them) share a password published in the README:
        # loaded into production, they would be a way in for anyone who has read it.
        if not (settings.DEBUG or options["not_production"]):
            raise CommandError(
                "seed_demo creates demo sign-ins, an admin among them, whose password is "
                "published in the README, so it runs only with DEBUG on. If this database is "
                "not production, run it again with --not-production."
            )
        now = timezone.now()
        today = timezone.localdate(now)
        days = working_days(today)
        created: Counter = Counter()
        notes: list[str] = []
        with transaction.atomic():
            forces = seed_forces(created)
            suites = seed_suites(forces, created)
            seed_closure(suites, days, today, created)
            courts = seed_courts(created)
            witnesses = seed_witnesses(forces, created)
            court_force = {row.code: forces[row.force] for row in data.COURTS}
            closures = defaultdict(list)
            for closure in Closure.objects.filter(suite__in=suites.values()):
                closures[closure.suite_id].append((closure.starts_at, closure.ends_at))
            plans_by_day = {
                day: DayPlanner(day, courts, suites, witnesses, court_force, closures).plan()
                for day in days
            }
            seed_schedule(days, plans_by_day, now, created, notes)
            seed_users(created)
        self._report(days, created, notes)

    def _report(self, days: list[date], created: Counter, notes: list[str]) -> None:
        write = self.stdout.write
        summary = ", ".join(f"{kind}: {count}" for kind, count in created.items())
        write(f"Demo data for {days[0]:%a %d %b} to {days[-1]:%a %d %b %Y}: ", ending="")
        write(f"new {summary}." if summary else "already loaded, nothing new.")
        for note in notes:
            write(self.style.WARNING(note))
        width = max(len(row.username) for row in data.USERS)
        write("")
        write(self.style.SUCCESS(f"Demo sign-ins (password: {data.DEMO_PASSWORD}):"))
        for row in data.USERS:
            scope = row.force or row.court
            role = f"{row.role} ({scope})" if scope else row.role
            write(f"  {row.username:<{width}}  {role}")
        write("Users who already existed keep their own passwords.")
        write(f"API docs: {data.DOCS_URL}")
        write(f"Admin:    {data.ADMIN_URL}")
