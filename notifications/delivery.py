"""One claimed message, read afresh: not sent (no longer wanted), held (quiet hours), handed to
Twilio or the mail server, or failed; and what follows when it does not go this time: tried
again later with backoff, or, after MESSAGE_MAX_ATTEMPTS, failed and its booking flagged."""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bookings.models import HistoryAction

from . import invites, sms, twilio_client
from .history import message_failure_flag, message_record
from .models import REMINDER_KINDS, Channel, Message, Status
from .opt_outs import opt_out_set
from .schedule import quiet_hours_end
from .wanted import unwanted
from .withdrawal import message_suppress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """What became of one message in one run: sent, suppressed, deferred (quiet hours),
    retrying or failed; or not claimed, or its claim lost, when it was not this run's."""

    result: str
    retry_in: int | None = None  # seconds, for a failure that will be retried
    transient: bool = False  # the provider or the mail server failed, not the message


def deliver(message: Message) -> tuple[RunResult, sms.Taken | None]:
    """One claimed message: suppressed, held, sent or failed. A text Twilio took comes back
    with its provider id and kept body, to be recorded with others."""
    reason = unwanted(message)
    if reason:
        if message.channel == Channel.SMS and message.attempts > 1:
            # An earlier attempt may have reached Twilio though its answer was lost: then it
            # went, and the record must say so rather than "not sent".
            try:
                taken = sms.taken_earlier(message)
            except twilio_client.TransientSmsError as error:
                return retry_later(message, error, transient=True), None
            if taken is not None:
                return RunResult("sent"), taken
        message_suppress(message, reason)
        return RunResult("suppressed"), None
    if message.kind in REMINDER_KINDS:
        quiet_until = quiet_hours_end(timezone.now())
        if quiet_until:
            release(
                message, not_before=quiet_until, detail="Held until quiet hours end.", tried=False
            )
            return RunResult("deferred"), None
    try:
        if message.channel == Channel.SMS:
            provider_id, kept = sms.send(message)
            return RunResult("sent"), (message, provider_id, kept)
        invites.send(message)
    except twilio_client.PermanentSmsError as refusal:
        _fail(message, code=str(refusal.code), detail=refusal.message)
        if refusal.code == 21610:  # Twilio's "unsubscribed recipient": the ledger agrees
            opt_out_set(phone=message.recipient, opted_out=True, keyword="21610")
        return RunResult("failed"), None
    except smtplib.SMTPRecipientsRefused as refusal:
        _fail(message, code="smtp", detail=str(refusal)[:200])
        return RunResult("failed"), None
    except (twilio_client.TransientSmsError, smtplib.SMTPException, OSError) as error:
        return retry_later(message, error, transient=True), None
    return RunResult("sent"), None


def release(
    message: Message, *, not_before: datetime, detail: str, tried: bool = True, token: str = ""
) -> None:
    """Back to pending, due at `not_before`; not counted as an attempt unless it was `tried`.
    With `token`, only while that claim still holds it."""
    held = Message.objects.filter(pk=message.pk, status=Status.SENDING)
    if token:
        held = held.filter(claim_token=token)
    held.update(
        status=Status.PENDING,
        not_before=not_before,
        status_detail=detail,
        claim_token="",
        attempts=F("attempts") if tried else F("attempts") - 1,
        updated_at=timezone.now(),
    )


def put_back(message: Message, like: RunResult) -> RunResult:
    """A text not tried because Twilio failed for an earlier one in its batch: back to pending,
    due when that one is retried, and not counted as an attempt."""
    release(
        message,
        not_before=timezone.now() + timedelta(seconds=like.retry_in),
        detail="Will retry: Twilio failed for an earlier text.",
        tried=False,
    )
    return RunResult("retrying", retry_in=like.retry_in)


def retry_later(message: Message, error: Exception, *, transient: bool = False) -> RunResult:
    """Try again later, with backoff; after MESSAGE_MAX_ATTEMPTS, failed and flagged."""
    if gave_up(message):
        return RunResult("failed")
    # Exponential backoff with jitter, from 15 s up to 15 min.
    delay = min(15 * 2 ** (message.attempts - 1), 900)
    delay = int(delay * random.uniform(0.8, 1.2))
    # The error's own words only for the provider's and mail server's errors; anything else
    # is our fault, and its text may hold a name or a number.
    why = str(error)[:150] if transient else f"an error in this service ({type(error).__name__})"
    release(
        message, not_before=timezone.now() + timedelta(seconds=delay), detail=f"Will retry: {why}"
    )
    logger.info("Message %s: not sent, retry in %ss", message.pk, delay)
    return RunResult("retrying", retry_in=delay, transient=transient)


def gave_up(message: Message) -> bool:
    """After MESSAGE_MAX_ATTEMPTS, the message is failed and its booking flagged."""
    if message.attempts < settings.MESSAGE_MAX_ATTEMPTS:
        return False
    _fail(message, code="gave_up", detail=f"Not sent after {message.attempts} attempts.")
    return True


def _fail(message: Message, *, code: str, detail: str) -> None:
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=Status.FAILED,
            claim_token="",
            error_code=code[:10],
            status_detail=detail[:200],
            updated_at=timezone.now(),
        )
        message.refresh_from_db()
        message_record(message, HistoryAction(f"{message.channel}_failed"))
        message_failure_flag(message)
