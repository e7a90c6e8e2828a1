"""The benchmark's data: realistic, valid under every constraint, and loaded fast with COPY.

Ten police forces run twenty suites each (200). A suite is open on weekdays (some 09:00–17:00,
some closed on Wednesdays, some shut for lunch, a few open on Saturday mornings) and is booked
in a grid of five one-hour slots a day, 45 minutes apart, so that set-up and turnaround (10 to
20 minutes either side) never make two bookings of a suite overlap. A booking's witness is
picked so that no witness is in two places at once: at any one slot time, the suites of a
force draw distinct witnesses from that force's pool. Bookings come in hearings of one or two
witnesses, each listed at a court of the suite's force, except for one busy court whose feed
the benchmark fetches.

Three layers, loaded in this order:

- the working set: bookings from the feed window's first day (30 days ago) to its last (180
  days ahead), dense over the next three weeks and sparse after, which availability searches
  and calendar feeds read;
- the slots that the booking benchmark will book, with their hearings, far enough ahead to be
  outside every feed;
- the history: years of past bookings, 85 % of the grid, until the table holds the report's
  million.

Past bookings are progressed as they would have been on the day: most checked in and completed
(gave evidence), some not required, some no-shows, some cancelled, a few still awaiting an
outcome. Ids are given in the COPY and the sequences moved past them afterwards.
"""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import psycopg
from tqdm import tqdm

from core.clock import LONDON

from .environment import SIZES

#: One-hour slots, 45 minutes apart: wider than two turnarounds of the longest (20 minutes).
SLOTS = (
    (time(9, 0), time(10, 0)),
    (time(10, 45), time(11, 45)),
    (time(12, 30), time(13, 30)),
    (time(14, 15), time(15, 15)),
    (time(16, 0), time(17, 0)),
)
TURNAROUNDS = (15, 10, 15, 20, 15)
SUITES_PER_FORCE = 20
COURTS_PER_FORCE = 4
#: Each force's witnesses; at least twice the suites, so a clashing request has a free witness.
WITNESSES_PER_FORCE = max(4 * SUITES_PER_FORCE, round(2_000 * SIZES.report_bookings / 1e6))
DENSE_WEEKDAYS = 15  # the next three weeks: where people are booking now
HISTORY_OCCUPANCY = 0.85
CREATE_DAYS_AHEAD = 200  # beyond the feeds' 180 days

FORCES = (
    ("sussex", "Sussex Police", 50.85, -0.25),
    ("kent", "Kent Police", 51.25, 0.75),
    ("surrey", "Surrey Police", 51.25, -0.45),
    ("hampshire", "Hampshire and Isle of Wight Constabulary", 50.95, -1.3),
    ("thames-valley", "Thames Valley Police", 51.65, -1.0),
    ("essex", "Essex Police", 51.75, 0.55),
    ("herts", "Hertfordshire Constabulary", 51.8, -0.2),
    ("avon", "Avon and Somerset Police", 51.35, -2.6),
    ("west-mids", "West Midlands Police", 52.48, -1.9),
    ("gmp", "Greater Manchester Police", 53.48, -2.24),
)
TOWNS = (
    "Brighton",
    "Crawley",
    "Worthing",
    "Hastings",
    "Eastbourne",
    "Horsham",
    "Lewes",
    "Bognor",
    "Chichester",
    "Haywards Heath",
    "Burgess Hill",
    "Littlehampton",
    "Shoreham",
    "Seaford",
    "Uckfield",
    "Hove",
    "Bexhill",
    "Newhaven",
    "Peacehaven",
    "Midhurst",
)
FIRST_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farhan",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kiran",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Rhys",
    "Sophie",
    "Tom",
    "Zara",
)
LAST_NAMES = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "O'Brien",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Wright",
)
HEARING_TYPES = ("trial",) * 7 + ("newton_hearing", "sentencing", "case_management")
CANCEL_REASONS = (
    "Hearing vacated: defendant pleaded guilty",
    "Witness no longer required",
    "Hearing vacated: case withdrawn",
    "Rebooked at a nearer suite",
)


