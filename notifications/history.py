"""What a message leaves on its booking: a history entry for each thing that happened to it,
and an attention flag for one that will not arrive."""

from __future__ import annotations

from bookings.models import AttentionKind, BookingEvent

from .models import Audience, Message


def message_event(message: Message, action: str) -> BookingEvent:
    """The booking's history entry for what happened to one of its messages (not saved)."""
    from bookings.services import booking_event_build

    changes = {"message": (None, f"{message.get_kind_display()} ({message.get_channel_display()})")}
    if message.error_code:
        changes["error_code"] = (None, message.error_code)
    return booking_event_build(
        booking=message.booking, action=action, actor_label="system", changes=changes
    )


def message_record(message: Message, action: str) -> None:
    """Write the booking's history entry for what happened to one of its messages."""
    message_event(message, action).save(force_insert=True)


def message_failure_flag(message: Message) -> None:
    """Every message that will not arrive puts its booking on the attention list: somebody
    must tell the witness, or the suite, another way."""
    from bookings.services import attention_flag_raise

    to = "" if message.audience == Audience.WITNESS else " to the suite"
    attention_flag_raise(
        booking=message.booking,
        kind=AttentionKind.MESSAGE_FAILED,
        detail=f"{message.get_kind_display()} {message.get_channel_display()}{to} could not be "
        f"delivered{f' (error {message.error_code})' if message.error_code else ''}.",
        data={"message": message.pk, "error_code": message.error_code},
    )
