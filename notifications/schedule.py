"""When messages go: a booking's reminders (two working days ahead, and on the morning of the
hearing) and the quiet hours no reminder goes in (settings)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from bookings.models import Booking
from core.clock import LONDON, local

from .models import Kind


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _working_days_before(day, count: int):
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
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
