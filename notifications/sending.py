"""Delivering outbox messages: claim them, check each is still wanted, hand it to Twilio or
the mail server, and record what happened. Safe to run twice for the same message: only one
run can claim it, and a claim left by a crashed worker is recovered by asking Twilio whether
the message went out before sending it again.

Messages go in batches (a collapsed court list stands down hundreds of witnesses at once): one
claim for the batch, renewed as it goes, and the texts Twilio took are recorded together every
few sends. Each message is read afresh immediately before it goes (its claim, its booking, the
witness's current number and the opt-out ledger), so what changed while the batch waited is
honoured. A worker that stops half-way leaves its unrecorded texts claimed, and recovery finds
them at Twilio rather than sending them twice."""

from __future__ import annotations

import logging
import random
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from bookings.models import BookingEvent, BookingStatus
from core.clock import LONDON, local

from . import links, services, texts, twilio_client
from .calendar import invite_calendar, invite_text
from .models import Audience, Channel, Kind, Message, SmsOptOut, Status

logger = logging.getLogger(__name__)

#: A worker renews the claims of the batch it is working through at least this often...
CLAIM_RENEW_EVERY = timedelta(seconds=10)
#: ...so a claim not renewed for this long belongs to a worker that stopped mid-send. The
#: system check `notifications.E001` keeps it longer than a renewal gap plus the slowest send
#: the timeouts allow, so the sweep never takes a claim from a live worker.
STALE_CLAIM = timedelta(minutes=2)
SWEEP_BATCH = 500
#: Texts Twilio took are recorded (one transaction) after this many, and at the end of a batch.
RECORD_EVERY = 25


@dataclass(frozen=True)
class Outcome:
    result: str
    retry_in: int | None = None  # seconds, for a failure that will be retried
    transient: bool = False  # the provider or the mail server failed, not the message


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


def _recipient(message: Message) -> str:
    """Where the message goes now: the witness's current number or address, or the current
    address of the suite the invite is for."""
    witness = message.booking.witness
    if message.channel == Channel.SMS:
        return services.witness_number(witness)
    if message.audience == Audience.WITNESS:
        return witness.email
    return (message.suite or message.booking.suite).contact_email


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
            recipient=_recipient(message),
            status__in=services.REACHED_STATUSES,
        )
        .exclude(pk=message.pk)
        .exists()
    )


def _unwanted(message: Message) -> str | None:
    """Why a claimed message must not go now, judged on the state read just before sending."""
    booking = message.booking
    if message.kind != Kind.CANCELLATION:
        if booking.status == BookingStatus.CANCELLED:
            return "The booking was cancelled."
        if booking.notice_version != message.booking_version:
            return "Overtaken by a later change to the booking."
    elif (
        message.audience == Audience.SUITE
        and message.suite_id == booking.suite_id
        and message.booking_version < booking.notice_version
    ):
        return "The booking came back to this suite: its newer invite stands."
    if message.kind in services.REMINDER_KINDS and booking.status != BookingStatus.CONFIRMED:
        return "The witness has already arrived or the booking has ended."
    if message.channel == Channel.SMS:
        if not booking.witness.phone:
            return "The witness has no mobile number now."
        if booking.witness.sms_opt_out or message.opted_out:
            return services.OPTED_OUT
    elif not _recipient(message):
        return "There is no email address to send it to now."
    if message.copy and _already_there(message):
        return "The witness's number or address has had this news already."
    return None


def _claim(message_ids: list[int], token: str = "") -> list[int]:
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


class _Lease:
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


def _loaded():
    return Message.objects.select_related(
        "booking__suite", "booking__witness", "booking__hearing__court", "suite"
    ).annotate(opted_out=_opted_out())


#: What can change while a batch waits, read again just before each message goes.
_FRESH = (
    "booking__status",
    "booking__notice_version",
    "booking__witness__phone",
    "booking__witness__email",
    "booking__witness__sms_opt_out",
    "booking__suite__contact_email",
    "suite__contact_email",
)


def _load(message_id: int) -> Message:
    return _loaded().get(pk=message_id)


def _held(message: Message, token: str) -> Message | None:
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
    if (fresh["booking__status"], fresh["booking__notice_version"]) != (
        booking.status,
        booking.notice_version,
    ):
        return _loaded().filter(pk=message.pk).first()
    witness.phone = fresh["booking__witness__phone"]
    witness.email = fresh["booking__witness__email"]
    witness.sms_opt_out = fresh["booking__witness__sms_opt_out"]
    booking.suite.contact_email = fresh["booking__suite__contact_email"]
    if message.suite is not None:
        message.suite.contact_email = fresh["suite__contact_email"]
    message.opted_out = fresh["opted_out"]
    return message


