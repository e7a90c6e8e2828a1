"""What Twilio tells us about a text it took: delivery receipts, which move the message's
status forward (never back) and put a text that did not arrive on its booking's attention
list."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bookings.models import HistoryAction

from .history import message_failure_flag, message_record
from .models import FAILED_STATUSES, STATUS_RANK, Message, Status

TWILIO_STATUS = {
    "accepted": Status.QUEUED,
    "scheduled": Status.QUEUED,
    "queued": Status.QUEUED,
    "sending": Status.SENT,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
    "canceled": Status.FAILED,
}


@transaction.atomic
def message_status_update(
    *, message_id: int | None, provider_id: str, provider_status: str, error_code: str = ""
) -> Message | None:
    """A delivery receipt. Statuses only move forward, so a repeated or late receipt (a `sent`
    arriving after `delivered`) changes nothing."""
    status = TWILIO_STATUS.get(provider_status)
    query = Message.objects.select_for_update()
    message = (query.filter(pk=message_id).first() if message_id else None) or query.filter(
        provider_id=provider_id
    ).first()
    if message is None or status is None:
        return None
    if message.provider_id and provider_id and message.provider_id != provider_id:
        return None  # a receipt for another attempt's message: not ours to apply
    if STATUS_RANK[status] <= STATUS_RANK[message.status] and message.status != Status.SENDING:
        return message
    message.status = status
    message.provider_id = message.provider_id or provider_id
    if status == Status.DELIVERED:
        message.delivered_at = timezone.now()
    if error_code:
        message.error_code = error_code[:10]
    message.save()
    message_record(message, HistoryAction(f"sms_{status}"))
    if status in FAILED_STATUSES:
        message_failure_flag(message)
    return message
