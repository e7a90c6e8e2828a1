"""A booking as a calendar event, built with `icalendar`: shared by the invites emailed to
witnesses and suites and by the feeds courts subscribe to. Every one of them uses the booking's
single stable UID, and its version as SEQUENCE, so a calendar client updates or removes the one
event it already has.

The live link (the suite's dial address, the court's link or room and its guest PIN) is for the
court and the suite, never the witness: `video_link_lines` and `add_video_link` are called only
for those audiences. Every client shows DESCRIPTION, so the link is written there; a link that is
a URI is also a CONFERENCE property (RFC 7986 section 5.11, "information for accessing a
conferencing system": https, sip and tel URIs). Not URL: RFC 5545 section 3.8.4.6 means that
for "a more dynamic rendition of the calendar information", not a place to join a call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from django.conf import settings
from django.utils import timezone

from core.clock import local

from .models import Booking, BookingStatus

#: Schemes of a suite's dial address that make it a URI a client can open or dial.
DIALLABLE_SCHEMES = ("https:", "sip:", "sips:", "h323:", "tel:")

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


def video_link_lines(booking: Booking) -> list[str]:
    """The live link as a court or a suite reads it: the suite's address and kit, the court's
    link or room, the guest PIN. Links end their line without a full stop, which a client
    turning them into links would take as part of the address. Needs the suite's
    `video_endpoint` and `video_platform` and the booking's `video_*` fields loaded. Nothing
    when there is no link yet (the day-before check chases the court for it)."""
    suite = booking.suite
    lines = []
    if suite.video_endpoint:
        kit = f" ({suite.get_video_platform_display()})" if suite.video_platform else ""
        lines.append(f"The suite's video address{kit}: {suite.video_endpoint}")
    if booking.video_url:
        lines.append(f"The court's video link: {booking.video_url}")
    elif booking.video_room:
        lines.append(f"The court's video room: {booking.video_room}.")
    if booking.video_pin:
        lines.append(f"Guest PIN: {booking.video_pin}.")
    return lines


def add_video_link(event: icalendar.Event, booking: Booking) -> None:
    """The links a client can open or dial, as CONFERENCE properties (RFC 7986): the court's
    link, and the suite's address when it is a URI."""
    links = [(booking.video_url, "The court's video link")]
    endpoint = booking.suite.video_endpoint
    if endpoint.lower().startswith(DIALLABLE_SCHEMES):
        links.append((endpoint, "The suite's video address"))
    for uri, label in links:
        if uri:
            event.add(
                "conference", uri, parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": label}
            )
