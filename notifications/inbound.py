"""What witnesses text us: an answer about their next booking (1 or 2, YES or NO, or the Welsh
answers), STOP and START in English or Welsh (kept in the opt-out ledger), HELP, or anything
else. Each text is handled once, however often Twilio delivers it, and gets at most one reply,
in the witness's language (docs/welsh.md, "Replies")."""

from __future__ import annotations

import re
import unicodedata

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking, BookingStatus, Witness
from core.languages import Language

from . import texts
from .models import InboundSms
from .opt_outs import opt_out_set

# Twilio's own keywords: Twilio blocks or unblocks the number and answers them itself.
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}
# STOP and START in Welsh: Twilio does not know them, so the ledger alone stops the texts, and we
# answer them ourselves.
WELSH_OPT_OUT_WORDS = {"STOPIO", "STOPIWCH"}
WELSH_OPT_IN_WORDS = {"DECHRAU", "AILDDECHRAU"}
HELP_WORDS = {"HELP", "INFO", "CYMORTH"}
# Why numbered answers: a plain yes or no does not carry over into Welsh. Welsh answers with the
# question's verb ("A fyddwch chi'n dod?" "Byddaf." / "Na fyddaf."; "Ydych chi'n dod?" "Ydw."; "Oes
# ...?" "Oes."; "Wnaethoch chi...?" "Do."), so "reply YES or NO" has no one Welsh word to say. The
# texts ask for 1 or 2, which mean the same in both languages, alongside YES/NO and IE/NA; and the
# answers Welsh speakers give anyway are understood too.
# The first word of the reply decides ("Yes, see you then"; "Ie, diolch"; "2 - I am on leave").
YES_FIRST_WORDS = {"1", "YES", "IE"}
NO_FIRST_WORDS = {"2", "NO", "NA", "NAC"}  # NA: "Na fyddaf", "Na allaf"; NAC: "Nac oes", "Nac ydw"
# These only as the reply's whole first phrase (before any comma or full stop, as in "Byddaf,
# diolch"): many also open a question or a sentence ("Oes angen ID?", "Ydw i angen...?", "Do I
# need ID?", "Y car..." is "the car..."), which must not answer for the witness.
YES_PHRASES = {"Y", "DO", "OES", "YDW", "YDY", "BYDDAF", "BYDDA", "GWNAF", "GALLAF", "CADARNHAU"}
NO_PHRASES = {"N", "NAGE", "NADDO", "NA FYDDAF", "NA FYDDA", "NA ALLAF", "NA WNAF"}
PHRASE_END = re.compile(r"[,.!?;:\n]")


def _next_booking(phone: str) -> Booking | None:
    return (
        Booking.objects.filter(
            witness__phone=phone, status=BookingStatus.CONFIRMED, ends_at__gt=timezone.now()
        )
        .select_related("suite", "hearing__court", "witness")
        .order_by("starts_at")
        .first()
    )


def _language(booking: Booking | None, phone: str) -> str:
    """The language to answer in: the booking's witness's, else that of the witnesses with this
    number if they agree, else both (Welsh first)."""
    if booking is not None:
        return booking.witness.language
    languages = set(
        Witness.objects.filter(phone=phone, anonymised_at__isnull=True).values_list(
            "language", flat=True
        )
    )
    return languages.pop() if len(languages) == 1 else Language.BOTH


def _unaccented_upper(body: str) -> str:
    decomposed = unicodedata.normalize("NFKD", body.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _meaning(body: str) -> tuple[str, str]:
    """(the reply's first word, its first phrase), in capitals, accents and punctuation gone."""
    text = _unaccented_upper(body).strip()
    words = text.split()
    word = words[0].strip(".!,?;:-") if words else ""
    phrase = " ".join(PHRASE_END.split(text, maxsplit=1)[0].split())
    return word, phrase


def _answer(word: str, phrase: str) -> bool | None:
    """True for yes, False for no, None when the reply is not an answer."""
    if word in YES_FIRST_WORDS or phrase in YES_PHRASES:
        return True
    if word in NO_FIRST_WORDS or phrase in NO_PHRASES:
        return False
    return None


@transaction.atomic
def inbound_sms_handle(*, provider_id: str, from_number: str, body: str) -> str | None:
    """A witness texted us. Returns the reply to send, if any (each inbound text gets at most
    one reply; a repeated webhook for the same text gets none)."""
    from bookings import services as booking_services

    inbound, created = InboundSms.objects.get_or_create(
        provider_id=provider_id,
        defaults={
            "from_number": from_number,
            "body": body[:1600],
            "received_at": timezone.now(),
            "handled_as": "received",
        },
    )
    if not created:
        return None
    word, phrase = _meaning(body)
    booking = _next_booking(from_number)
    language = _language(booking, from_number)

    def reply(name: str, about: Booking | None = booking) -> str:
        return texts.reply_text(name, language=language, booking=about)

    answer = _answer(word, phrase)
    handled_as, text = "not_understood", reply("not_understood")
    if word in OPT_OUT_WORDS | WELSH_OPT_OUT_WORDS:
        opt_out_set(phone=from_number, opted_out=True, keyword=word)
        # The carrier and Twilio confirm their own STOP; a Welsh one we confirm.
        handled_as, text = "opted_out", reply("opted_out") if word in WELSH_OPT_OUT_WORDS else None
    elif word in OPT_IN_WORDS | WELSH_OPT_IN_WORDS:
        opt_out_set(phone=from_number, opted_out=False, keyword=word)
        handled_as, text = "opted_in", reply("opted_in") if word in WELSH_OPT_IN_WORDS else None
    elif word in HELP_WORDS:
        handled_as, text = "help", reply("help")
    elif answer is not None:
        if booking is None:
            handled_as, text = "no_booking", reply("no_booking", None)
        elif answer:
            booking_services.booking_witness_confirm(booking=booking, channel="SMS")
            handled_as, text = "confirmed", reply("confirmed")
        else:
            booking_services.booking_witness_cannot_attend(booking=booking, channel="SMS")
            handled_as, text = "cannot_attend", reply("cannot_attend")
    InboundSms.objects.filter(pk=inbound.pk).update(handled_as=handled_as, booking=booking)
    return text
