"""Whether a claimed message still goes, and where: judged on its booking, its witness, the
suite and the opt-out ledger as they are the moment before it is sent."""

from __future__ import annotations

from bookings.models import BookingStatus

from .models import REACHED_STATUSES, REMINDER_KINDS, Audience, Channel, Kind, Message
from .opt_outs import OPTED_OUT


def recipient(message: Message) -> str:
    """Where the message goes now: the witness's current number or address, or the current
    address of the suite the invite is for."""
    witness = message.booking.witness
    if message.channel == Channel.SMS:
        return witness.sms_number
    if message.audience == Audience.WITNESS:
        return witness.email
    return (message.suite or message.booking.suite).contact_email


def addressed(message: Message) -> str:
    """Record, before trying, where this attempt goes (the current number or address): a
    recovery after a crash asks Twilio about that number, and staff see where it went."""
    to = recipient(message)
    if to != message.recipient:
        Message.objects.filter(pk=message.pk).update(recipient=to)
        message.recipient = to
    return to


def _already_there(message: Message) -> bool:
    """Whether this news (sent again after a change of number or address) already reached the
    witness's number or address as it is now: they changed it back before this copy went."""
    return (
        Message.objects.filter(
            booking_id=message.booking_id,
            kind=message.kind,
            booking_version=message.booking_version,
            channel=message.channel,
            audience=message.audience,
            recipient=recipient(message),
            status__in=REACHED_STATUSES,
        )
        .exclude(pk=message.pk)
        .exists()
    )


def unwanted(message: Message) -> str | None:
    """Why a claimed message must not go now, judged on the state read just before sending."""
    booking = message.booking
    if message.kind != Kind.STAND_DOWN:
        if booking.status == BookingStatus.CANCELLED:
            return "The booking was cancelled."
        if booking.notice_version != message.booking_version:
            return "Overtaken by a later change to the booking."
        if message.audience == Audience.SUITE and message.link_version < booking.link_version:
            # Only the suite's invites carry the court's link; the witness's news still goes.
            return "Overtaken by a newer court link."
    elif (
        message.audience == Audience.SUITE
        and message.suite_id == booking.suite_id
        and message.booking_version < booking.notice_version
    ):
        return "The booking came back to this suite: its newer invite stands."
    if message.kind in REMINDER_KINDS and booking.status != BookingStatus.CONFIRMED:
        return "The witness has already arrived or the booking has ended."
    if message.channel == Channel.SMS:
        if not booking.witness.phone:
            return "The witness has no mobile number now."
        if booking.witness.sms_opt_out or message.opted_out:
            return OPTED_OUT
    elif not recipient(message):
        return "There is no email address to send it to now."
    if message.copy and _already_there(message):
        return "The witness's number or address has had this news already."
    return None
