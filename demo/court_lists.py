"""The demo courts' published lists, read as HMCTS would push them, and the revised list that
arrives while `make run` runs.

- Each demo court has a CaTH location id (demo/data.py), and for each day from today on with
  hearings listed there, seed_demo reads the court's standard list (demo/listing.py), written
  from the demo's own hearings: it lists what the service has, so it changes nothing
  (`unchanged`).
- A court whose list changes wait for staff (`propose`) has a revised list for one of its days
  that moves a hearing with booked witnesses to a later sitting: the change waits on the "Court
  list changes" page, with the witnesses it affects.
- The court that applies its changes at once (Brighton) has its revised list for its busiest day
  to come left for later in the folder DEMO_COURT_LISTS_PENDING names (`make run` sets it),
  due REVISED_LIST_AFTER after seeding: it moves one hearing with booked witnesses to a later
  sitting and drops another. Beat (`demo.tasks.deliver_demo_court_lists`) moves it into the
  watched folder when it is due, where the inbox sweep reads it like any list dropped there: the
  service moves the first hearing's bookings and texts their witnesses the new time, vacates
  the second and texts its witnesses not to come, through the fake Twilio.

The story happens once per window: a court's day that has a list is not read again, and no
revised list comes while a day to come already has two versions.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db.models import Count, Prefetch

from bookings import rules
from bookings.models import (
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    Court,
    Hearing,
    HearingStatus,
    ListChangesPolicy,
)
from core.clock import at_london, local
from core.errors import DomainError
from court_lists import intake
from court_lists.models import CourtList, ReadOutcome

from .listing import Entry, list_document, list_headers, utc_text

logger = logging.getLogger(__name__)

#: How long after seeding the revised list of the court that applies its changes arrives.
REVISED_LIST_AFTER = timedelta(minutes=3)
#: CaTH publishes a court's list in the afternoon of the working day before.
PUBLISHED_AT = time(16, 45)
#: Where a moved hearing goes, by its start (London): the morning's to the afternoon sitting,
#: the afternoon's an hour later.
LATER_SITTING = {time(10, 0): time(14, 0), time(14, 0): time(15, 0)}
#: Beside a pending list, when it is due (UTC, as the lists write times).
DUE_SUFFIX = ".due"


@dataclass
class Revision:
    """A court's day as a revised list has it: hearings moved (to a new start) and dropped."""

    court: Court
    day: date
    moves: dict[int, datetime] = field(default_factory=dict)
    drops: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"{self.court.code}-{self.day:%Y-%m-%d}-standard-revised"


def seed_court_lists(
    courts: dict[str, Court],
    today: date,
    now: datetime,
    created: Counter,
    notes: list[str],
    *,
    pending: bool,
) -> list[Revision]:
    """Read each demo court's list for each day to come, and the revised list of a court that
    proposes; return the revised lists of the court that applies its changes, for
    `pending_write` to leave for later (none when `pending` is off, or one is already read)."""
    listing = [court for court in courts.values() if court.cath_location_id]
    for court in listing:
        for day, hearings in _days_listed(court, today).items():
            if CourtList.objects.filter(court=court, content_date=day).exists():
                continue  # read by an earlier run
            published_at = min(
                at_london(_working_day_before(day), PUBLISHED_AT), now - timedelta(minutes=30)
            )
            court_list = _read(court, day, [_entry(h) for h in hearings], published_at)
            created["court lists read"] += 1
            if court_list.outcome != ReadOutcome.UNCHANGED:
                notes.append(f"The list did not match the demo: {intake.read_words(court_list)}")
    proposing = [c for c in listing if c.list_changes == ListChangesPolicy.PROPOSE]
    if not _revised(proposing, today):
        revision = next(filter(None, (_revision(c, today, drop=False) for c in proposing)), None)
        if revision is not None:
            newest = _newest(revision.court, revision.day)
            court_list = _read(
                revision.court,
                revision.day,
                revised_entries(revision),
                newest.published_at + timedelta(minutes=15),
            )
            created["court list changes proposed"] += court_list.changes.count()
    applying = [c for c in listing if c.list_changes == ListChangesPolicy.APPLY]
    if not pending or not applying or _revised(applying[:1], today):
        return []
    return _revisions_to_apply(applying[0], today)


