"""The benchmark's world: police forces, their suites and courts, and the grid of slots every
booking is drawn on.

Ten police forces run twenty suites each (200). A suite is open on weekdays (some 09:00–17:00,
some closed on Wednesdays, some shut for lunch, a few open on Saturday mornings) and is booked
in a grid of five one-hour slots a day, 45 minutes apart, so that set-up and turnaround (10 to
20 minutes either side) never make two bookings of a suite overlap. A booking's witness is
picked so that no witness is in two places at once: at any one slot time, the suites of a
force draw distinct witnesses from that force's pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

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


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference(prefix: str, number: int) -> str:
    """Looks random, never repeats: an odd multiplier is a bijection modulo 2**30 (32**6)."""
    value = (number * 0x2545F491) % (1 << 30)
    body = "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(25, -1, -5))
    return f"{prefix}-{body}"
