"""Texts through Twilio: the text as it goes (with the witness's link) and as it is kept (the
link's secret masked), handing it over, finding one Twilio took on an earlier attempt whose
answer never came back, and recording the texts Twilio took."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from bookings.models import BookingEvent, HistoryAction

from . import links, texts, twilio_client
from .history import message_event
from .models import NEWS_KINDS, Channel, Message, Status
from .outbox import witness_contact_changed
from .wanted import addressed, recipient

#: A text Twilio took, to be recorded: the message, Twilio's SID, and the body as kept.
Taken = tuple[Message, str, str]


def rendered(message: Message) -> tuple[str, str]:
    """The text as it goes out, and as it is kept (the link's secret masked)."""
    if texts.LINK_PLACEHOLDER not in message.body:
        return message.body, message.body
    url = links.witness_link_issue(message=message)
    return (
        message.body.replace(texts.LINK_PLACEHOLDER, url),
        message.body.replace(texts.LINK_PLACEHOLDER, links.masked(url)),
    )


def status_callback(message: Message) -> str:
    return f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status/?message={message.pk}"


def _earlier_attempt_at_twilio(message: Message, text: str):
    """The text Twilio took on an earlier attempt whose answer never came back (a timeout, a
    worker that stopped), if any: asked about the number that attempt went to (`recipient`
    is recorded before each attempt), since the message was written."""
    return twilio_client.find_sent(to=message.recipient, body=text, since=message.created_at)


def taken_earlier(message: Message) -> Taken | None:
    """The text Twilio took on an earlier attempt, if any, as it is to be recorded. Twilio's
    errors are the caller's to handle."""
    text, kept = rendered(message)
    found = _earlier_attempt_at_twilio(message, text)
    return None if found is None else (message, found.sid, kept)


def send(message: Message) -> tuple[str, str]:
    """Hand the text to Twilio; its message SID and the body as it is kept."""
    text, kept = rendered(message)
    if message.attempts > 1:
        found = _earlier_attempt_at_twilio(message, text)
        if found is not None:
            return found.sid, kept
    to = addressed(message)
    sent = twilio_client.send_sms(to=to, body=text, status_callback=status_callback(message))
    return sent.sid, kept


def accepted_record(taken: list[Taken]) -> None:
    """Texts Twilio took: their SIDs (and kept bodies, where a link was masked) in one UPDATE,
    and a history entry each, in one commit."""
    now = timezone.now()
    sids = Case(
        *(When(pk=m.pk, then=Value(sid)) for m, sid, _ in taken),
        default=F("provider_id"),
        output_field=Message._meta.get_field("provider_id"),
    )
    changed = [(m, kept) for m, _, kept in taken if kept != m.body]
    bodies = {}
    if changed:
        kept_bodies = (When(pk=m.pk, then=Value(kept)) for m, kept in changed)
        bodies["body"] = Case(
            *kept_bodies, default=F("body"), output_field=Message._meta.get_field("body")
        )
    messages = [message for message, _, _ in taken]
    with transaction.atomic():
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(
            provider_id=sids,
            sent_at=now,
            updated_at=now,
            # A delivery receipt may already have moved one on; only those still being sent
            # become "queued".
            status=Case(
                When(status=Status.SENDING, then=Value(Status.QUEUED)), default=F("status")
            ),
            **bodies,
        )
        BookingEvent.objects.bulk_create(
            [message_event(message, HistoryAction.SMS_QUEUED) for message in messages]
        )
    for message, provider_id, kept_body in taken:
        message.provider_id, message.body = provider_id, kept_body
        message.sent_at = message.updated_at = now
        if message.status == Status.SENDING:
            message.status = Status.QUEUED
    # News that turned out to have gone, on an earlier attempt, to a number the witness has
    # changed since: their number now gets it too, as after any change of number.
    for witness in {
        message.booking.witness
        for message in messages
        if message.kind in NEWS_KINDS and message.recipient != recipient(message)
    }:
        witness_contact_changed(witness=witness, channels={Channel.SMS})
