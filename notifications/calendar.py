"""Calendar invites by email (RFC 5546 iTIP): REQUEST when a booking is made or changed, CANCEL
when it is cancelled, with the booking's stable UID and, as SEQUENCE, the notice version plus
the link version it was written for (a new court link is a new invite to the suite, one higher).

The suite's invite carries the live link (the suite's dial address, the court's link or room,
the PIN); the witness's never does.

The witness's invite is in their language (`Witness.language`, through the catalogue under
locale/cy): its subject, body, SUMMARY and DESCRIPTION, with the date in that language's day and
month names (Django's own cy formats) and the court's and suite's Welsh names in Welsh; for
both (`en_cy`) each text holds Welsh first, then English, in one invite. SUMMARY and
DESCRIPTION say their language with RFC 5545's LANGUAGE parameter (section 3.2.10, allowed on
both: sections 3.8.1.12 and 3.8.1.5) when the invite is in one; a bilingual one has no single
tag to give (a property has one LANGUAGE, an event one SUMMARY and one DESCRIPTION), so it
carries none, and its email's Content-Language lists both (RFC 3282). The suite's invite goes
to staff and stays English.

The witness's page offers the same facts as a download ("Add to calendar", `witness_download`):
published rather than requested (METHOD:PUBLISH), in the page's one language, under the same
UID and SEQUENCE as their newest invite."""

from __future__ import annotations

from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from bookings.calendar import (
    add_video_link,
    booking_event,
    booking_uid,
    new_calendar,
    video_link_lines,
)
from bookings.models import Booking, BookingStatus, WitnessType
from core.clock import local
from core.languages import language_parts
from evidence_suites.models import Suite
from evidence_suites.whereabouts import WHERE_TO_GO_SEPARATELY, shareable_location

__all__ = [
    "booking_uid",
    "invite_calendar",
    "invite_languages",
    "invite_text",
    "name_in",
    "witness_download",
]

#: evidence_suites.whereabouts' line, marked here for the catalogue (it is looked up as that
#: module has it, so the two must say the same: tests/notifications/test_welsh_invites.py).
gettext_noop("The witness care team will tell you where to go.")

#: The language of the staff's invites (the suite's).
STAFF_LANGUAGE = "en-gb"


def name_in(thing, language: str) -> str:
    """A court's or suite's name in `language` (a Django language code): in Welsh, its Welsh
    name when it has one; else its name."""
    return thing.name_cy if language == "cy" and thing.name_cy else thing.name


def language_tag(language: str) -> str:
    """The BCP 47 tag (RFC 5646) of a Django language code: en-GB, cy."""
    return translation.to_locale(language).replace("_", "-")


def invite_languages(booking: Booking, audience: str) -> tuple[str, ...]:
    """The Django languages an invite is written in, in order: the witness's, or English."""
    if audience == "suite":
        return (STAFF_LANGUAGE,)
    return language_parts(booking.witness.language)


