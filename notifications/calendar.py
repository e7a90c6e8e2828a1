"""Calendar objects for bookings, built with `icalendar`: the invites emailed to witnesses and
suites (RFC 5546 iTIP: REQUEST on create and change, CANCEL on cancellation) and, later, the
feeds courts subscribe to. Every one of them uses the booking's single stable UID, and its
version as SEQUENCE, so a calendar client updates or removes the one event it already has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import timezone

from bookings.models import Booking, BookingStatus, WitnessType
from bookings.rules import local

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


def location_text(booking: Booking) -> str:
    """Where to go: the suite and its address, or only its public name when the location is
    confidential (the witness is told where to go separately)."""
    suite = booking.suite
    if suite.location_confidential:
        return suite.name
    return f"{suite.name}, {' '.join(suite.address.split())}, {suite.postcode}"


def booking_event(
    booking: Booking,
    *,
    summary: str,
    description: str,
    location: str | None,
    stamp: datetime | None = None,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", booking.version)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    event.add("created", booking.created_at)
    event.add("last-modified", booking.updated_at)
    event.add("dtstart", local(booking.starts_at))
    event.add("dtend", local(booking.ends_at))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _address(value: str, name: str | None = None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{value}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    return address


def invite_text(booking: Booking, audience: str) -> tuple[str, str]:
    """The summary and description of an invite, written for who receives it."""
    suite, hearing = booking.suite, booking.hearing
    arrive = local(booking.starts_at - timedelta(minutes=suite.turnaround_minutes))
    if audience == "suite":
        summary = f"Video link {booking.reference}: {hearing.court.name}"
        lines = [
            f"Booking {booking.reference} at {suite.name}.",
            f"Court: {hearing.court.name}{', ' + hearing.courtroom if hearing.courtroom else ''}.",
            f"Witness: {booking.witness.get_witness_type_display().lower()}, "
            f"initials {booking.witness.initials}.",
        ]
    else:
        summary = f"Give evidence by video link at {suite.name}"
        lines = [
            f"Please arrive at {suite.name} by {arrive:%H:%M}.",
            f"You will give evidence to {hearing.court.name}.",
        ]
        if booking.witness.witness_type == WitnessType.POLICE_OFFICER:
            lines.append(f"Case reference (URN): {hearing.case_reference}.")
        if suite.location_confidential:
            lines.append("The witness care team will tell you where to go.")
        lines.append(f"Booking reference: {booking.reference}.")
    contact = suite.contact_phone or settings.WITNESS_CARE_PHONE
    lines.append(f"Questions: {contact}.")
    if booking.status == BookingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
        lines.insert(0, "This booking is cancelled: you are not needed.")
    return summary, "\n".join(lines)


def invite_calendar(booking: Booking, *, audience: str, attendee: str) -> tuple[str, bytes]:
    """An iTIP invite for one attendee: (method, the .ics bytes)."""
    method = "CANCEL" if booking.status == BookingStatus.CANCELLED else "REQUEST"
    calendar = new_calendar(method=method)
    summary, description = invite_text(booking, audience)
    event = booking_event(
        booking, summary=summary, description=description, location=location_text(booking)
    )
    organiser_name, organiser_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", _address(organiser_email, organiser_name or None))
    attendee_address = _address(attendee)
    attendee_address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee_address.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee_address.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    return method, calendar.to_ical()
