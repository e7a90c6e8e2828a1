"""Delivering outbox messages: claim one, check it is still wanted, hand it to Twilio or the
mail server, and record what happened. Safe to run twice for the same message: only one run
can claim it, and a claim left by a crashed worker is recovered by asking Twilio whether the
message went out before sending it again."""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from bookings.models import BookingStatus
from bookings.rules import LONDON, local

from . import links, services, texts, twilio_client
from .calendar import invite_calendar, invite_text
from .models import Channel, Kind, Message, Status

logger = logging.getLogger(__name__)

#: A claim older than this belongs to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=2)
SWEEP_BATCH = 500


@dataclass(frozen=True)
class Outcome:
    result: str
    retry_in: int | None = None  # seconds, for a transient failure


def _in_quiet_hours(moment: datetime) -> datetime | None:
    """When quiet hours end, if `moment` falls inside them (no reminders 21:00–08:00)."""
    start, end = (services._hhmm(t) for t in settings.QUIET_HOURS)
    here = local(moment)
    now_t = here.time()
    inside = (now_t >= start or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return None
    day = here.date() if now_t < end else here.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=LONDON)


def _unwanted(message: Message) -> str | None:
    booking = message.booking
    if message.kind != Kind.CANCELLATION:
        if booking.status == BookingStatus.CANCELLED:
            return "The booking was cancelled."
        if booking.version != message.booking_version:
            return "Overtaken by a later change to the booking."
    if message.kind in services.REMINDER_KINDS and booking.status != BookingStatus.CONFIRMED:
        return "The witness has already arrived or the booking has ended."
    if message.channel == Channel.SMS and (
        booking.witness.sms_opt_out or services.is_opted_out(message.recipient)
    ):
        return "The number replied STOP, so no texts are sent to it."
    return None


def _claim(message_id: int) -> bool:
    now = timezone.now()
    return bool(
        Message.objects.filter(pk=message_id, status=Status.PENDING, not_before__lte=now).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
    )


def _load(message_id: int) -> Message:
    return Message.objects.select_related(
        "booking__suite", "booking__witness", "booking__hearing__court"
    ).get(pk=message_id)


def message_send(*, message_id: int) -> Outcome:
    """Send one outbox message, if it is due, unclaimed and still wanted."""
    if not _claim(message_id):
        return Outcome("not_claimed")
    message = _load(message_id)
    reason = _unwanted(message)
    if reason:
        services._suppress(message, reason)
        return Outcome("suppressed")
    if message.kind in services.REMINDER_KINDS:
        quiet_until = _in_quiet_hours(timezone.now())
        if quiet_until:
            _release(message, not_before=quiet_until, detail="Held until quiet hours end.")
            return Outcome("deferred")
    try:
        if message.channel == Channel.SMS:
            _send_sms(message)
        else:
            _send_email(message)
    except twilio_client.PermanentSmsError as refusal:
        _fail(message, code=str(refusal.code), detail=refusal.message)
        if refusal.code == 21610:  # Twilio's "unsubscribed recipient": the ledger agrees
            services.opt_out_set(phone=message.recipient, opted_out=True, keyword="21610")
        return Outcome("failed")
    except smtplib.SMTPRecipientsRefused as refusal:
        _fail(message, code="smtp", detail=str(refusal)[:200])
        return Outcome("failed")
    except (twilio_client.TransientSmsError, smtplib.SMTPException, OSError) as error:
        return _retry_later(message, error)
    return Outcome("sent")


def _rendered_sms(message: Message) -> tuple[str, str]:
    """The text as it goes out, and as it is kept (the link's secret masked)."""
    if texts.LINK_PLACEHOLDER not in message.body:
        return message.body, message.body
    url = links.witness_link_issue(message=message)
    return (
        message.body.replace(texts.LINK_PLACEHOLDER, url),
        message.body.replace(texts.LINK_PLACEHOLDER, links.masked(url)),
    )


def _status_callback(message: Message) -> str:
    return f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status/?message={message.pk}"


