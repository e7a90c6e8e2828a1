"""`python manage.py seed_demo`: a realistic, current demo data set (the rows in demo/data.py).

Idempotent: everything is looked up by its natural key first (force, suite and court codes;
a hearing's court, case reference and London day; a witness's force and name), and witnesses are
booked only onto the hearings a run lists itself (one already there keeps the bookings it has,
even where a cancellation has made room since), so a second run creates nothing. Hearings
span 3 working days ago to 10 working days ahead. Each day's list is drawn from a random
generator seeded with the date itself (demo/planner.py), so a day's hearings and bookings are
the same whichever day the seed runs on: re-running it on a later day adds only the days that
came into range.

Each witness is booked, one after another, into a suite the availability search offers, through
the booking services, so the bookings obey the same rules as the API. Those that lie in the past
are progressed as they would have been on the day (checked in, then completed with an outcome).
With time-machine installed (a dev dependency) each step is recorded at the time it happened, so
booking histories read naturally; without it the history shows the seed's own time and the
recorded arrival and release times are still those of the day.

Then each demo court's published list for today and the days ahead is read, as HMCTS would push
it, and a revised list of one court that proposes its changes waits for staff; with
DEMO_COURT_LISTS_PENDING set (`make run`), the court that applies its changes gets a revised
list a few minutes later, through beat and the watched folder (demo/court_lists.py).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import AuditedCommand
from bookings import services
from bookings.models import Booking, Hearing, HearingStatus, Outcome, WitnessType
from core.clock import at_london, local
from core.errors import DomainError
from demo import court_lists, data, readiness, reference, welsh
from demo.planner import (
    DayPlanner,
    PlannedBooking,
    PlannedHearing,
    PlannedWitness,
    choose_booking,
    working_days,
)
from evidence_suites.models import Suite

try:  # a dev dependency: lets the history of past bookings carry the times they happened
    import time_machine
except ImportError:  # pragma: no cover - production installs leave dev dependencies out
    time_machine = None


def at_moment(moment: datetime | None):
    """Run the services as if it were `moment` (a past time), when time-machine is available."""
    if time_machine is None or moment is None or moment >= timezone.now():
        return contextlib.nullcontext()
    return time_machine.travel(moment, tick=False)


# --- Writing each day's list --------------------------------------------------------------------


def get_or_create_hearing(plan: PlannedHearing, created: Counter) -> tuple[Hearing, bool]:
    """The planned hearing, or the one listed for it already: a hearing is its court, case
    reference and London day, so one the court's list has moved to a later sitting is found."""
    day = local(plan.starts_at).date()
    hearing = Hearing.objects.filter(
        court=plan.court,
        case_reference=plan.case_reference,
        starts_at__gte=at_london(day, time(0)),
        starts_at__lt=at_london(day + timedelta(days=1), time(0)),
    ).first()
    if hearing is not None:
        return hearing, False
    hearing = services.hearing_create(
        court=plan.court,
        case_reference=plan.case_reference,
        hearing_type=plan.hearing_type,
        courtroom=plan.courtroom,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
    )
    created["hearings"] += 1
    return hearing, True


def book(
    hearing: Hearing,
    plan: PlannedHearing,
    called: PlannedWitness,
    suites: dict[int, Suite],
    now: datetime,
    notes: list[str],
) -> tuple[Booking, PlannedBooking] | None:
    """The booking as the scheduler made it, in the suite and window the availability search
    offers then, or None when no suite is free."""
    planned = choose_booking(plan, called, suites)
    if planned is None:
        return None
    try:
        with at_moment(planned.booked_at):
            booking = services.booking_create(
                actor=None,
                hearing=hearing,
                witness=planned.witness,
                suite=planned.suite,
                starts_at=planned.starts_at,
                ends_at=planned.ends_at,
                allow_past=planned.starts_at < now,
                **planned.details,
            )
    except DomainError as refusal:  # e.g. the witness is booked elsewhere by hand
        notes.append(f"Skipped {planned.witness} at {planned.suite}: {refusal.detail}")
        return None
    return booking, planned


def progress(booking: Booking, plan: PlannedBooking, now: datetime, no_show: bool) -> None:
    """Take a booking as far as the day has gone: checked in, then completed."""
    if no_show:
        with at_moment(plan.ends_at):
            services.booking_complete(actor=None, booking=booking, outcome=Outcome.NO_SHOW)
        return
    if plan.arrival > now:
        return
    with at_moment(plan.arrival):
        booking = services.booking_check_in(actor=None, booking=booking, at=plan.arrival)
    if plan.release > now:
        return
    with at_moment(plan.release):
        services.booking_complete(
            actor=None, booking=booking, outcome=plan.outcome, released_at=plan.release
        )


