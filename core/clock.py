"""The project's clock: every service works in UTC, and the courts, suites and witnesses read
Europe/London wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utc(moment: datetime | None) -> datetime | None:
    """Every service works in UTC: subtracting two times in one named zone is wall-clock
    arithmetic in Python, an hour out across a clock change."""
    return moment.astimezone(UTC) if moment is not None else None


def local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def at_london(day: date, moment: time) -> datetime:
    """A wall-clock time on a day in London as an aware datetime (right either side of BST)."""
    return datetime.combine(day, moment, tzinfo=LONDON)
