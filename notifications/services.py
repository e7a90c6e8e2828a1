"""What bookings ask of notifications (one call per event), and what the outside world tells
us back (delivery receipts, a witness's reply).

Messages are written to the outbox in the caller's transaction and handed to a worker only
after it commits: if the transaction rolls back, no message exists; if the broker is down when
it commits, the outbox sweep sends the message later. Nothing is lost either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bookings.events import witness_number
from bookings.models import Booking, BookingStatus, Witness
from core.clock import LONDON, local
from evidence_suites.models import Suite

from . import texts
from .models import (
    FAILED_STATUSES,
    STATUS_RANK,
    Audience,
    Channel,
    InboundSms,
    Kind,
    Message,
    SmsOptOut,
    Status,
)

logger = logging.getLogger(__name__)

REMINDER_KINDS = (Kind.REMINDER_AHEAD, Kind.REMINDER_ON_DAY)
OPTED_OUT = "The number replied STOP, so no texts are sent to it."


# --- Writing to the outbox -------------------------------------------------------------------


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def opted_out_numbers(phones: set[str]) -> set[str]:
    """The numbers among `phones` that have replied STOP (the opt-out ledger), in one query."""
    if not phones:
        return set()
    ledger = SmsOptOut.objects.filter(phone__in=phones, is_opted_out=True)
    return set(ledger.values_list("phone", flat=True))


def is_opted_out(phone: str) -> bool:
    return phone in opted_out_numbers({phone})


def _working_days_before(day, count: int):
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def reminder_times(booking: Booking) -> dict[str, datetime]:
    """When this booking's reminders are due: two working days before at 10:00, and on the
    morning of the hearing (defaults; settings), dropping any already past."""
    start = local(booking.starts_at)
    ahead_day = _working_days_before(start.date(), settings.REMINDER_AHEAD_WORKING_DAYS)
    due = {
        Kind.REMINDER_AHEAD: datetime.combine(
            ahead_day, _hhmm(settings.REMINDER_AHEAD_AT), tzinfo=LONDON
        ),
        Kind.REMINDER_ON_DAY: datetime.combine(
            start.date(), _hhmm(settings.REMINDER_ON_DAY_AT), tzinfo=LONDON
        ),
    }
    soon = timezone.now() + timedelta(minutes=5)
    return {kind: at for kind, at in due.items() if soon < at < booking.starts_at}


def _unsaved(
    booking: Booking,
    kind: str,
    channel: str,
    audience: str,
    recipient: str,
    not_before: datetime,
    *,
    body: str = "",
    suite: Suite | None = None,
) -> Message:
    """A message about the booking as the witness is to be told of it now (its notice version).
    `recipient` is where it would go today; the sender sends to the witness's or the suite's
    details as they are when it goes, and records that."""
    return Message(
        booking=booking,
        kind=kind,
        booking_version=booking.notice_version,
        channel=channel,
        audience=audience,
        recipient=recipient,
        body=body,
        not_before=not_before,
        suite=suite if audience == Audience.SUITE else None,
    )


def _planned(booking: Booking, news: dict[str, datetime]) -> list[Message]:
    """This version of the booking's news (each kind, not sent before its time), as unsaved
    messages: a text to the witness, and invites to the witness and the suite (not for
    reminders: the invite already holds the date)."""
    witness: Witness = booking.witness
    phone = witness_number(witness)  # formatted once: it is not free
    planned = []
    for kind, not_before in news.items():
        if phone:
            body = texts.sms_text(booking, kind).body
            planned.append(
                _unsaved(booking, kind, Channel.SMS, Audience.WITNESS, phone, not_before, body=body)
            )
        if kind in REMINDER_KINDS:
            continue
        for audience, address in (
            (Audience.WITNESS, witness.email),
            (Audience.SUITE, booking.suite.contact_email),
        ):
            if address:
                planned.append(
                    _unsaved(
                        booking,
                        kind,
                        Channel.EMAIL,
                        audience,
                        address,
                        not_before,
                        suite=booking.suite,
                    )
                )
    return planned


def _written(booking: Booking, planned: list[Message]) -> list[Message]:
    """Write one event's messages in a fixed number of statements, however many there are: one
    read of those already written for this booking version, one look at the opt-out ledger
    (only when a text is due), one INSERT. Asked twice for the same version, the messages
    written the first time are returned as they are, not written again (the outbox holds one
    per booking version, kind, channel and audience). Nobody else writes for this version in
    between: the transaction that made it (the booking's INSERT or version bump) holds the
    booking's row until it commits."""
    if not planned:
        return []

    def key(message: Message) -> tuple[str, str, str]:
        return message.kind, message.channel, message.audience

    already = Message.objects.filter(
        booking=booking,
        booking_version=booking.notice_version,
        kind__in={message.kind for message in planned},
    )
    existing = {key(message): message for message in already}
    messages = [existing.get(key(message), message) for message in planned]
    texts_due = [m for m in messages if m.channel == Channel.SMS and m.status == Status.PENDING]
    # All of them to the witness's number: one look at the ledger.
    if texts_due and (booking.witness.sms_opt_out or is_opted_out(texts_due[0].recipient)):
        for message in texts_due:
            message.status, message.status_detail = Status.SUPPRESSED, OPTED_OUT
        if earlier := [message.pk for message in texts_due if message.pk]:  # asked again
            Message.objects.filter(pk__in=earlier).update(
                status=Status.SUPPRESSED, status_detail=OPTED_OUT, updated_at=timezone.now()
            )
    Message.objects.bulk_create([message for message in messages if message.pk is None])
    return messages


def _withdrawable(messages):
    """Of these waiting messages, those that can be withdrawn here and now: not a text that has
    been tried before, which Twilio may have taken though its answer was lost. Those stay for
    the sender, which asks Twilio before it records one as not sent."""
    return messages.filter(status=Status.PENDING).exclude(channel=Channel.SMS, attempts__gt=0)


def _withdraw_pending(booking: Booking, reason: str) -> None:
    """News about an earlier notice version that has not gone yet will not go (a reminder for
    the old time, a confirmation overtaken by a change). A CANCEL is never withdrawn: the suite
    a booking left must hear of it however quickly the booking moves on again (its SEQUENCE
    is its own version's, so one arriving late cannot undo a newer invite)."""
    _withdrawable(
        Message.objects.filter(booking=booking, booking_version__lt=booking.notice_version)
    ).exclude(kind=Kind.CANCELLATION).update(
        status=Status.SUPPRESSED, status_detail=reason, updated_at=timezone.now()
    )


def _suppress(message: Message, reason: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        status=Status.SUPPRESSED, status_detail=reason, updated_at=timezone.now()
    )
    message.status, message.status_detail = Status.SUPPRESSED, reason


def _dispatch_after_commit(messages: list[Message]) -> None:
    due_now = [
        m.pk for m in messages if m.status == Status.PENDING and m.not_before <= timezone.now()
    ]
    if due_now:
        transaction.on_commit(lambda: enqueue(due_now))


def enqueue(message_ids: list[int]) -> None:
    """Hand messages to the workers. A broker that is down loses nothing: the rows stay
    pending and the outbox sweep hands them over when it is back."""
    from .tasks import SEND_BATCH, send_messages

    for start in range(0, len(message_ids), SEND_BATCH):
        batch = message_ids[start : start + SEND_BATCH]
        try:
            send_messages.delay(batch)
        except Exception:  # the broker's errors vary by transport; all mean "later"
            logger.warning(
                "Broker unavailable; %s messages left for the outbox sweep",
                len(message_ids) - start,
            )
            return


def _wanted(booking: Booking) -> bool:
    # A booking whose time has passed (demo data, back-recorded bookings) is nobody's news.
    return booking.ends_at > timezone.now()


def booking_confirmed(*, booking: Booking) -> list[Message]:
    """A new booking: the witness is texted (and emailed an invite where they have an email,
    as is the suite), and reminders are scheduled."""
    if not _wanted(booking):
        return []
    news = {Kind.CONFIRMATION: timezone.now(), **reminder_times(booking)}
    messages = _written(booking, _planned(booking, news))
    _dispatch_after_commit(messages)
    return messages


def booking_changed(*, booking: Booking, previous_suite: Suite | None = None) -> list[Message]:
    """The booking moved (time or suite): tell the witness, update the invites, and replace the
    reminders for the old time. A suite the booking left gets a CANCEL for it, so its room is
    not set up for nobody."""
    _withdraw_pending(booking, "Overtaken by a later change to the booking.")
    if not _wanted(booking):
        return []
    planned = _planned(booking, {Kind.CHANGE: timezone.now(), **reminder_times(booking)})
    left_behind = previous_suite.contact_email if previous_suite else ""
    if left_behind and left_behind != booking.suite.contact_email:
        planned.append(
            _unsaved(
                booking,
                Kind.CANCELLATION,
                Channel.EMAIL,
                Audience.SUITE,
                left_behind,
                timezone.now(),
                suite=previous_suite,
            )
        )
    messages = _written(booking, planned)
    _dispatch_after_commit(messages)
    return messages


def booking_cancelled(*, booking: Booking) -> list[Message]:
    """Stand the witness down: a text, and CANCEL invites so calendars drop the event. Nothing
    else still waiting about this booking (reminders included) will be sent; CANCELs already
    waiting (for suites it moved away from) still go."""
    _withdrawable(Message.objects.filter(booking=booking)).exclude(kind=Kind.CANCELLATION).update(
        status=Status.SUPPRESSED,
        status_detail="The booking was cancelled.",
        updated_at=timezone.now(),
    )
    if not _wanted(booking):
        return []
    messages = _written(booking, _planned(booking, {Kind.CANCELLATION: timezone.now()}))
    _dispatch_after_commit(messages)
    return messages


#: The news of a booking's time and place (reminders repeat it; they are not news).
NEWS_KINDS = (Kind.CONFIRMATION, Kind.CHANGE)
#: A message in one of these reached the provider or the mail server, which took it.
REACHED_STATUSES = (Status.QUEUED, Status.SENT, Status.DELIVERED)


def witness_contact_changed(*, witness: Witness, channels: set[str]) -> list[Message]:
    """A witness's number (`sms`) or email address (`email`) changed. What is still waiting
    goes to the new one (the sender reads it when it sends). For each booking still ahead whose
    latest news (its confirmation or its latest change) already went elsewhere, or never went
    for want of a number, that news is written again for the new one, once: the witness hears
    where to be at the number or address they have now."""
    if not channels:
        return []
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(
            witness=witness, status=BookingStatus.CONFIRMED, ends_at__gt=now
        ).select_related("suite", "hearing__court", "witness")
    )
    if not bookings:
        return []
    news: dict[tuple[int, str], list[Message]] = {}
    for message in Message.objects.filter(
        booking__in=bookings, kind__in=NEWS_KINDS, audience=Audience.WITNESS, channel__in=channels
    ):
        news.setdefault((message.booking_id, message.channel), []).append(message)
    addresses = {
        Channel.SMS: witness_number(witness),
        Channel.EMAIL: witness.email,
    }
    planned = []
    for booking in bookings:
        for channel in channels:
            address = addresses[channel]
            told = [
                m
                for m in news.get((booking.pk, channel), [])
                if m.booking_version == booking.notice_version
            ]
            if not address or any(m.status in (Status.PENDING, Status.SENDING) for m in told):
                continue  # nowhere to send it, or it has yet to go (and goes to `address`)
            if any(m.recipient == address and m.status in REACHED_STATUSES for m in told):
                continue  # this number or address has it already
            kind = told[0].kind if told else Kind.CONFIRMATION
            body = texts.sms_text(booking, kind).body if channel == Channel.SMS else ""
            message = _unsaved(booking, kind, channel, Audience.WITNESS, address, now, body=body)
            message.copy = max((m.copy for m in told), default=-1) + 1
            planned.append(message)
    if not planned:
        return []
    opted_out = addresses[Channel.SMS] and (
        witness.sms_opt_out or is_opted_out(addresses[Channel.SMS])
    )
    for message in planned:
        if message.channel == Channel.SMS and opted_out:
            message.status, message.status_detail = Status.SUPPRESSED, OPTED_OUT
    Message.objects.bulk_create(planned)
    _dispatch_after_commit(planned)
    return planned