def _address(value: str, name: str | None = None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{value}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    return address


def _organiser() -> icalendar.vCalAddress:
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return _address(email, name or None)


def invite_text(
    booking: Booking, audience: str, *, cancelled: bool = False, suite: Suite | None = None
) -> tuple[str, str]:
    """The summary and description of an invite, written for who receives it. `suite` is the
    suite a suite's invite is for, when that is one the booking has moved away from."""
    if audience == "suite":
        return _suite_text(booking, cancelled=cancelled, suite=suite)
    cancelled = cancelled or booking.status == BookingStatus.CANCELLED
    texts = []
    for language in invite_languages(booking, audience):
        with translation.override(language):
            texts.append(_witness_text(booking, language, cancelled=cancelled))
    return " / ".join(summary for summary, _ in texts), "\n\n".join(text for _, text in texts)


def _witness_text(booking: Booking, language: str, *, cancelled: bool) -> tuple[str, str]:
    """The witness's summary and description in the active language, `language`."""
    hearing, suite = booking.hearing, booking.suite
    start, arrive = local(booking.starts_at), local(booking.arrive_by)
    suite_name = name_in(suite, language)
    summary = gettext("Give evidence by video link at %(suite)s") % {"suite": suite_name}
    lines = [
        gettext("When: %(date)s at %(time)s.")
        % {"date": date_format(start, "l j F Y"), "time": f"{start:%H:%M}"},
        gettext("Please arrive at %(suite)s by %(time)s.")
        % {"suite": suite_name, "time": f"{arrive:%H:%M}"},
        gettext("You will give evidence to %(court)s.")
        % {"court": name_in(hearing.court, language)},
    ]
    if booking.witness.witness_type == WitnessType.POLICE_OFFICER:
        lines.append(gettext("Case reference (URN): %(urn)s.") % {"urn": hearing.case_reference})
    if suite.location_confidential:
        lines.append(gettext(WHERE_TO_GO_SEPARATELY))
    lines.append(gettext("Booking reference: %(reference)s.") % {"reference": booking.reference})
    contact = suite.contact_phone or settings.WITNESS_CARE_PHONE
    lines.append(gettext("Questions: %(contact)s.") % {"contact": contact})
    if cancelled:
        summary = gettext("Cancelled: %(summary)s") % {"summary": summary}
        lines.insert(0, gettext("This booking is cancelled: you are not needed."))
    return summary, "\n".join(lines)


def _suite_text(booking: Booking, *, cancelled: bool, suite: Suite | None) -> tuple[str, str]:
    """The suite's summary and description (staff: English)."""
    hearing = booking.hearing
    left = suite is not None and suite.pk != booking.suite_id
    suite = suite or booking.suite
    summary = f"Video link {booking.reference}: {hearing.court.name}"
    lines = [
        f"Booking {booking.reference} at {suite.name}.",
        f"Court: {hearing.court.name}{', ' + hearing.courtroom if hearing.courtroom else ''}.",
        f"Witness: {booking.witness.get_witness_type_display().lower()}, "
        f"initials {booking.witness.initials}.",
    ]
    if not left and not cancelled and booking.status != BookingStatus.CANCELLED:
        lines += video_link_lines(booking)
    contact = suite.contact_phone or settings.WITNESS_CARE_PHONE
    lines.append(f"Questions: {contact}.")
    if left:
        summary = f"Cancelled: {summary}"
        lines.insert(0, f"This booking has moved away from {suite.name}: it is not needed there.")
    elif cancelled or booking.status == BookingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
        lines.insert(0, "This booking is cancelled: you are not needed.")
    return summary, "\n".join(lines)


def _witness_location(suite: Suite, languages: tuple[str, ...]) -> str:
    """Where the witness's invite says the suite is: whereabouts' shareable location (the name
    alone when confidential), named in the invite's languages (Welsh / English when both)."""
    shared = shareable_location(suite)  # starts with the suite's name
    names = dict.fromkeys(name_in(suite, language) for language in languages)
    return " / ".join(names) + shared[len(suite.name) :]


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
    languages = invite_languages(booking, audience)
    if audience == "suite":
        location = suite.name if left else shareable_location(booking.suite)
    else:
        location = _witness_location(booking.suite, languages)
    event = booking_event(
        booking,
        summary=summary,
        description=description,
        location=location,
        cancelled=cancelled,
        sequence=booking.notice_version + booking.link_version if sequence is None else sequence,
    )
    if len(languages) == 1:
        for name in ("summary", "description"):
            event[name].params["language"] = language_tag(languages[0])
    if audience == "suite" and not left and not cancelled:
        add_video_link(event, booking)
    event.add("organizer", _organiser())
    attendee_address = _address(attendee)
    attendee_address.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee_address.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee_address.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee_address)
    calendar.add_component(event)
    return method, calendar.to_ical()


def witness_download(booking: Booking, *, language: str) -> bytes:
    """The booking as a witness adds it to their calendar from their page ("Add to calendar"),
    in `language` (a Django language code: the page's): the facts of their invite (its
    SUMMARY, DESCRIPTION and LOCATION, so no address for a confidential suite and never the
    live link), published (METHOD:PUBLISH, RFC 5546 section 3.2.1: an event to keep, not a
    meeting to answer) under the booking's UID and the SEQUENCE of the witness's newest
    invite, so adding it again, or beside the emailed invite, updates the one event. Only for
    a booking still ahead: the page offers no download for one stood down."""
    calendar = new_calendar(method="PUBLISH")
    with translation.override(language):
        summary, description = _witness_text(booking, language, cancelled=False)
    event = booking_event(
        booking,
        summary=summary,
        description=description,
        location=_witness_location(booking.suite, (language,)),
        cancelled=False,
        sequence=booking.notice_version + booking.link_version,
    )
    for name in ("summary", "description"):
        event[name].params["language"] = language_tag(language)
    event.add("organizer", _organiser())
    calendar.add_component(event)
    return calendar.to_ical()