# --- The revised lists left for later ---------------------------------------------------------


def pending_write(folder: Path, revisions: list[Revision], *, now: datetime) -> datetime:
    """Leave `revisions` in `folder`, in the watched folder's convention (NAME.json and
    NAME.headers.json), each with NAME.due saying when it is to arrive; any list an earlier run
    left there is replaced. Returns when they are due (and published)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file() and old.name.endswith((".json", DUE_SUFFIX)):
            old.unlink()
    due = (now + REVISED_LIST_AFTER).replace(microsecond=0)
    for revision in revisions:
        headers = list_headers(revision.court, revision.day, published_at=due)
        document = list_document(
            revision.court, revision.day, revised_entries(revision), published_at=due
        )
        (folder / f"{revision.name}.json").write_text(json.dumps(document, indent=2) + "\n")
        (folder / f"{revision.name}.headers.json").write_text(json.dumps(headers, indent=2) + "\n")
        (folder / f"{revision.name}{DUE_SUFFIX}").write_text(utc_text(due) + "\n")  # last
    return due


def pending_deliver(folder: Path, inbox: Path, *, now: datetime) -> list[str]:
    """Move each list in `folder` that is due into the watched folder `inbox`, its headers
    first, so that the sweep never finds a list without them. Returns the lists' names."""
    if not folder.is_dir():
        return []
    delivered = []
    for marker in sorted(folder.glob(f"*{DUE_SUFFIX}")):
        try:
            due = datetime.fromisoformat(marker.read_text().strip())
        except ValueError:
            logger.warning("%s does not say when the list is due: left alone.", marker)
            continue
        if due > now:
            continue
        inbox.mkdir(parents=True, exist_ok=True)
        name = marker.name.removesuffix(DUE_SUFFIX)
        for suffix in (".headers.json", ".json"):
            if (folder / f"{name}{suffix}").exists():
                shutil.move(folder / f"{name}{suffix}", inbox / f"{name}{suffix}")
        marker.unlink()
        delivered.append(name)
        logger.info("Demo court list %s delivered to %s", name, inbox)
    return delivered


def revised_entries(revision: Revision) -> list[Entry]:
    """The court's day as the revised list has it: its hearings, moved or dropped."""
    entries = []
    day = revision.day
    starts, ends = at_london(day, time.min), at_london(day + timedelta(days=1), time.min)
    for hearing in _listed(revision.court, starts, ends):
        if hearing.pk in revision.drops:
            continue
        entry = _entry(hearing)
        if hearing.pk in revision.moves:
            entry = Entry(**(vars(entry) | {"starts_at": revision.moves[hearing.pk]}))
        entries.append(entry)
    return entries


def revision_words(revision: Revision) -> str:
    """What a revised list changes, for the person who ran the seed."""
    hearings = Hearing.objects.in_bulk([*revision.moves, *revision.drops])
    parts = [
        f"moves {hearings[pk].case_reference} from {local(hearings[pk].starts_at):%H:%M} to "
        f"{local(to):%H:%M}"
        for pk, to in revision.moves.items()
    ] + [f"drops {hearings[pk].case_reference}" for pk in sorted(revision.drops)]
    day = revision.day
    return f"{revision.court.name}, {day:%a} {day.day} {day:%b}: {' and '.join(parts)}"


# --- Choosing what a revised list changes -----------------------------------------------------


def _revisions_to_apply(court: Court, today: date) -> list[Revision]:
    """On the court's busiest day to come, one hearing with booked witnesses moved and another
    dropped; when no day has two such hearings, the move and the drop on two days."""
    same_day = _revision(court, today, drop=True)
    if same_day is not None:
        return [same_day]
    moved = _revision(court, today, drop=False)
    revisions = [moved] if moved else []
    taken = set(moved.moves) if moved else set()
    dropped = next((h for h in _texted_ahead(court, today) if h.pk not in taken), None)
    if dropped is not None:
        day = local(dropped.starts_at).date()
        revisions.append(Revision(court, day, drops={dropped.pk}))
    return revisions