# --- What Twilio tells us --------------------------------------------------------------------

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
    _record(message, f"sms_{status}")
    if status in FAILED_STATUSES:
        _flag_failure(message)
    return message


def _record(message: Message, action: str) -> None:
    _event(message, action).save(force_insert=True)


def _event(message: Message, action: str):
    """The booking's history entry for what happened to one of its messages (not saved)."""
    from bookings.services import booking_event_build

    changes = {"message": (None, f"{message.get_kind_display()} ({message.get_channel_display()})")}
    if message.error_code:
        changes["error_code"] = (None, message.error_code)
    return booking_event_build(
        booking=message.booking, action=action, actor_label="system", changes=changes
    )


def _flag_failure(message: Message) -> None:
    """Every message that will not arrive puts its booking on the attention list: somebody
    must tell the witness, or the suite, another way."""
    from bookings.services import attention_flag_raise

    to = "" if message.audience == Audience.WITNESS else " to the suite"
    attention_flag_raise(
        booking=message.booking,
        kind="message_failed",
        detail=f"{message.get_kind_display()} {message.get_channel_display()}{to} could not be "
        f"delivered{f' (error {message.error_code})' if message.error_code else ''}.",
        data={"message": message.pk, "error_code": message.error_code},
    )


# --- What witnesses text us ------------------------------------------------------------------

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
YES_WORDS = {"YES", "Y"}
NO_WORDS = {"NO", "N"}


