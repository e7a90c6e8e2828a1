"""Every SMS a witness can receive, in one place.

Only what DOMAIN.md allows: the date and time, the suite's public name, a short link and a
contact number. Never the defendant, the offence, special measures or a suite's address (the
link's page shows the address, except for confidential suites). GSM-7 where possible, and at
most two segments: if the full text is longer, the optional last sentence is dropped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings

from bookings.models import Booking
from core.clock import local

from .models import Kind

# GSM 03.38: the basic character set, and the extension table (each costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
# Typography that phones turn into UCS-2 (halving what fits): mapped to GSM-7 look-alikes.
PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})

LINK_PLACEHOLDER = "{link}"


def plain(text: str) -> str:
    text = text.translate(PLAIN)
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        return text
    # Accented letters GSM-7 lacks (e.g. ô) lose their accent rather than the whole message
    # falling back to UCS-2.
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_like = "".join(c for c in decomposed if not unicodedata.combining(c))
    return ascii_like if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in ascii_like) else text


def segments(text: str) -> int:
    """How many SMS segments `text` takes (GSM-7: 160, or 153 each when split; UCS-2: 70/67)."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        length = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi = 160, 153
    else:
        length = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi = 70, 67
    return 1 if length <= single else -(-length // multi)


@dataclass(frozen=True)
class SmsText:
    body: str  # with LINK_PLACEHOLDER where the witness's link goes


def _facts(booking: Booking) -> dict[str, str]:
    start = local(booking.starts_at)
    arrive = local(booking.arrive_by)
    contact = booking.suite.contact_phone or settings.WITNESS_CARE_PHONE
    return {
        "day": f"{start:%a} {start.day} {start:%b}",
        "time": f"{start:%H:%M}",
        "arrive": f"{arrive:%H:%M}",
        "suite": booking.suite.name,
        "contact": contact,
        "link": LINK_PLACEHOLDER,
    }


TEMPLATES: dict[str, tuple[str, str]] = {
    # kind: (the text, an optional last sentence dropped if the text would need 3 segments)
    Kind.CONFIRMATION: (
        "You are booked to give evidence by video link on {day} at {time} at {suite}. "
        "Please arrive by {arrive}. Details: {link} ",
        "Reply YES to confirm or NO if you cannot attend. Questions: {contact}",
    ),
    Kind.CHANGE: (
        "Your video link booking has changed. It is now {day} at {time} at {suite}. "
        "Please arrive by {arrive}. Details: {link} ",
        "Reply YES to confirm or NO if you cannot attend. Questions: {contact}",
    ),
    Kind.STAND_DOWN: (
        "You are no longer needed to give evidence on {day} at {time} at {suite}. "
        "Please do not attend. ",
        "Questions: {contact}",
    ),
    Kind.REMINDER_AHEAD: (
        "Reminder: you are giving evidence by video link on {day} at {time} at {suite}. "
        "Please arrive by {arrive}. Details: {link} ",
        "Questions: {contact}",
    ),
    Kind.REMINDER_ON_DAY: (
        "Today you are giving evidence by video link at {time} at {suite}. "
        "Please arrive by {arrive}. Details: {link} ",
        "Questions: {contact}",
    ),
}

# A link is PUBLIC_BASE_URL + "/w/" + a 22-character token; measure with one that long.
SAMPLE_TOKEN = "x" * 22


def sms_text(booking: Booking, kind: str) -> SmsText:
    text, optional = TEMPLATES[kind]
    facts = _facts(booking)
    full = plain((text + optional).format(**facts)).strip()
    link = f"{settings.PUBLIC_BASE_URL}/w/{SAMPLE_TOKEN}/"
    if segments(full.replace(LINK_PLACEHOLDER, link)) <= settings.SMS_MAX_SEGMENTS:
        return SmsText(full)
    return SmsText(plain(text.format(**facts)).strip())


def reply_text(name: str, **facts) -> str:
    """Replies to a witness's text message."""
    facts = {**facts, "contact": facts.get("contact") or settings.WITNESS_CARE_PHONE}
    replies = {
        "confirmed": "Thank you, you have confirmed you will attend on {day} at {time} at {suite}.",
        "cannot_attend": "Thank you for letting us know. The witness care team will contact "
        "you. Questions: {contact}",
        "no_booking": "We could not find a booking for this number. Questions: {contact}",
        "help": "Video link evidence bookings. Questions: {contact}. Reply STOP to stop texts.",
        "not_understood": "Sorry, we did not understand. Reply YES to confirm or NO if you "
        "cannot attend. Questions: {contact}",
    }
    return plain(replies[name].format(**facts))


def booking_facts(booking: Booking) -> dict[str, str]:
    return _facts(booking)