def _revision(court: Court, today: date, *, drop: bool) -> Revision | None:
    """On the court's busiest day to come (the most witnesses to text), a hearing whose booked
    witnesses can all follow it to a later sitting, moved there, and with `drop` another
    hearing with booked witnesses dropped."""
    by_day: dict[date, list[Hearing]] = defaultdict(list)
    for hearing in _texted_ahead(court, today):
        by_day[local(hearing.starts_at).date()].append(hearing)
    busiest = sorted(by_day, key=lambda day: (-sum(len(_texted(h)) for h in by_day[day]), day))
    for day in busiest:
        for hearing in by_day[day]:
            to = _later_start(hearing)
            others = [h for h in by_day[day] if h.pk != hearing.pk]
            if to is None or (drop and not others) or not _can_follow(hearing, to):
                continue
            return Revision(
                court, day, moves={hearing.pk: to}, drops={others[0].pk} if drop else set()
            )
    return None


def _later_start(hearing: Hearing) -> datetime | None:
    start = local(hearing.starts_at)
    later = LATER_SITTING.get(start.time())
    return at_london(start.date(), later) if later else None


def _can_follow(hearing: Hearing, to: datetime) -> bool:
    """Every booking on the hearing can move with it to `to` (its suite open and free then):
    moved, its witness is texted the new time rather than left for staff to place."""
    shift = to - hearing.starts_at
    for booking in _texted(hearing):
        whole = (booking.starts_at, booking.ends_at) == (hearing.starts_at, hearing.ends_at)
        starts_at, ends_at = booking.starts_at + shift, booking.ends_at + shift
        if whole:
            starts_at, ends_at = to, hearing.ends_at + shift
        try:
            rules.check_open(booking.suite, starts_at, ends_at)
            rules.check_free(
                suite=booking.suite,
                witness=booking.witness,
                starts_at=starts_at,
                ends_at=ends_at,
                exclude=booking,
            )
        except DomainError:
            return False
    return True


def _texted(hearing: Hearing) -> list[Booking]:
    """The hearing's confirmed bookings whose witness has a phone to be texted on."""
    return [
        b for b in hearing.open_bookings if b.status == BookingStatus.CONFIRMED and b.witness.phone
    ]


def _texted_ahead(court: Court, today: date) -> list[Hearing]:
    """The court's listed hearings after today with witnesses to text, in order."""
    hearings = _listed(court, at_london(today + timedelta(days=1), time.min))
    return [hearing for hearing in hearings if _texted(hearing)]


# --- Reading ----------------------------------------------------------------------------------


def _read(court: Court, day: date, entries: list[Entry], published_at: datetime) -> CourtList:
    """Read the court's list of `entries` as CaTH would push it (court_lists.intake)."""
    headers = intake.list_headers(list_headers(court, day, published_at=published_at))
    document = list_document(court, day, entries, published_at=published_at)
    return intake.list_receive(headers=headers, document=document)


def _listed(court: Court, since: datetime, until: datetime | None = None) -> list[Hearing]:
    hearings = Hearing.objects.filter(
        court=court, status=HearingStatus.LISTED, starts_at__gte=since
    )
    if until is not None:
        hearings = hearings.filter(starts_at__lt=until)
    booked = Booking.objects.filter(status__in=OPEN_STATUSES).select_related("suite", "witness")
    return list(
        hearings.order_by("starts_at", "case_reference", "pk").prefetch_related(
            Prefetch("bookings", queryset=booked.order_by("pk"), to_attr="open_bookings")
        )
    )


def _days_listed(court: Court, since: date) -> dict[date, list[Hearing]]:
    """The court's listed hearings from the start of `since`, by London day. A day's list
    exists only for a day that has hearings in it."""
    days: dict[date, list[Hearing]] = defaultdict(list)
    for hearing in _listed(court, at_london(since, time.min)):
        days[local(hearing.starts_at).date()].append(hearing)
    return days


def _entry(hearing: Hearing) -> Entry:
    return Entry.of(hearing, by_video=bool(hearing.open_bookings))


def _revised(courts: list[Court], today: date) -> bool:
    """A day to come of one of `courts` has had a revised list (two versions or more)."""
    return (
        CourtList.objects.filter(court__in=courts, content_date__gte=today)
        .values("court", "content_date")
        .annotate(versions=Count("id"))
        .filter(versions__gte=2)
        .exists()
    )


def _newest(court: Court, day: date) -> CourtList:
    return CourtList.objects.filter(court=court, content_date=day).latest("published_at", "id")


def _working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