def message_send(*, message_id: int) -> Outcome:
    """Send one outbox message, if it is due, unclaimed and still wanted."""
    return messages_send(message_ids=[message_id])[message_id]


def messages_send(*, message_ids: list[int]) -> dict[int, Outcome]:
    """Send these outbox messages, each if it is due, unclaimed and still wanted, in order.

    When Twilio fails for one text (down, timing out, asking us to back off), the batch's
    remaining texts are not tried: they are put back to be retried with it, so an outage costs
    one timeout per batch rather than one per text. Anything else that goes wrong with one
    message stays with that message: it is retried, up to MESSAGE_MAX_ATTEMPTS in all, then
    failed and flagged, and the rest of the batch goes on."""
    outcomes = {message_id: Outcome("not_claimed") for message_id in message_ids}
    token = secrets.token_hex(16)
    claimed = _claim(message_ids, token)
    if not claimed:
        return outcomes
    lease = _Lease(token, claimed)
    loaded = _loaded().in_bulk(claimed)
    taken: list[tuple[Message, str, str]] = []  # texts Twilio took, not yet recorded
    twilio_down: Outcome | None = None
    try:
        for message_id in claimed:
            lease.renew_if_due()
            message = _held(loaded[message_id], token)
            if message is None:  # recovered by the sweep: no longer this run's to send
                outcomes[message_id] = Outcome("claim_lost")
                continue
            if twilio_down is not None and message.channel == Channel.SMS:
                outcomes[message_id] = _put_back(message, twilio_down)
                continue
            try:
                outcome, sent = _deliver(message)
            except Exception as error:  # a fault of this message's, not the batch's
                logger.exception("Message %s could not be sent", message.pk)
                outcome, sent = _retry_later(message, error), None
            outcomes[message_id] = outcome
            if sent is not None:
                taken.append(sent)
            if outcome.transient and message.channel == Channel.SMS:
                twilio_down = outcome
            if len(taken) >= RECORD_EVERY:
                _record_accepted(taken)
                taken = []
    finally:
        # Even when something unexpected stops the batch: what Twilio took is recorded now,
        # not left for the sweep to ask about.
        if taken:
            _record_accepted(taken)
    return outcomes


def _deliver(message: Message) -> tuple[Outcome, tuple[Message, str, str] | None]:
    """One claimed message: suppressed, held, sent or failed. A text Twilio took comes back
    with its provider id and kept body, to be recorded with others."""
    reason = _unwanted(message)
    if reason:
        if message.channel == Channel.SMS and message.attempts > 1:
            # An earlier attempt may have reached Twilio though its answer was lost: then it
            # went, and the record must say so rather than "not sent".
            text, kept = _rendered_sms(message)
            try:
                found = _earlier_attempt_at_twilio(message, text)
            except twilio_client.TransientSmsError as error:
                return _retry_later(message, error, transient=True), None
            if found is not None:
                return Outcome("sent"), (message, found.sid, kept)
        services._suppress(message, reason)
        return Outcome("suppressed"), None
    if message.kind in services.REMINDER_KINDS:
        quiet_until = _in_quiet_hours(timezone.now())
        if quiet_until:
            _release(
                message, not_before=quiet_until, detail="Held until quiet hours end.", tried=False
            )
            return Outcome("deferred"), None
    try:
        if message.channel == Channel.SMS:
            provider_id, kept = _send_sms(message)
            return Outcome("sent"), (message, provider_id, kept)
        _send_email(message)
    except twilio_client.PermanentSmsError as refusal:
        _fail(message, code=str(refusal.code), detail=refusal.message)
        if refusal.code == 21610:  # Twilio's "unsubscribed recipient": the ledger agrees
            services.opt_out_set(phone=message.recipient, opted_out=True, keyword="21610")
        return Outcome("failed"), None
    except smtplib.SMTPRecipientsRefused as refusal:
        _fail(message, code="smtp", detail=str(refusal)[:200])
        return Outcome("failed"), None
    except (twilio_client.TransientSmsError, smtplib.SMTPException, OSError) as error:
        return _retry_later(message, error, transient=True), None
    return Outcome("sent"), None


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


def _addressed(message: Message) -> str:
    """Record, before trying, where this attempt goes (the current number or address): a
    recovery after a crash asks Twilio about that number, and staff see where it went."""
    recipient = _recipient(message)
    if recipient != message.recipient:
        Message.objects.filter(pk=message.pk).update(recipient=recipient)
        message.recipient = recipient
    return recipient