@dataclass(frozen=True)
class Suite:
    id: int
    force: int  # index into FORCES
    number: int  # within its force
    turnaround: int
    periods: tuple[tuple[int, time, time], ...]  # (weekday, opens, closes)
    is_active: bool
    latitude: float
    longitude: float

    def open_for(self, weekday: int, slot: int) -> bool:
        starts, ends = SLOTS[slot]
        return any(w == weekday and o <= starts and ends <= c for w, o, c in self.periods)


@dataclass
class World:
    """What was loaded, for the benchmarks to find their way around it."""

    now: datetime
    today: date
    forces: list[int] = field(default_factory=list)
    suites: list[Suite] = field(default_factory=list)
    courts: list[list[int]] = field(default_factory=list)  # per force
    feed_court: int = 0
    witnesses: list[list[int]] = field(default_factory=list)  # per force
    admin: tuple[int, str] = (0, "")  # (user id, API token)
    schedulers: list[tuple[int, str]] = field(default_factory=list)  # per force
    closed: set = field(default_factory=set)  # (suite id, day, slot) not bookable
    search_day: date | None = None
    feed_events: int = 0
    #: (suite, day, slot, hearing id) for the booking benchmark, in booking order.
    create_cells: list[tuple[Suite, date, int, int]] = field(default_factory=list)
    reference_prefix: str = "VS"
    open_by_weekday: dict = field(default_factory=dict)  # (weekday, active only) -> cells
    next_hearing: int = 1
    next_booking: int = 1
    bookings: int = 0

    def witness_for(self, suite: Suite, day: date, slot: int, offset: int = 0) -> int:
        """At one slot time the suites of a force draw distinct witnesses from its pool."""
        pool = self.witnesses[suite.force]
        return pool[
            (suite.number + offset + SUITES_PER_FORCE * (day.toordinal() * 5 + slot)) % len(pool)
        ]


# --- Helpers ----------------------------------------------------------------------------------

_window_cache: dict = {}


def slot_window(day: date, slot: int) -> tuple[datetime, datetime]:
    key = (day, slot)
    if key not in _window_cache:
        starts, ends = SLOTS[slot]
        _window_cache[key] = (
            datetime.combine(day, starts, tzinfo=LONDON).astimezone(UTC),
            datetime.combine(day, ends, tzinfo=LONDON).astimezone(UTC),
        )
    return _window_cache[key]


def weekdays(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _words(text: str) -> list[str]:
    return text.split()


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference(prefix: str, number: int) -> str:
    """Looks random, never repeats: an odd multiplier is a bijection modulo 2**30 (32**6)."""
    value = (number * 0x2545F491) % (1 << 30)
    body = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(25, -1, -5))
    return f"{prefix}-{body}"


def _copy(conn: psycopg.Connection, table: str, columns: Iterable[str], rows) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_dicts(conn: psycopg.Connection, table: str, rows: list[dict]) -> None:
    if rows:
        columns = list(rows[0])
        _copy(conn, table, columns, ([row[c] for c in columns] for row in rows))


def _move_sequences(conn: psycopg.Connection, tables: Iterable[str]) -> None:
    for table in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


# --- Forces, suites, courts, witnesses, users --------------------------------------------------


def _periods(n: int) -> tuple:
    weekdays_open = range(5)
    if n % 20 in (17, 18):  # closed on Wednesdays
        weekdays_open = (0, 1, 3, 4)
    kind = n % 20
    if kind in (14, 15, 16):
        daily = [(time(9), time(17))]
    elif kind == 19:  # shut for lunch
        daily = [(time(8), time(12, 15)), (time(13, 15), time(18))]
    else:
        daily = [(time(8), time(18))]
    periods = [(w, o, c) for w in weekdays_open for o, c in daily]
    if n % 10 == 3:
        periods.append((5, time(9), time(13)))
    return tuple(periods)


