"""When messages go: a booking's reminders (two working days ahead, and on the morning of the
hearing), the quiet hours no reminder goes in (settings), and which days are working days: the
one calendar of them, read by the reminders and the day-before check of courts' links
(court_chase)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta
from django.conf import settings
from django.utils import timezone

from bookings.models import Booking
from core.clock import LONDON, local

from .models import Kind


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _weekday_on_or_after(day: date) -> date:
    """The day itself, or the Monday after when it falls at a weekend."""
    return day + relativedelta(weekday=MO) if day.weekday() >= 5 else day


@cache
def _bank_holidays_by_rule(year: int) -> frozenset[date]:
    sunday = easter(year)  # dateutil's Western Easter
    january, may, august = date(year, 1, 1), date(year, 5, 1), date(year, 8, 1)
    christmas = _weekday_on_or_after(date(year, 12, 25))
    boxing_day = max(_weekday_on_or_after(date(year, 12, 26)), christmas + timedelta(days=1))
    return frozenset(
        {
            _weekday_on_or_after(january),  # New Year's Day
            sunday - timedelta(days=2),  # Good Friday
            sunday + timedelta(days=1),  # Easter Monday
            may + relativedelta(weekday=MO),  # the early May bank holiday
            may + relativedelta(day=31, weekday=MO(-1)),  # the spring bank holiday
            august + relativedelta(day=31, weekday=MO(-1)),  # the summer bank holiday
            christmas,
            boxing_day,
        }
    )


def bank_holidays(year: int) -> set[date]:
    """England and Wales's bank holidays in `year`, by the usual rules (a New Year's Day,
    Christmas or Boxing Day at a weekend moves to the next free weekday), with the one-off
    days announced for a year (settings.EXTRA_BANK_HOLIDAYS) and without the usual days moved
    away that year (settings.NOT_BANK_HOLIDAYS)."""
    extra = {date.fromisoformat(day) for day in settings.EXTRA_BANK_HOLIDAYS}
    moved = {date.fromisoformat(day) for day in settings.NOT_BANK_HOLIDAYS}
    return ({*_bank_holidays_by_rule(year), *(d for d in extra if d.year == year)}) - moved


def is_working_day(day: date) -> bool:
    """Monday to Friday, not a bank holiday: a day courts sit and offices work."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: date) -> date:
    """The first working day after `day` (Friday's is Monday; Thursday before Good Friday's
    the Tuesday after Easter Monday)."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _working_days_before(day, count: int):
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def reminder_times(booking: Booking) -> dict[str, datetime]:
    """When this booking's reminders are due: two working days before at 10:00, and on the
    morning of the hearing (defaults; settings), dropping any already past."""
    start = local(booking.starts_at)
    ahead_day = _working_days_before(start.date(), settings.REMINDER_AHEAD_WORKING_DAYS)
    due = {
        Kind.REMINDER_AHEAD: datetime.combine(
            ahead_day, _hhmm(settings.REMINDER_AHEAD_AT), tzinfo=LONDON
        ),
        Kind.REMINDER_ON_DAY: datetime.combine(
            start.date(), _hhmm(settings.REMINDER_ON_DAY_AT), tzinfo=LONDON
        ),
    }
    soon = timezone.now() + timedelta(minutes=5)
    return {kind: at for kind, at in due.items() if soon < at < booking.starts_at}


def quiet_hours_end(moment: datetime) -> datetime | None:
    """When quiet hours end, if `moment` falls inside them (no reminders 21:00–08:00)."""
    start, end = (_hhmm(t) for t in settings.QUIET_HOURS)
    here = local(moment)
    now_t = here.time()
    inside = (now_t >= start or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return None
    day = here.date() if now_t < end else here.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=LONDON)