def _earlier_attempt_at_twilio(message: Message, text: str):
    """The text Twilio took on an earlier attempt whose answer never came back (a timeout, a
    worker that stopped), if any: asked about the number that attempt went to (`recipient`
    is recorded before each attempt), since the message was written."""
    return twilio_client.find_sent(to=message.recipient, body=text, since=message.created_at)


def _send_sms(message: Message) -> tuple[str, str]:
    """Hand the text to Twilio; its message SID and the body as it is kept."""
    text, kept = _rendered_sms(message)
    if message.attempts > 1:
        found = _earlier_attempt_at_twilio(message, text)
        if found is not None:
            return found.sid, kept
    to = _addressed(message)
    sent = twilio_client.send_sms(to=to, body=text, status_callback=_status_callback(message))
    return sent.sid, kept


def _accepted(message: Message, *, provider_id: str, kept_body: str) -> None:
    _record_accepted([(message, provider_id, kept_body)])


def _record_accepted(taken: list[tuple[Message, str, str]]) -> None:
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
            [services._event(message, f"{message.channel}_sent") for message in messages]
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
        if message.kind in services.NEWS_KINDS and message.recipient != _recipient(message)
    }:
        services.witness_contact_changed(witness=witness, channels={Channel.SMS})


def _send_email(message: Message) -> None:
    booking = message.booking
    # A CANCELLATION email about a live booking goes to a suite the booking moved away from.
    cancelled = message.kind == Kind.CANCELLATION
    to = _addressed(message)
    suite = message.suite if message.audience == Audience.SUITE else None
    method, ics = invite_calendar(
        booking,
        audience=message.audience,
        attendee=to,
        cancelled=cancelled,
        sequence=message.booking_version,
        suite=suite,
    )
    summary, description = invite_text(booking, message.audience, cancelled=cancelled, suite=suite)
    email = EmailMultiAlternatives(
        # A header is one line, whatever the names in it hold.
        subject=" ".join(summary.split()),
        body=description,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
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


def _release(
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


def _put_back(message: Message, like: Outcome) -> Outcome:
    """A text not tried because Twilio failed for an earlier one in its batch: back to pending,
    due when that one is retried, and not counted as an attempt."""
    _release(
        message,
        not_before=timezone.now() + timedelta(seconds=like.retry_in),
        detail="Will retry: Twilio failed for an earlier text.",
        tried=False,
    )
    return Outcome("retrying", retry_in=like.retry_in)


def _retry_later(message: Message, error: Exception, *, transient: bool = False) -> Outcome:
    """Try again later, with backoff; after MESSAGE_MAX_ATTEMPTS, failed and flagged."""
    if _gave_up(message):
        return Outcome("failed")
    # Exponential backoff with jitter, from 15 s up to 15 min.
    delay = min(15 * 2 ** (message.attempts - 1), 900)
    delay = int(delay * random.uniform(0.8, 1.2))
    # The error's own words only for the provider's and mail server's errors; anything else
    # is our fault, and its text may hold a name or a number.
    why = str(error)[:150] if transient else f"an error in this service ({type(error).__name__})"
    _release(
        message, not_before=timezone.now() + timedelta(seconds=delay), detail=f"Will retry: {why}"
    )
    logger.info("Message %s: not sent, retry in %ss", message.pk, delay)
    return Outcome("retrying", retry_in=delay, transient=transient)


def _gave_up(message: Message) -> bool:
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
        services._record(message, f"{message.channel}_failed")
        services._flag_failure(message)


def message_recover(*, message_id: int) -> str:
    """A claim left by a worker that stopped. If Twilio already took the text (at the number
    the attempt went to), record that; otherwise put the message back to be sent, or, once it
    has had all its attempts, fail it and flag the booking."""
    message = _load(message_id)
    if message.status != Status.SENDING or timezone.now() - message.claimed_at < STALE_CLAIM:
        return "not_stale"
    if message.channel == Channel.SMS and message.recipient:
        text, kept = _rendered_sms(message)
        try:
            found = _earlier_attempt_at_twilio(message, text)
        except (twilio_client.TransientSmsError, twilio_client.PermanentSmsError):
            return "unknown"  # ask again at the next sweep
        if found is not None:
            _accepted(message, provider_id=found.sid, kept_body=kept)
            return "was_sent"
    if _gave_up(message):
        return "failed"
    _release(
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