def opt_out_set(*, phone: str, opted_out: bool, keyword: str) -> None:
    SmsOptOut.objects.update_or_create(
        phone=phone,
        defaults={"is_opted_out": opted_out, "keyword": keyword, "changed_at": timezone.now()},
    )
    Witness.objects.filter(phone=phone).update(sms_opt_out=opted_out, updated_at=timezone.now())
    if opted_out:
        # Texts go to the witness's number as it is when they are sent: those waiting for
        # every witness who has this number now.
        _withdrawable(
            Message.objects.filter(channel=Channel.SMS, booking__witness__phone=phone)
        ).update(
            status=Status.SUPPRESSED,
            status_detail=OPTED_OUT,
            updated_at=timezone.now(),
        )


def _next_booking(phone: str) -> Booking | None:
    return (
        Booking.objects.filter(
            witness__phone=phone, status=BookingStatus.CONFIRMED, ends_at__gt=timezone.now()
        )
        .select_related("suite", "hearing__court", "witness")
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def inbound_sms_handle(*, provider_id: str, from_number: str, body: str) -> str | None:
    """A witness texted us. Returns the reply to send, if any (each inbound text gets at most
    one reply; a repeated webhook for the same text gets none)."""
    from bookings import services as booking_services

    inbound, created = InboundSms.objects.get_or_create(
        provider_id=provider_id,
        defaults={
            "from_number": from_number,
            "body": body[:1600],
            "received_at": timezone.now(),
            "handled_as": "received",
        },
    )
    if not created:
        return None
    words = body.strip().upper().split()
    word = words[0].strip(".!") if words else ""
    booking = _next_booking(from_number)
    facts = texts.booking_facts(booking) if booking else {}
    handled_as, reply = "not_understood", texts.reply_text("not_understood", **facts)
    if word in OPT_OUT_WORDS:
        opt_out_set(phone=from_number, opted_out=True, keyword=word)
        handled_as, reply = "opted_out", None  # the carrier and Twilio confirm STOP themselves
    elif word in OPT_IN_WORDS:
        opt_out_set(phone=from_number, opted_out=False, keyword=word)
        handled_as, reply = "opted_in", None
    elif word in HELP_WORDS:
        handled_as, reply = "help", texts.reply_text("help", **facts)
    elif word in YES_WORDS or word in NO_WORDS:
        if booking is None:
            handled_as, reply = "no_booking", texts.reply_text("no_booking")
        elif word in YES_WORDS:
            booking_services.booking_witness_confirm(booking=booking, channel="SMS")
            handled_as, reply = "confirmed", texts.reply_text("confirmed", **facts)
        else:
            booking_services.booking_witness_cannot_attend(booking=booking, channel="SMS")
            handled_as, reply = "cannot_attend", texts.reply_text("cannot_attend", **facts)
    InboundSms.objects.filter(pk=inbound.pk).update(handled_as=handled_as, booking=booking)
    return reply


def witness_messages_anonymise(
    *,
    witness_id: int,
    phone: str,
    email: str,
    scrub: Callable[[str], str] = lambda text: text,
    dry_run: bool = False,
) -> dict[str, int]:
    """Retention (bookings.retention, docs/privacy.md): the addresses a witness's messages
    went to, the provider's error text about them (it can quote the number, in any form),
    anything of theirs in what was sent (`scrub`: their name, number, email and the invites'
    "initials ..." phrase), their inbound texts and their page links go; the messages' kinds,
    statuses, error codes and times stay for the delivery figures. The opt-out ledger keeps the
    number: a STOP must be honoured for as long as we text. Returns how many of each changed
    (or, with `dry_run`, would)."""
    from .models import WitnessLink

    anonymised = "(anonymised)"
    changed_messages = 0
    messages = Message.objects.filter(booking__witness_id=witness_id).only(
        "pk", "channel", "audience", "recipient", "subject", "body", "status_detail"
    )
    for message in messages:
        theirs = message.channel == Channel.SMS or message.audience == Audience.WITNESS
        values = {"subject": scrub(message.subject), "body": scrub(message.body)}
        if theirs:
            values["recipient"] = anonymised
            values["status_detail"] = anonymised if message.status_detail else ""
        else:  # a suite's invite: the suite's own address and errors are not personal
            values["status_detail"] = scrub(message.status_detail)
        values = {name: value for name, value in values.items() if getattr(message, name) != value}
        if values:
            changed_messages += 1
            if not dry_run:
                Message.objects.filter(pk=message.pk).update(**values)
    inbound = InboundSms.objects.filter(booking__witness_id=witness_id)
    if phone:
        inbound = inbound | InboundSms.objects.filter(from_number=phone)
    inbound = inbound.exclude(from_number=anonymised, body=anonymised)
    links = WitnessLink.objects.filter(booking__witness_id=witness_id)
    counts = {
        "messages": changed_messages,
        "inbound_texts": inbound.count(),
        "witness_links": links.count(),
    }
    if not dry_run:
        inbound.update(from_number=anonymised, body=anonymised)
        links.delete()
    return counts
