"""Calendar invites by email (RFC 5546 iTIP): REQUEST when a booking is made or changed, CANCEL
when it is cancelled, with the booking's stable UID and, as SEQUENCE, the notice version plus
the link version it was written for (a new court link is a new invite to the suite, one higher).

The suite's invite carries the live link (the suite's dial address, the court's link or room,
the PIN); the witness's never does."""

from __future__ import annotations

from email.utils import parseaddr

import icalendar
from django.conf import settings

from bookings.calendar import (
    add_video_link,
    booking_event,
    booking_uid,
    new_calendar,
    video_link_lines,
)
from bookings.models import Booking, BookingStatus, WitnessType
from core.clock import local
from evidence_suites.models import Suite
from evidence_suites.whereabouts import WHERE_TO_GO_SEPARATELY, shareable_location

__all__ = ["booking_uid", "invite_calendar", "invite_text"]


def _address(value: str, name: str | None = None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{value}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    return address


def invite_text(
    booking: Booking, audience: str, *, cancelled: bool = False, suite: Suite | None = None
) -> tuple[str, str]:
    """The summary and description of an invite, written for who receives it. `suite` is the
    suite a suite's invite is for, when that is one the booking has moved away from."""
    hearing = booking.hearing
    left = suite is not None and suite.pk != booking.suite_id
    suite = suite or booking.suite
    arrive = local(booking.arrive_by)
    if audience == "suite":
        summary = f"Video link {booking.reference}: {hearing.court.name}"
        lines = [
            f"Booking {booking.reference} at {suite.name}.",
            f"Court: {hearing.court.name}{', ' + hearing.courtroom if hearing.courtroom else ''}.",
            f"Witness: {booking.witness.get_witness_type_display().lower()}, "
            f"initials {booking.witness.initials}.",
        ]
        if not left and not cancelled and booking.status != BookingStatus.CANCELLED:
            lines += video_link_lines(booking)
    else:
        summary = f"Give evidence by video link at {suite.name}"
        lines = [
            f"Please arrive at {suite.name} by {arrive:%H:%M}.",
            f"You will give evidence to {hearing.court.name}.",
        ]
        if booking.witness.witness_type == WitnessType.POLICE_OFFICER:
            lines.append(f"Case reference (URN): {hearing.case_reference}.")
        if suite.location_confidential:
            lines.append(WHERE_TO_GO_SEPARATELY)
        lines.append(f"Booking reference: {booking.reference}.")
    contact = suite.contact_phone or settings.WITNESS_CARE_PHONE
    lines.append(f"Questions: {contact}.")
    if left:
        summary = f"Cancelled: {summary}"
        lines.insert(0, f"This booking has moved away from {suite.name}: it is not needed there.")
    elif cancelled or booking.status == BookingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
        lines.insert(0, "This booking is cancelled: you are not needed.")
    return summary, "\n".join(lines)


def invite_calendar(
    booking: Booking,
    *,
    audience: str,
    attendee: str,
    cancelled: bool = False,
    sequence: int | None = None,
    suite: Suite | None = None,
) -> tuple[str, bytes]:
    """An iTIP invite for one attendee: (method, the .ics bytes). `cancelled` sends a CANCEL
    for a booking that goes on elsewhere (to the suite it moved away from, given as `suite`).
    `sequence` is the notice version plus the link version the invite was written for: a
    CANCEL that arrives after a newer REQUEST (the booking came back) carries the older
    SEQUENCE, so calendars ignore it."""
    cancelled = cancelled or booking.status == BookingStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = new_calendar(method=method)
    summary, description = invite_text(booking, audience, cancelled=cancelled, suite=suite)
    left = suite is not None and suite.pk != booking.suite_id
    event = booking_event(
        booking,
        summary=summary,
        description=description,
        location=suite.name if left else shareable_location(booking.suite),
        cancelled=cancelled,
        sequence=booking.notice_version + booking.link_version if sequence is None else sequence,
    )
    if audience == "suite" and not left and not cancelled:
        add_video_link(event, booking)
    organiser_name, organiser_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    event.add("organizer", _address(organiser_email, organiser_name or None))
    attendee_address = _address(attendee)
    attendee_address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee_address.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee_address.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    return method, calendar.to_ical()
