"""What a witness answers to their booking's news (a text reply, or the buttons on their
page): they will attend, or they cannot."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import (
    AttentionFlag,
    AttentionKind,
    Booking,
    BookingStatus,
    HistoryAction,
    Unavailability,
)
from .attention import attention_flag_raise
from .history import booking_event_record
from .unavailability import period_words


@transaction.atomic
def booking_witness_confirm(*, booking: Booking, channel: str) -> Booking:
    """The witness says they will attend (a YES text, or the button on their page)."""
    if booking.status != BookingStatus.CONFIRMED or booking.witness_confirmed_at:
        return booking
    now = timezone.now()
    Booking.objects.filter(pk=booking.pk).update(witness_confirmed_at=now, updated_at=now)
    booking.refresh_from_db()
    booking_event_record(
        booking=booking,
        action=HistoryAction.WITNESS_CONFIRMED,
        actor_label=f"witness ({channel})",
        changes={"witness_confirmed_at": (None, now)},
    )
    AttentionFlag.objects.filter(
        booking=booking, kind=AttentionKind.WITNESS_CANNOT_ATTEND, resolved_at__isnull=True
    ).update(resolved_at=now)
    return booking


@transaction.atomic
def booking_witness_cannot_attend(
    *, booking: Booking, channel: str, period: Unavailability | None = None
) -> Booking:
    """The witness says they cannot attend: staff must rebook or tell the court. `period`: the
    days they said they cannot do, when they gave them (the caller records it, in the same
    transaction), named on the attention item."""
    if booking.status != BookingStatus.CONFIRMED:
        return booking
    Booking.objects.filter(pk=booking.pk).update(witness_confirmed_at=None)
    booking.refresh_from_db()
    detail = f"The witness replied by {channel} that they cannot attend."
    if period is not None:
        detail += f" They cannot do {period_words(period, reason=False)}."
    attention_flag_raise(
        booking=booking,
        kind=AttentionKind.WITNESS_CANNOT_ATTEND,
        detail=detail,
    )
    booking_event_record(
        booking=booking,
        action=HistoryAction.WITNESS_CANNOT_ATTEND,
        actor_label=f"witness ({channel})",
        changes={"attention": (None, AttentionKind.WITNESS_CANNOT_ATTEND)},
    )
    return booking
