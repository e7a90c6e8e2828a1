"""Messages that will not go after all (overtaken by a change, a cancelled booking, a STOP):
marked "not sent" with the reason, before or instead of sending."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from .models import Channel, Message, Status


def suppress(messages: QuerySet[Message], reason: str) -> None:
    """These messages will not go, for `reason` (whether or not they were tried before)."""
    messages.update(status=Status.SUPPRESSED, status_detail=reason, updated_at=timezone.now())


def _withdrawable(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Of these waiting messages, those that can be withdrawn here and now: not a text that has
    been tried before, which Twilio may have taken though its answer was lost. Those stay for
    the sender, which asks Twilio before it records one as not sent."""
    return messages.filter(status=Status.PENDING).exclude(channel=Channel.SMS, attempts__gt=0)


def withdraw(messages: QuerySet[Message], reason: str) -> None:
    """Those of these messages that can be withdrawn now will not go, for `reason`."""
    suppress(_withdrawable(messages), reason)


def message_suppress(message: Message, reason: str) -> None:
    """This message will not go, for `reason`."""
    suppress(Message.objects.filter(pk=message.pk), reason)
    message.status, message.status_detail = Status.SUPPRESSED, reason
