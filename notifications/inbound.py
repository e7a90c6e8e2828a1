"""What witnesses text us: YES or NO about their next booking, STOP and START (kept in the
opt-out ledger), HELP, or anything else. Each text is handled once, however often Twilio
delivers it, and gets at most one reply."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking, BookingStatus

from . import texts
from .models import InboundSms
from .opt_outs import opt_out_set

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
YES_WORDS = {"YES", "Y"}
NO_WORDS = {"NO", "N"}


def _next_booking(phone: str) -> Booking | None:
    return (
        Booking.objects.filter(
            witness__phone=phone, status=BookingStatus.CONFIRMED, ends_at__gt=timezone.now()
        )
        .select_related("suite", "hearing__court", "witness")
        .order_by("starts_at")
        .first()
    )


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
    words = body.strip().upper().split()
    word = words[0].strip(".!") if words else ""
    booking = _next_booking(from_number)
    facts = texts.booking_facts(booking) if booking else {}
    handled_as, reply = "not_understood", texts.reply_text("not_understood", **facts)
    if word in OPT_OUT_WORDS:
        opt_out_set(phone=from_number, opted_out=True, keyword=word)
        handled_as, reply = "opted_out", None  # the carrier and Twilio confirm STOP themselves
    elif word in OPT_IN_WORDS:
        opt_out_set(phone=from_number, opted_out=False, keyword=word)
        handled_as, reply = "opted_in", None
    elif word in HELP_WORDS:
        handled_as, reply = "help", texts.reply_text("help", **facts)
    elif word in YES_WORDS or word in NO_WORDS:
        if booking is None:
            handled_as, reply = "no_booking", texts.reply_text("no_booking")
        elif word in YES_WORDS:
            booking_services.booking_witness_confirm(booking=booking, channel="SMS")
            handled_as, reply = "confirmed", texts.reply_text("confirmed", **facts)
        else:
            booking_services.booking_witness_cannot_attend(booking=booking, channel="SMS")
            handled_as, reply = "cannot_attend", texts.reply_text("cannot_attend", **facts)
    InboundSms.objects.filter(pk=inbound.pk).update(handled_as=handled_as, booking=booking)
    return reply