def _send_sms(message: Message) -> None:
    text, kept = _rendered_sms(message)
    if message.attempts > 1:
        # An earlier attempt may have reached Twilio though no answer came back (a timeout):
        # ask before sending the same text again.
        found = twilio_client.find_sent(to=message.recipient, body=text, since=message.created_at)
        if found is not None:
            _accepted(message, provider_id=found.sid, kept_body=kept)
            return
    sent = twilio_client.send_sms(
        to=message.recipient, body=text, status_callback=_status_callback(message)
    )
    _accepted(message, provider_id=sent.sid, kept_body=kept)


def _accepted(message: Message, *, provider_id: str, kept_body: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            provider_id=provider_id,
            sent_at=now,
            body=kept_body,
            updated_at=now,
            # A delivery receipt may already have moved it on; only a message still being sent
            # becomes "queued".
            status=Case(
                When(status=Status.SENDING, then=Value(Status.QUEUED)), default=F("status")
            ),
        )
        # Only the fields just written: the booking loaded with the message stays cached.
        message.refresh_from_db(fields=["provider_id", "sent_at", "body", "updated_at", "status"])
        services._record(message, f"{message.channel}_sent")


def _send_email(message: Message) -> None:
    booking = message.booking
    # A CANCELLATION email about a live booking goes to a suite the booking moved away from.
    cancelled = message.kind == Kind.CANCELLATION
    method, ics = invite_calendar(
        booking, audience=message.audience, attendee=message.recipient, cancelled=cancelled
    )
    summary, description = invite_text(booking, message.audience, cancelled=cancelled)
    email = EmailMultiAlternatives(
        subject=summary,
        body=description,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
    # The calendar part says its iTIP method, as RFC 6047 asks; clients act on it.
    email.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    email.attach("invite.ics", ics, "application/ics")
    email.send()
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENT, subject=summary[:200], body=description, sent_at=now, updated_at=now
    )
    message.refresh_from_db()
    services._record(message, "email_sent")


def _release(message: Message, *, not_before: datetime, detail: str) -> None:
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.PENDING,
        not_before=not_before,
        status_detail=detail,
        updated_at=timezone.now(),
    )


def _retry_later(message: Message, error: Exception) -> Outcome:
    if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
        _fail(message, code="gave_up", detail=f"No answer after {message.attempts} attempts.")
        return Outcome("failed")
    # Exponential backoff with jitter, from 15 s up to 15 min.
    delay = min(15 * 2 ** (message.attempts - 1), 900)
    delay = int(delay * random.uniform(0.8, 1.2))
    _release(
        message,
        not_before=timezone.now() + timedelta(seconds=delay),
        detail=f"Will retry: {str(error)[:150]}",
    )
    logger.info("Message %s: transient failure, retry in %ss", message.pk, delay)
    return Outcome("retrying", retry_in=delay)


def _fail(message: Message, *, code: str, detail: str) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=Status.FAILED,
            error_code=code[:10],
            status_detail=detail[:200],
            updated_at=timezone.now(),
        )
        message.refresh_from_db()
        services._record(message, f"{message.channel}_failed")
        services._flag_failure(message)


def message_recover(*, message_id: int) -> str:
    """A claim left by a worker that died. If Twilio already took the text, record that;
    otherwise put the message back to be sent."""
    message = _load(message_id)
    if message.status != Status.SENDING:
        return "not_stale"
    if message.channel == Channel.SMS and message.claimed_at:
        text, kept = _rendered_sms(message)
        try:
            found = twilio_client.find_sent(
                to=message.recipient, body=text, since=message.claimed_at
            )
        except (twilio_client.TransientSmsError, twilio_client.PermanentSmsError):
            return "unknown"  # ask again at the next sweep
        if found is not None:
            _accepted(message, provider_id=found.sid, kept_body=kept)
            return "was_sent"
    _release(message, not_before=timezone.now(), detail="Recovered after a worker stopped.")
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
