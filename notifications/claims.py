"""Claims: only one run sends a message. A run claims the messages it is to send (marking them
as being sent under its token), renews the claims as it works through them, and reads each
afresh, while it still holds the claim, just before it goes. A claim left by a worker that
stopped goes stale; the sweep recovers it by asking Twilio whether the text went before
sending it again."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from . import sms, twilio_client
from .delivery import gave_up, release
from .models import Audience, Channel, Message, SmsOptOut, Status

#: A worker renews the claims of the batch it is working through at least this often...
CLAIM_RENEW_EVERY = timedelta(seconds=10)
#: ...so a claim not renewed for this long belongs to a worker that stopped mid-send. The
#: system check `notifications.E001` keeps it longer than a renewal gap plus the slowest send
#: the timeouts allow, so the sweep never takes a claim from a live worker.
STALE_CLAIM = timedelta(minutes=2)
SWEEP_BATCH = 500


def claim(message_ids: list[int], token: str = "") -> list[int]:
    """The messages this run may send, in the order asked: those still pending and due, now
    marked as being sent under this run's token. Rows another worker is claiming at this
    moment are skipped, not waited for (on SQLite, BEGIN IMMEDIATE makes the whole claim one
    writer's). So is a text while another text about the same booking is being sent: a
    stand-down never overtakes the confirmation a worker is still handing over, it follows it
    (the sweep hands it over once that one is done). Invites need no such care: each carries
    its SEQUENCE, and calendars keep the highest."""
    now, token = timezone.now(), token or secrets.token_hex(16)
    in_flight = Message.objects.filter(
        booking_id=OuterRef("booking_id"),
        channel=Channel.SMS,
        audience=Audience.WITNESS,
        status=Status.SENDING,
    )
    with transaction.atomic():
        claimable = set(
            Message.objects.filter(pk__in=message_ids, status=Status.PENDING, not_before__lte=now)
            .exclude(Q(channel=Channel.SMS) & Exists(in_flight))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        if claimable:
            Message.objects.filter(pk__in=claimable).update(
                status=Status.SENDING,
                claimed_at=now,
                claim_token=token,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    return [message_id for message_id in dict.fromkeys(message_ids) if message_id in claimable]


class Lease:
    """A batch's claims, renewed as the batch goes: however slow the provider, a live worker's
    claims never look stale to the sweep."""

    def __init__(self, token: str, message_ids: list[int]):
        self.token, self.message_ids = token, message_ids
        self.renewed = timezone.now()

    def renew_if_due(self) -> None:
        now = timezone.now()
        if now - self.renewed < CLAIM_RENEW_EVERY:
            return
        Message.objects.filter(
            pk__in=self.message_ids, status=Status.SENDING, claim_token=self.token
        ).update(claimed_at=now)
        self.renewed = now


def _opted_out():
    return Exists(
        SmsOptOut.objects.filter(phone=OuterRef("booking__witness__phone"), is_opted_out=True)
    )


def loaded():
    return Message.objects.select_related(
        "booking__suite", "booking__witness", "booking__hearing__court", "suite"
    ).annotate(opted_out=_opted_out())


#: What can change while a batch waits, read again just before each message goes.
_FRESH = (
    "booking__status",
    "booking__notice_version",
    "booking__link_version",
    "booking__witness__phone",
    "booking__witness__email",
    "booking__witness__sms_opt_out",
    "booking__suite__contact_email",
    "suite__contact_email",
)


def held(message: Message, token: str) -> Message | None:
    """The message, its booking and its witness as they are this moment, if this run still
    holds its claim: read immediately before sending, so a cancellation, a move or a new number
    committed while the batch waited is honoured. One narrow read (the batch loaded the rest);
    a booking that changed meanwhile is read whole."""
    fresh = (
        Message.objects.filter(pk=message.pk, status=Status.SENDING, claim_token=token)
        .annotate(opted_out=_opted_out())
        .values(*_FRESH, "opted_out")
        .first()
    )
    if fresh is None:
        return None
    booking, witness = message.booking, message.booking.witness
    if (
        fresh["booking__status"],
        fresh["booking__notice_version"],
        fresh["booking__link_version"],
    ) != (booking.status, booking.notice_version, booking.link_version):
        return loaded().filter(pk=message.pk).first()
    witness.phone = fresh["booking__witness__phone"]
    witness.email = fresh["booking__witness__email"]
    witness.sms_opt_out = fresh["booking__witness__sms_opt_out"]
    booking.suite.contact_email = fresh["booking__suite__contact_email"]
    if message.suite is not None:
        message.suite.contact_email = fresh["suite__contact_email"]
    message.opted_out = fresh["opted_out"]
    return message


def message_recover(*, message_id: int) -> str:
    """A claim left by a worker that stopped. If Twilio already took the text (at the number
    the attempt went to), record that; otherwise put the message back to be sent, or, once it
    has had all its attempts, fail it and flag the booking."""
    message = loaded().get(pk=message_id)
    if message.status != Status.SENDING or timezone.now() - message.claimed_at < STALE_CLAIM:
        return "not_stale"
    if message.channel == Channel.SMS and message.recipient:
        try:
            taken = sms.taken_earlier(message)
        except (twilio_client.TransientSmsError, twilio_client.PermanentSmsError):
            return "unknown"  # ask again at the next sweep
        if taken is not None:
            sms.accepted_record([taken])
            return "was_sent"
    if gave_up(message):
        return "failed"
    release(
        message,
        not_before=timezone.now(),
        detail="Recovered after a worker stopped.",
        token=message.claim_token,
    )
    return "released"


def outbox_sweep() -> list[int]:
    """Recover stale claims and return the due messages to hand to workers: what a broker
    outage or a dead worker left behind."""
    now = timezone.now()
    stale = Message.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    for message_id in list(stale):
        message_recover(message_id=message_id)
    due = (
        Message.objects.filter(status=Status.PENDING, not_before__lte=now)
        .order_by("not_before")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return list(due)
