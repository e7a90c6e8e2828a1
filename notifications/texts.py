"""Every SMS a witness can receive, in one place, in the witness's language (docs/welsh.md).

Only what DOMAIN.md allows: the date and time, the suite's public name, a short link and a
contact number. Never the defendant, the offence, special measures or a suite's address (the
link's page shows the address, except for confidential suites).

A witness is written to in English, in Welsh, or in both in one text, Welsh first
(core.languages). Each language's words come from Django's catalogues (locale/cy), its dates from
Django's own Welsh locale. Each text is kept within a budget of parts (settings: the SMS part
budgets); if the full text is longer, the optional last sentence of each language is dropped,
the English one first. English texts are GSM-7 where possible (accents GSM-7 lacks go); a text
with Welsh in it keeps Welsh letters such as ŵ and ŷ, and goes as UCS-2 if it has one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import dateformat, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_noop, pgettext, pgettext_lazy

from bookings.models import Booking
from core.clock import local
from core.languages import language_parts

from .models import Kind

# GSM 03.38: the basic character set, and the extension table (each costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
# Typography that phones turn into UCS-2 (halving what fits): mapped to GSM-7 look-alikes.
PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})
# Welsh vowels (a e i o u w y) with the accents Welsh spells with (to bach ^, the diaeresis,
# acute, grave) that GSM-7 lacks: ŵ, ŷ, â ... Welsh text keeps them, whatever it costs in parts.
WELSH_LETTERS = frozenset(
    letter
    for base in "aeiouwyAEIOUWY"
    for accent in "\u0302\u0308\u0301\u0300"
    if len(letter := unicodedata.normalize("NFC", base + accent)) == 1 and letter not in GSM7_BASIC
)

LINK_PLACEHOLDER = "{link}"
# Between the Welsh and the English of a text in both languages.
SEPARATOR = "\n\n"

# Translators: July, in every Welsh date (the texts' and the pages'). Django's own Welsh catalogue
# spells it "Gorffenaf"; Welsh spells it "Gorffennaf". Ours is read first, so this corrects it.
DJANGO_CORRECTIONS = (gettext_noop("July"),)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def plain(text: str, *, welsh: bool = False) -> str:
    """`text` with typography mapped to GSM-7, and accents GSM-7 lacks dropped if that makes the
    text GSM-7; with `welsh`, Welsh letters (ŵ, ŷ, â...) keep theirs: spelling comes first."""
    text = text.translate(PLAIN)
    if is_gsm7(text):
        return text

    def unaccented(char: str) -> str:
        if welsh and char in WELSH_LETTERS:
            return char
        decomposed = unicodedata.normalize("NFKD", char)
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    # Accented letters GSM-7 lacks (e.g. ô) lose their accent rather than the whole message
    # falling back to UCS-2.
    ascii_like = "".join(unaccented(c) for c in text)
    if all(c in WELSH_LETTERS or c in GSM7_BASIC or c in GSM7_EXTENDED for c in ascii_like):
        return ascii_like
    return text


def segments(text: str) -> int:
    """How many SMS segments `text` takes (GSM-7: 160, or 153 each when split; UCS-2: 70/67)."""
    if is_gsm7(text):
        length = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi = 160, 153
    else:
        length = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi = 70, 67
    return 1 if length <= single else -(-length // multi)


@dataclass(frozen=True)
class SmsText:
    body: str  # with LINK_PLACEHOLDER where the witness's link goes


def _facts(booking: Booking | None, code: str) -> dict[str, str]:
    """What a text says of `booking`, in language `code` ("cy" or "en-gb")."""
    contact = (booking.suite.contact_phone if booking else "") or settings.WITNESS_CARE_PHONE
    if booking is None:
        return {"contact": contact}
    start = local(booking.starts_at)
    arrive = local(booking.arrive_by)
    with translation.override(code):
        # Translators: the day in a text, in Django's date syntax ("D j M": "Wed 24 Mar"; "l j
        # F": "Dydd Mercher 24 Mawrth"). Django's locale gives the day and month names.
        day = dateformat.format(start, pgettext("SMS date format", "D j M"))
    suite = booking.suite.name
    if code == "cy":
        suite = booking.suite.name_cy or suite
    return {
        "day": day,
        "time": f"{start:%H:%M}",
        "arrive": f"{arrive:%H:%M}",
        "suite": suite,
        "contact": contact,
        "link": LINK_PLACEHOLDER,
    }


# The catalogue's translators read the comments marked "Translators" (docs/welsh.md).
_REPLY = pgettext_lazy(
    "SMS to a witness",
    # Translators: in Welsh, ask for 1 or IE, 2 or NA: a plain yes or no does not carry over
    # into Welsh (the answer word depends on the question's verb; docs/welsh.md, "Replies").
    "Reply YES to confirm or NO if you cannot attend. Questions: {contact}",
)
_QUESTIONS = pgettext_lazy("SMS to a witness", "Questions: {contact}")

TEMPLATES: dict[str, tuple[Promise, Promise]] = {
    # kind: (the text, an optional last sentence dropped if the text would exceed its budget)
    Kind.CONFIRMATION: (
        pgettext_lazy(
            "SMS to a witness",
            # Translators: keep it short, with ŵ ŷ â only where Welsh spells them (docs/welsh.md,
            # "Length"); {day} and {suite} are names: a colon or comma before them, no mutation.
            "You are booked to give evidence by video link on {day} at {time} at {suite}. "
            "Please arrive by {arrive}. Details: {link}",
        ),
        _REPLY,
    ),
    Kind.CHANGE: (
        pgettext_lazy(
            "SMS to a witness",
            # Translators: keep it short, with ŵ ŷ â only where Welsh spells them (docs/welsh.md,
            # "Length"); {day} and {suite} are names: a colon or comma before them, no mutation.
            "Your video link booking has changed. It is now {day} at {time} at {suite}. "
            "Please arrive by {arrive}. Details: {link}",
        ),
        _REPLY,
    ),
    Kind.STAND_DOWN: (
        pgettext_lazy(
            "SMS to a witness",
            # Translators: keep it short, with ŵ ŷ â only where Welsh spells them (docs/welsh.md,
            # "Length"); {day} and {suite} are names: a colon or comma before them, no mutation.
            "You are no longer needed to give evidence on {day} at {time} at {suite}. "
            "Please do not attend.",
        ),
        _QUESTIONS,
    ),
    Kind.REMINDER_AHEAD: (
        pgettext_lazy(
            "SMS to a witness",
            # Translators: keep it short, with ŵ ŷ â only where Welsh spells them (docs/welsh.md,
            # "Length"); {day} and {suite} are names: a colon or comma before them, no mutation.
            "Reminder: you are giving evidence by video link on {day} at {time} at {suite}. "
            "Please arrive by {arrive}. Details: {link}",
        ),
        _QUESTIONS,
    ),
    Kind.REMINDER_ON_DAY: (
        pgettext_lazy(
            "SMS to a witness",
            # Translators: keep it short, with ŵ ŷ â only where Welsh spells them (docs/welsh.md,
            # "Length"); {day} and {suite} are names: a colon or comma before them, no mutation.
            "Today you are giving evidence by video link at {time} at {suite}. "
            "Please arrive by {arrive}. Details: {link}",
        ),
        _QUESTIONS,
    ),
}

# A link is PUBLIC_BASE_URL + "/w/" + a 22-character token; measure with one that long.
SAMPLE_TOKEN = "x" * 22


def _in(code: str, template: Promise, facts: dict[str, str]) -> str:
    with translation.override(code):
        return str(template).format(**facts)


def budget(codes: tuple[str, ...], text: str) -> int:
    """The most parts a text in languages `codes` may take (settings: the SMS part budgets).
    English alone is as it always was; with Welsh in it, a text that goes as UCS-2 (a suite's
    name with ŵ, ŷ, â...) holds less a part, so it has a budget of its own."""
    if "cy" not in codes:
        return settings.SMS_MAX_SEGMENTS
    if len(codes) > 1:
        if is_gsm7(text):
            return settings.SMS_MAX_SEGMENTS_BILINGUAL
        return settings.SMS_MAX_SEGMENTS_BILINGUAL_UCS2
    return settings.SMS_MAX_SEGMENTS if is_gsm7(text) else settings.SMS_MAX_SEGMENTS_WELSH_UCS2


def sms_text(booking: Booking, kind: str) -> SmsText:
    codes = language_parts(booking.witness.language)
    welsh = "cy" in codes
    text, optional = TEMPLATES[kind]
    versions = []  # per language: (the full text, without its optional last sentence)
    for code in codes:
        facts = _facts(booking, code)
        short = _in(code, text, facts)
        versions.append((f"{short} {_in(code, optional, facts)}", short))
    # The full texts first, then the optional sentences dropped from the last language (English)
    # back: Welsh is never cut before English.
    candidates = [
        SEPARATOR.join(
            short if index >= len(versions) - dropped else full
            for index, (full, short) in enumerate(versions)
        )
        for dropped in range(len(versions) + 1)
    ]
    link = f"{settings.PUBLIC_BASE_URL}/w/{SAMPLE_TOKEN}/"
    for candidate in candidates[:-1]:
        as_sent = plain(candidate, welsh=welsh).strip().replace(LINK_PLACEHOLDER, link)
        if segments(as_sent) <= budget(codes, as_sent):
            return SmsText(plain(candidate, welsh=welsh).strip())
    return SmsText(plain(candidates[-1], welsh=welsh).strip())


REPLIES: dict[str, Promise] = {
    "confirmed": pgettext_lazy(
        "SMS to a witness",
        "Thank you, you have confirmed you will attend on {day} at {time} at {suite}.",
    ),
    "cannot_attend": pgettext_lazy(
        "SMS to a witness",
        "Thank you for letting us know. The witness care team will contact you. "
        "Questions: {contact}",
    ),
    "no_booking": pgettext_lazy(
        "SMS to a witness", "We could not find a booking for this number. Questions: {contact}"
    ),
    # Translators: in Welsh, name STOPIO (understood as well as STOP).
    "help": pgettext_lazy(
        "SMS to a witness",
        "Video link evidence bookings. Questions: {contact}. Reply STOP to stop texts.",
    ),
    "not_understood": pgettext_lazy(
        "SMS to a witness",
        # Translators: in Welsh, ask for 1 or IE, 2 or NA, as in the texts.
        "Sorry, we did not understand. Reply YES to confirm or NO if you cannot attend. "
        "Questions: {contact}",
    ),
    # The replies to STOP and START in Welsh (STOPIO, DECHRAU): Twilio answers its own English
    # keywords itself, and only those.
    # Translators: in Welsh, name DECHRAU (understood as well as START).
    "opted_out": pgettext_lazy(
        "SMS to a witness", "You will get no more texts from us. Reply START to get them again."
    ),
    # Translators: in Welsh, name STOPIO (understood as well as STOP).
    "opted_in": pgettext_lazy(
        "SMS to a witness", "You will get texts from us again. Reply STOP to stop them."
    ),
}


def reply_text(name: str, *, language: str, booking: Booking | None = None) -> str:
    """The reply to a witness's text, in `language` (a Witness.language; both, Welsh first,
    when it is not known), about `booking` if there is one."""
    codes = language_parts(language)
    parts = [_in(code, REPLIES[name], _facts(booking, code)) for code in codes]
    return plain(SEPARATOR.join(parts), welsh="cy" in codes)