def load_reference_data(conn: psycopg.Connection, now: datetime) -> World:
    world = World(now=now, today=now.astimezone(LONDON).date())
    rng = random.Random(1)
    forces, suites, hours, courts = [], [], [], []
    for n, (code, name, _lat, _lon) in enumerate(FORCES, start=1):
        forces.append({"id": n, "code": f"bench-{code}", "name": name})
        world.forces.append(n)
    for n in range(SIZES.suites):
        force, number = n % len(FORCES), n // len(FORCES)
        code, _name, lat, lon = FORCES[force]
        suite = Suite(
            id=n + 1,
            force=force,
            number=number,
            turnaround=TURNAROUNDS[n % len(TURNAROUNDS)],
            periods=_periods(n),
            is_active=n % 40 != 39,
            latitude=round(lat + rng.uniform(-0.35, 0.35), 5),
            longitude=round(lon + rng.uniform(-0.5, 0.5), 5),
        )
        world.suites.append(suite)
        town = TOWNS[number % len(TOWNS)]
        suites.append(
            {
                "id": suite.id,
                "code": f"{code}-{number + 1:02d}",
                "name": f"{town} video suite {number + 1}",
                "force_id": force + 1,
                "address": f"{number + 1} Station Road\n{town}",
                "postcode": f"BN{number % 9 + 1} 1AA",
                "latitude": suite.latitude,
                "longitude": suite.longitude,
                "capacity": 2 + n % 3,
                "is_active": suite.is_active,
                "location_confidential": n % 25 == 7,
                "turnaround_minutes": suite.turnaround,
                "kit_notes": "CVP, document camera",
                "accessibility_notes": "Step-free access",
                "contact_phone": "01632 960123",
                "contact_email": f"suite-{n + 1}@{code}.police.example",
                "created_at": now,
                "updated_at": now,
            }
        )
        for weekday, opens, closes in suite.periods:
            hours.append(
                {
                    "id": len(hours) + 1,
                    "suite_id": suite.id,
                    "weekday": weekday,
                    "opens": opens,
                    "closes": closes,
                }
            )
    for force, (code, _name, lat, lon) in enumerate(FORCES):
        world.courts.append([])
        for c in range(COURTS_PER_FORCE):
            town = TOWNS[(force * 7 + c) % len(TOWNS)]
            courts.append(
                {
                    "id": len(courts) + 1,
                    "code": f"{code}-mc-{c + 1}",
                    "name": f"{town} Magistrates' Court",
                    "address": f"The Law Courts\n{town}",
                    "postcode": "BN1 1AA",
                    "latitude": round(lat + 0.05 * c, 5),
                    "longitude": round(lon - 0.05 * c, 5),
                    "contact_email": f"listing@{code}-{c + 1}.courts.example",
                    "contact_phone": "",
                    "updated_at": now,
                }
            )
            world.courts[force].append(len(courts))
    # The busy court whose feed is fetched takes no hearings but the ones given to it.
    world.feed_court = world.courts[0].pop(0)

    with conn.transaction():
        _copy_dicts(conn, "evidence_suites_force", forces)
        _copy_dicts(conn, "evidence_suites_suite", suites)
        _copy_dicts(conn, "evidence_suites_openinghours", hours)
        _copy_dicts(conn, "bookings_court", courts)
        _load_witnesses(conn, world, now, rng)
        _load_users(conn, world, now)
        _load_closures(conn, world, now)
        _move_sequences(
            conn,
            [
                "evidence_suites_force",
                "evidence_suites_suite",
                "evidence_suites_openinghours",
                "bookings_court",
                "bookings_witness",
                "accounts_user",
                "evidence_suites_closure",
            ],
        )
    return world


def _witness_type(n: int) -> str:
    """Seven in ten are police officers; then civilians, vulnerable witnesses and experts."""
    kind = n % 10
    if kind < 7:
        return "police_officer"
    if kind < 9:
        return "civilian"
    return "vulnerable" if n % 20 == 9 else "expert"


