"""The benchmark's bookings: realistic, valid under every constraint, and loaded fast with COPY
(bench.copying), on the grid of bench.grid and after the reference data (bench.reference_data).
Bookings come in hearings of one or two witnesses, each listed at a court of the suite's
force, except for one busy court whose feed the benchmark fetches.

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

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from tqdm import tqdm

from core.clock import LONDON

from .copying import copy_rows, indexes_rebuilt_after, move_sequences
from .environment import SIZES
from .grid import SLOTS, Suite, World, reference, slot_window, weekdays

DENSE_WEEKDAYS = 15  # the next three weeks: where people are booking now
HISTORY_OCCUPANCY = 0.85
CREATE_DAYS_AHEAD = 200  # beyond the feeds' 180 days
HEARING_TYPES = ("trial",) * 7 + ("newton_hearing", "sentencing", "case_management")
CANCEL_REASONS = (
    "Hearing vacated: defendant pleaded guilty",
    "Witness no longer required",
    "Hearing vacated: case withdrawn",
    "Rebooked at a nearer suite",
)


def _words(text: str) -> list[str]:
    return text.split()


# The order of the tuples _hearing_row and _booking_row make (tuples: a million of them).
HEARING_COLUMNS = _words(
    "id court_id case_reference hearing_type courtroom starts_at ends_at status vacated_reason "
    "created_at updated_at"
)
BOOKING_COLUMNS = _words(
    "id reference hearing_id witness_id suite_id starts_at ends_at occupied_from "
    "occupied_until status cancellation_reason cancelled_at outcome checked_in_at released_at "
    "witness_confirmed_at live_link_basis needs_supporter needs_intermediary "
    "interpreter_language notes version notice_version created_by_id created_at updated_at "
    "link_version overrides_rest_day video_url video_room video_pin"
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
        0,  # link_version: no court link yet (#17), as the model has it by default
        False,
        "",
        "",
        "",
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
            copy_rows(conn, "bookings_hearing", HEARING_COLUMNS, hearings)
            copy_rows(conn, "bookings_booking", BOOKING_COLUMNS, bookings)
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
        copy_rows(conn, "bookings_hearing", HEARING_COLUMNS, rows)


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
        indexes_rebuilt_after(conn, "bookings_booking"),
        tqdm(total=wanted, desc="history", unit=" bookings", unit_scale=True, leave=False) as bar,
    ):
        _write(conn, world, groups(), bar)


def finish(conn, world: World) -> None:
    """Sequences past the loaded ids, and fresh planner statistics. (`conn` is in autocommit
    mode throughout: each COPY batch is its own transaction.)"""
    move_sequences(conn, ("bookings_hearing", "bookings_booking"))
    conn.execute("VACUUM (ANALYZE)")