def seed_schedule(days, planner_for, suites, now, created: Counter, notes: list[str]) -> None:
    """The hearings and bookings of each day's list; what is new is then taken as far as the
    day has gone. The story each demo needs happens once per window: one hearing cracks, one
    booking is cancelled, one witness does not turn up."""
    new_hearings: list[Hearing] = []
    new: list[tuple[Booking, PlannedBooking]] = []
    for day in days:
        for plan in planner_for(day).plan():
            hearing, is_new = get_or_create_hearing(plan, created)
            if not is_new:
                continue  # listed by an earlier run, with the bookings it has
            new_hearings.append(hearing)
            for called in plan.witnesses:
                booked = book(hearing, plan, called, suites, now, notes)
                if booked is not None:
                    created["bookings"] += 1
                    new.append(booked)

    in_range = Hearing.objects.filter(in_window(days))
    vacated = vacate_one(in_range, new, now, created)
    new = [(booking, planned) for booking, planned in new if booking.hearing_id != vacated]
    progress_all(in_range, new, now)
    for hearing in new_hearings:  # those that are over, as the court would have recorded them
        hearing.refresh_from_db()
        if hearing.status == HearingStatus.LISTED and hearing.ends_at <= now:
            with at_moment(hearing.ends_at):
                services.hearing_conclude(hearing=hearing)
            created["hearings concluded"] += 1
    cancel_one(new, now, created)


def vacate_one(in_range, new, now, created: Counter) -> int | None:
    """A hearing cracks: vacated a day or more ahead, so its witnesses are stood down."""
    if in_range.filter(status=HearingStatus.VACATED).exists():
        return None
    ahead = [b.hearing for b, planned in new if planned.starts_at > now + timedelta(days=1)]
    if not ahead:
        return None
    services.hearing_vacate(actor=None, hearing=ahead[0], reason=data.VACATED_REASON)
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
        services.booking_cancel(actor=None, booking=ahead[0], reason=data.CANCELLED_REASON)
        created["bookings cancelled"] += 1


def seed_welsh_trial(courts, suites, today, created: Counter, notes: list[str]) -> list[str]:
    """Gwent's trial on the next working day and its witnesses' bookings (demo/welsh.py)."""
    hearing, is_new = get_or_create_hearing(welsh.trial(courts, today), created)
    if not is_new:
        return []  # listed by an earlier run, with the bookings it has
    return welsh.book_witnesses(hearing, suites, created, notes)


def in_window(days: list[date]) -> Q:
    """Hearings on the seeded days."""
    return Q(
        starts_at__gte=at_london(days[0], time(0)),
        starts_at__lt=at_london(days[-1] + timedelta(days=1), time(0)),
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
            forces = reference.seed_forces(created)
            suites = reference.seed_suites(forces, created)
            reference.seed_closure(suites, days, today, created)
            courts = reference.seed_courts(created, notes)
            witnesses = reference.seed_witnesses(forces, created)
            court_force = {row.code: forces[row.force] for row in data.COURTS}
            planner_for = partial(
                DayPlanner, courts=courts, witnesses=witnesses, court_force=court_force
            )
            demo_suites = {suite.pk: suite for suite in suites.values()}
            seed_schedule(days, planner_for, demo_suites, now, created, notes)
            booked_in_welsh = seed_welsh_trial(courts, suites, today, created, notes)
            readiness.seed_suite_endpoints(suites, created)
            readiness.seed_court_links(today, created)
            avoiding = readiness.seed_dates_to_avoid(today, created)
            reference.seed_users(created)
            pending = settings.DEMO_COURT_LISTS_PENDING
            revisions = court_lists.seed_court_lists(
                courts, today, now, created, notes, pending=bool(pending)
            )
        arriving = []
        if revisions:  # files, written once the lists they revise are committed
            due = court_lists.pending_write(Path(pending), revisions, now=timezone.now())
            arriving = [
                f"A revised court list arrives at about {local(due):%H:%M} (beat): "
                f"{court_lists.revision_words(revision)}; its witnesses are texted."
                for revision in revisions
            ]
        said = [f"Dates to avoid: {line}." for line in avoiding] + [
            f"{line}." for line in booked_in_welsh
        ]
        self._report(days, created, notes, said + arriving)

    def _report(
        self, days: list[date], created: Counter, notes: list[str], arriving: list[str]
    ) -> None:
        write = self.stdout.write
        summary = ", ".join(f"{kind}: {count}" for kind, count in created.items())
        write(f"Demo data for {days[0]:%a %d %b} to {days[-1]:%a %d %b %Y}: ", ending="")
        write(f"new {summary}." if summary else "already loaded, nothing new.")
        for note in notes:
            write(self.style.WARNING(note))
        for line in arriving:
            write(line)
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