def _load_witnesses(conn, world: World, now: datetime, rng: random.Random) -> None:
    rows = []
    for force, (code, *_rest) in enumerate(FORCES):
        world.witnesses.append([])
        for n in range(WITNESSES_PER_FORCE):
            witness_id = len(rows) + 1
            first = FIRST_NAMES[(n + force) % len(FIRST_NAMES)]
            last = LAST_NAMES[(n // len(FIRST_NAMES) + 3 * force) % len(LAST_NAMES)]
            witness_type = _witness_type(n)
            officer = witness_type == "police_officer"
            if officer:
                email = f"{first}.{last}.{n}@{code}.police.example".lower().replace("'", "")
            else:
                email = f"{first}{n}@mail.example".lower() if n % 3 == 0 else ""
            rows.append(
                {
                    "id": witness_id,
                    "full_name": f"{first} {last}",
                    "witness_type": witness_type,
                    "force_id": force + 1,
                    "collar_number": f"{code[:2].upper()}{1000 + n}" if officer else "",
                    # Ofcom's drama range: never a real phone.
                    "phone": f"+447700900{witness_id % 1000:03d}",
                    "email": email,
                    "sms_opt_out": False,
                    "anonymised_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            world.witnesses[force].append(witness_id)
    rng.shuffle(rows)  # ids stay as given; only the physical order is mixed
    _copy_dicts(conn, "bookings_witness", rows)


def _load_users(conn, world: World, now: datetime) -> None:
    """An admin, and a scheduler for each force, each with an API token (knox's: only its hash
    is stored, and it expires as a sign-in's would, long after the benchmark ends)."""
    from knox.models import get_digest_token
    from knox.settings import CONSTANTS, knox_settings

    users = [("bench-admin", "admin", None)] + [
        (f"bench-scheduler-{code}", "scheduler", n + 1) for n, (code, *_rest) in enumerate(FORCES)
    ]
    rows, tokens = [], []
    for user_id, (username, role, force_id) in enumerate(users, start=1):
        rows.append(
            {
                "id": user_id,
                "password": "!",  # unusable: the benchmark signs in with tokens
                "is_superuser": False,
                "username": username,
                "first_name": "",
                "last_name": "",
                "email": "",
                "is_staff": False,
                "is_active": True,
                "date_joined": now,
                "role": role,
                "force_id": force_id,
            }
        )
        digest, token = get_digest_token()
        tokens.append(
            {
                "digest": digest,
                "token_key": token[: CONSTANTS.TOKEN_KEY_LENGTH],
                "user_id": user_id,
                "created": now,
                "expiry": now + knox_settings.TOKEN_TTL,
                "token": token,  # kept by the benchmark, never stored
            }
        )
    world.admin = (1, tokens[0]["token"])
    world.schedulers = [(token["user_id"], token["token"]) for token in tokens[1:]]
    _copy_dicts(conn, "accounts_user", rows)
    _copy_dicts(
        conn, "knox_authtoken", [{k: v for k, v in t.items() if k != "token"} for t in tokens]
    )


def _load_closures(conn, world: World, now: datetime) -> None:
    """Some suites closed over the availability search; a few refurbishments in the past."""
    world.search_day = next(
        d for d in (world.today + timedelta(days=5 + i) for i in range(7)) if d.weekday() == 2
    )
    rows = []

    def closure(suite: Suite, starts: datetime, ends: datetime, reason: str) -> None:
        rows.append(
            {
                "id": len(rows) + 1,
                "suite_id": suite.id,
                "starts_at": starts,
                "ends_at": ends,
                "reason": reason,
                "created_at": now,
            }
        )

    for n, suite in enumerate(world.suites[::23]):
        starts = datetime.combine(world.search_day, time(10), tzinfo=LONDON)
        closure(suite, starts, starts + timedelta(hours=3), "Kit being repaired")
        for slot in (1, 2):  # the closure overlaps these two slots
            world.closed.add((suite.id, world.search_day, slot))
        past = datetime.combine(world.today - timedelta(days=400 + 30 * n), time(8), tzinfo=LONDON)
        closure(suite, past, past + timedelta(days=5), "Refurbishment")
        for day in weekdays(past.date(), past.date() + timedelta(days=5)):
            for slot in range(len(SLOTS)):
                world.closed.add((suite.id, day, slot))
    _copy_dicts(conn, "evidence_suites_closure", rows)


# --- Hearings and bookings -------------------------------------------------------------------

# The order of the tuples _hearing_row and _booking_row make (tuples: a million of them).
HEARING_COLUMNS = _words(
    "id court_id case_reference hearing_type courtroom starts_at ends_at status vacated_reason "
    "created_at updated_at"
)
BOOKING_COLUMNS = _words(
    "id reference hearing_id witness_id suite_id starts_at ends_at occupied_from "
    "occupied_until status cancellation_reason cancelled_at outcome checked_in_at released_at "
    "witness_confirmed_at live_link_basis needs_supporter needs_intermediary "
    "interpreter_language notes version notice_version created_by_id created_at updated_at"
)


def _hearings_of(
    world: World, cells: list[tuple[Suite, date, int]]
) -> Iterator[tuple[date, int, list[Suite]]]:
    """Cells grouped into hearings: two witnesses of one force at the same slot, or one."""
    by_time: dict = defaultdict(lambda: defaultdict(list))
    for suite, day, slot in cells:
        by_time[(day, slot)][suite.force].append(suite)
    for (day, slot), forces in sorted(by_time.items()):
        for suites in forces.values():
            for i in range(0, len(suites), 2):
                yield day, slot, suites[i : i + 2]


def _booking_row(world: World, rng: random.Random, suite: Suite, day: date, slot: int) -> tuple:
    """A booking as it stands now, with 0 for its hearing (given when the hearing is made)."""
    now = world.now
    starts, ends = slot_window(day, slot)
    padding = timedelta(minutes=suite.turnaround)
    occupied_from, occupied_until = starts - padding, ends + padding
    created = min(starts - timedelta(hours=rng.uniform(30, 1000)), now - timedelta(minutes=5))
    updated = created
    status, reason, cancelled_at, outcome = "confirmed", "", None, None
    checked_in = released = confirmed_by_witness = None
    version = 1
    if rng.random() < 0.7:
        confirmed_by_witness = min(created + timedelta(hours=rng.uniform(1, 48)), now)
        updated = max(updated, confirmed_by_witness)
    draw = rng.random()
    if ends <= now:  # progressed as it was on the day
        if draw < 0.08:
            status, reason = "cancelled", CANCEL_REASONS[int(draw * 100) % 4]
            cancelled_at = min(max(created, starts - timedelta(hours=rng.uniform(2, 96))), now)
        elif draw < 0.10:
            pass  # the day passed and nobody recorded the outcome
        elif draw < 0.13:  # arrived, never released in the system
            status, checked_in = "checked_in", occupied_from + timedelta(minutes=rng.uniform(0, 20))
        elif draw < 0.18:
            status, outcome = "completed", "no_show"
        elif draw < 0.28:
            status, outcome = "completed", "not_required"
            if draw < 0.23:
                checked_in = occupied_from + timedelta(minutes=rng.uniform(0, 20))
                released = checked_in + timedelta(minutes=rng.uniform(10, 60))
        else:
            status, outcome = "completed", "gave_evidence"
            checked_in = occupied_from + timedelta(minutes=rng.uniform(0, 20))
            released = ends + timedelta(minutes=rng.uniform(-30, 60))
    elif starts <= now:
        status, checked_in = "checked_in", occupied_from + timedelta(minutes=rng.uniform(0, 10))
    elif draw < 0.05:
        status, reason = "cancelled", CANCEL_REASONS[int(draw * 100) % 4]
        cancelled_at = created + (now - created) * rng.random()
    for moment in (cancelled_at, checked_in, released):
        if moment is not None:
            version += 1
            updated = max(updated, moment)
    if status == "completed":
        version += 1
        updated = max(updated, released or ends)
    updated = min(updated, now)
    witness = world.witness_for(suite, day, slot)
    booking_id = world.next_booking
    world.next_booking += 1
    return (
        booking_id,
        reference(world.reference_prefix, booking_id),
        0,
        witness,
        suite.id,
        starts,
        ends,
        occupied_from,
        occupied_until,
        status,
        reason,
        cancelled_at,
        outcome,
        checked_in,
        released,
        confirmed_by_witness,
        "cja_2003_s51",
        suite.number % 7 == 3,
        False,
        "",
        "",
        version,
        version,  # notice_version: loaded as told at its latest version
        world.schedulers[suite.force][0],
        created,
        updated,
    )


def _hearing_row(
    world: World, hearing_id: int, court: int, day: date, slot: int, rng: random.Random
) -> tuple:
    starts, ends = slot_window(day, slot)
    created = min(starts - timedelta(days=rng.uniform(14, 120)), world.now)
    status = "concluded" if ends < world.now else "listed"
    return (
        hearing_id,
        court,
        f"{47 + hearing_id % 50:02d}AB{hearing_id % 10**7:07d}",
        HEARING_TYPES[hearing_id % len(HEARING_TYPES)],
        f"Courtroom {1 + hearing_id % 6}",
        starts,
        ends,
        status,
        "",
        created,
        created,
    )


def _write(conn, world: World, groups, progress) -> int:
    """COPY hearings and their bookings, ten thousand bookings at a time. `groups` yields
    (hearing row without its id, booking rows without their hearing)."""
    written = 0
    hearings, bookings = [], []

    def flush():
        with conn.transaction():
            _copy(conn, "bookings_hearing", HEARING_COLUMNS, hearings)
            _copy(conn, "bookings_booking", BOOKING_COLUMNS, bookings)
        progress.update(len(bookings))
        hearings.clear()
        bookings.clear()

    for hearing, rows in groups:
        hearings.append(hearing)
        bookings.extend((*row[:2], hearing[0], *row[3:]) for row in rows)
        written += len(rows)
        if len(bookings) >= 10_000:
            flush()
    if bookings:
        flush()
    world.bookings += written
    return written


def _new_hearing(
    world: World, rng: random.Random, court: int | None, suite: Suite, day: date, slot: int
) -> tuple:
    hearing_id = world.next_hearing
    world.next_hearing += 1
    if court is None:  # a court of the witness's force
        court = world.courts[suite.force][hearing_id % len(world.courts[suite.force])]
    return _hearing_row(world, hearing_id, court, day, slot, rng)


def _open_cells(world: World, days: Iterable[date], *, active_only: bool):
    """Every (suite, day, slot) a booking could take, slot by slot."""
    for day in days:
        key = (day.weekday(), active_only)
        if key not in world.open_by_weekday:
            world.open_by_weekday[key] = [
                (suite, slot)
                for slot in range(len(SLOTS))
                for suite in world.suites
                if (suite.is_active or not active_only) and suite.open_for(day.weekday(), slot)
            ]
        for suite, slot in world.open_by_weekday[key]:
            if (suite.id, day, slot) not in world.closed:
                yield suite, day, slot


def load_working_set(conn, world: World, feed_window) -> None:
    """The bookings around today: exactly SIZES.working_bookings, SIZES.feed_events of them
    (as the feed counts them) at the busy court."""
    rng = random.Random(2)
    first = feed_window.starts.astimezone(LONDON).date()
    last = feed_window.ends.astimezone(LONDON).date() - timedelta(days=1)
    days = weekdays(first, last)
    dense_days = set([d for d in days if d >= world.today][:DENSE_WEEKDAYS])
    cells = list(_open_cells(world, days, active_only=True))
    dense = [c for c in cells if c[1] in dense_days]
    rest = [c for c in cells if c[1] not in dense_days]
    # A third of them in the next three weeks (about half the grid there at full scale).
    near = min(len(dense), SIZES.working_bookings // 3)
    chosen = rng.sample(dense, near) + rng.sample(rest, SIZES.working_bookings - near)

    planned = [
        (suite, day, slot, [_booking_row(world, rng, s, day, slot) for s in suites])
        for day, slot, suites in _hearings_of(world, chosen)
        for suite in suites[:1]
    ]

    def shown(row) -> bool:  # as bookings.feeds.feed_bookings filters them
        in_window = feed_window.starts <= row[5] < feed_window.ends
        cancelled_long_ago = row[9] == "cancelled" and row[11] < feed_window.cancelled_since
        return in_window and not cancelled_long_ago

    visible = [sum(shown(r) for r in rows) for *_, rows in planned]
    total = sum(visible) or 1
    target = min(SIZES.feed_events, total)
    at_court, taken, seen = set(), 0, 0
    for index, count in enumerate(visible):  # spread the busy court's hearings evenly
        seen += count
        if count and taken + count <= min(target, target * seen / total + 1):
            at_court.add(index)
            taken += count
    for index, count in enumerate(visible):  # then top up to exactly the target
        if taken == target:
            break
        if index not in at_court and count and taken + count <= target:
            at_court.add(index)
            taken += count
    world.feed_events = taken
    groups = (
        (
            _new_hearing(world, rng, world.feed_court if i in at_court else None, suite, day, slot),
            rows,
        )
        for i, (suite, day, slot, rows) in enumerate(planned)
    )
    with tqdm(total=len(chosen), desc="working set", unit=" bookings", leave=False) as bar:
        _write(conn, world, groups, bar)


def plan_create_cells(conn, world: World, count: int) -> None:
    """Free slots far ahead for the booking benchmark, each with its own listed hearing."""
    rng = random.Random(3)
    first = world.today + timedelta(days=CREATE_DAYS_AHEAD)
    cells = []
    for cell in _open_cells(world, weekdays(first, first + timedelta(days=3650)), active_only=True):
        cells.append(cell)
        if len(cells) == count:
            break
    rows = []
    for suite, day, slot in cells:
        hearing = _new_hearing(world, rng, None, suite, day, slot)
        rows.append(hearing)
        world.create_cells.append((suite, day, slot, hearing[0]))
    with conn.transaction():
        _copy(conn, "bookings_hearing", HEARING_COLUMNS, rows)


def load_history(conn, world: World, feed_window) -> None:
    """Past bookings up to the day before the working set, until the table holds the report's
    SIZES.report_bookings. Each day's grid is drawn from a generator seeded with the day, so
    the days can be counted backwards and then written forwards, oldest first."""
    # The benchmarks have booked (and numbered) some more since the working set was loaded.
    (world.bookings,) = conn.execute("SELECT count(*) FROM bookings_booking").fetchone()
    world.next_booking, world.next_hearing = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) + 1 FROM bookings_booking), "
        "(SELECT coalesce(max(id), 0) + 1 FROM bookings_hearing)"
    ).fetchone()
    wanted = SIZES.report_bookings - world.bookings
    if wanted <= 0:
        return
    world.reference_prefix = "VH"  # apart from the ones the app has drawn at random since
    first_working_day = feed_window.starts.astimezone(LONDON).date()

    def day_cells(day: date) -> list:
        day_rng = random.Random(day.toordinal())
        return [
            cell
            for cell in _open_cells(world, [day], active_only=False)
            if day_rng.random() < HISTORY_OCCUPANCY
        ]

    days, counted, day = [], 0, first_working_day - timedelta(days=1)
    while counted < wanted:
        if day.weekday() < 5:
            counts = len(day_cells(day))
            days.append((day, counts))
            counted += counts
        day -= timedelta(days=1)
    days.reverse()
    skip = counted - wanted  # the oldest day is only partly booked
    rng = random.Random(4)

    def groups():
        nonlocal skip
        for day, _count in days:
            cells = day_cells(day)
            if skip:
                cells, skip = cells[skip:], 0
            for d, slot, suites in _hearings_of(world, cells):
                rows = [_booking_row(world, rng, s, d, slot) for s in suites]
                yield _new_hearing(world, rng, None, suites[0], d, slot), rows

    with (
        _indexes_rebuilt_after(conn, "bookings_booking"),
        tqdm(total=wanted, desc="history", unit=" bookings", unit_scale=True, leave=False) as bar,
    ):
        _write(conn, world, groups(), bar)


@contextlib.contextmanager
def _indexes_rebuilt_after(conn, table: str):
    """Load without the secondary indexes, foreign keys and exclusion constraints, then add
    them again from their own definitions. Building an index over a million rows is about
    twice as fast as maintaining it row by row, and re-adding a constraint checks every row
    against it at once (each booking's hearing, witness and suite exist; no suite or witness
    is double-booked), instead of one row at a time."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'x') ORDER BY contype, conname",
        (table,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisexclusion",
        (table,),
    ).fetchall()
    with conn.transaction():
        for name, _definition in constraints:
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        conn.execute("SET maintenance_work_mem = '512MB'")
        steps = [definition for _name, definition in indexes] + [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            for name, definition in constraints
        ]
        for statement in tqdm(steps, desc="indexes and constraints", leave=False):
            with conn.transaction():
                conn.execute(statement)


def finish(conn, world: World) -> None:
    """Sequences past the loaded ids, and fresh planner statistics. (`conn` is in autocommit
    mode throughout: each COPY batch is its own transaction.)"""
    _move_sequences(conn, ("bookings_hearing", "bookings_booking"))
    conn.execute("VACUUM (ANALYZE)")
