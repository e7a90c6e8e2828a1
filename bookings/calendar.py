"""A booking as a calendar event, built with `icalendar`: shared by the invites emailed to
witnesses and suites and by the feeds courts subscribe to. Every one of them uses the booking's
single stable UID, and its version as SEQUENCE, so a calendar client updates or removes the one
event it already has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from core.clock import local

from .models import Booking, BookingStatus

PRODID = "-//Remote evidence suites//Bookings//EN"


def booking_uid(booking: Booking) -> str:
    return f"{booking.reference.lower()}@{settings.ICAL_UID_DOMAIN}"


def london_vtimezone() -> icalendar.Timezone:
    """Europe/London as Outlook and Google write it: GMT, and BST from the last Sunday of March
    to the last Sunday of October."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/London")
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("dtstart", datetime(1970, 10, 25, 2, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    standard.add("tzoffsetfrom", timedelta(hours=1))
    standard.add("tzoffsetto", timedelta(hours=0))
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("dtstart", datetime(1970, 3, 29, 1, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    daylight.add("tzoffsetfrom", timedelta(hours=0))
    daylight.add("tzoffsetto", timedelta(hours=1))
    zone.add_component(standard)
    zone.add_component(daylight)
    return zone


def new_calendar(*, method: str | None = None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(london_vtimezone())
    return calendar


def booking_event(
    booking: Booking,
    *,
    summary: str,
    description: str,
    location: str | None,
    stamp: datetime | None = None,
    cancelled: bool | None = None,
    sequence: int | None = None,
) -> icalendar.Event:
    """The booking as one event. SEQUENCE is the booking's version unless given (an invite
    carries the notice version it was written for)."""
    event = icalendar.Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.version if sequence is None else sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    event.add("created", booking.created_at)
    event.add("last-modified", booking.updated_at)
    event.add("dtstart", local(booking.starts_at))
    event.add("dtend", local(booking.ends_at))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    if cancelled is None:
        cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
