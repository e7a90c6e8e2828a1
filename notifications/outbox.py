"""What bookings ask of notifications (one call per event): the texts, invites and reminders
each version of a booking means, written to the outbox.

Messages are written to the outbox in the caller's transaction and handed to a worker only
after it commits: if the transaction rolls back, no message exists; if the broker is down when
it commits, the outbox sweep sends the message later. Nothing is lost either way.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from bookings.models import OPEN_STATUSES, Booking, BookingStatus, Witness
from evidence_suites.models import Suite

from . import texts
from .models import (
    NEWS_KINDS,
    REACHED_STATUSES,
    REMINDER_KINDS,
    Audience,
    Channel,
    Kind,
    Message,
    Status,
)
from .opt_outs import OPTED_OUT, said_stop
from .schedule import reminder_times
from .withdrawal import suppress, withdraw

logger = logging.getLogger(__name__)


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
    """A message about the booking as the witness is to be told of it now (its notice version),
    with the court's link as it is now (its link version). `recipient` is where it would go
    today; the sender sends to the witness's or the suite's details as they are when it goes,
    and records that."""
    return Message(
        booking=booking,
        kind=kind,
        booking_version=booking.notice_version,
        link_version=booking.link_version,
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
    phone = witness.sms_number  # formatted once: it is not free
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


def _held_back_for_stop(messages: list[Message]) -> None:
    """Texts to a number that said STOP are written "not sent", never handed to a worker."""
    for message in messages:
        message.status, message.status_detail = Status.SUPPRESSED, OPTED_OUT


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

    def key(message: Message) -> tuple[str, str, str, int]:
        return message.kind, message.channel, message.audience, message.link_version

    already = Message.objects.filter(
        booking=booking,
        booking_version=booking.notice_version,
        kind__in={message.kind for message in planned},
    )
    existing = {key(message): message for message in already}
    messages = [existing.get(key(message), message) for message in planned]
    texts_due = [m for m in messages if m.channel == Channel.SMS and m.status == Status.PENDING]
    # All of them to the witness's number: one look at the ledger.
    if texts_due and said_stop(booking.witness, texts_due[0].recipient):
        _held_back_for_stop(texts_due)
        if earlier := [message.pk for message in texts_due if message.pk]:  # asked again
            suppress(Message.objects.filter(pk__in=earlier), OPTED_OUT)
    Message.objects.bulk_create([message for message in messages if message.pk is None])
    return messages


class _DueAtCommit:
    """Messages an event made due, to be handed to the workers when the transaction commits.

    Every event registers one of these with `on_commit`; the first of a transaction's to run
    hands over what all of them hold, texts first and in their own tasks of SEND_BATCH (no text
    waits behind an invite's calendar and email), then the invites; the rest find nothing left.
    A court list that stands 120 bookings down in one transaction is five tasks of texts, not
    120 tasks of a text and its invites. Ids from a savepoint that rolled back may be handed
    over with the rest: their rows do not exist, so no worker can claim them."""

    def __init__(self, messages: list[Message], now: datetime, waiting: list[_DueAtCommit]):
        self.texts = [m.pk for m in messages if m.channel == Channel.SMS and self._due(m, now)]
        self.emails = [m.pk for m in messages if m.channel != Channel.SMS and self._due(m, now)]
        self.waiting = waiting  # this connection's, shared by its transaction's events

    @staticmethod
    def _due(message: Message, now: datetime) -> bool:
        return message.status == Status.PENDING and message.not_before <= now

    def __bool__(self) -> bool:
        return bool(self.texts or self.emails)

    def __call__(self) -> None:
        together = [self, *(due for due in self.waiting if due is not self)]
        self.waiting.clear()
        enqueue([pk for due in together for pk in due.texts])
        enqueue([pk for due in together for pk in due.emails])
        for due in together:
            due.texts, due.emails = [], []


def _dispatch_after_commit(messages: list[Message]) -> None:
    """Hand the messages due now to the workers once the caller's transaction commits (at once
    outside one), together with the rest of that transaction's (`_DueAtCommit`)."""
    connection = transaction.get_connection()
    waiting = connection.__dict__.setdefault("outbox_due_at_commit", [])
    registered = {id(func) for _, func, _ in connection.run_on_commit}
    # What a rolled-back transaction left behind is not handed over with the next one's.
    waiting[:] = [due for due in waiting if id(due) in registered]
    due = _DueAtCommit(messages, timezone.now(), waiting)
    if due:
        if connection.in_atomic_block:
            waiting.append(due)
        transaction.on_commit(due)


def _to_outbox(booking: Booking, planned: list[Message]) -> list[Message]:
    """Write the messages; those due now go to the workers once the caller's transaction
    commits."""
    messages = _written(booking, planned)
    _dispatch_after_commit(messages)
    return messages


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
    return _to_outbox(booking, _planned(booking, news))


def booking_changed(*, booking: Booking, previous_suite: Suite | None = None) -> list[Message]:
    """The booking moved (time or suite): tell the witness, update the invites, and replace the
    reminders for the old time. A suite the booking left gets a CANCEL for it, so its room is
    not set up for nobody.

    News about an earlier version that has not gone yet will not go (a reminder for the old
    time, a confirmation overtaken by this change). A CANCEL is never withdrawn: the suite a
    booking left must hear of it however quickly the booking moves on again (its SEQUENCE is
    its own version's, so one arriving late cannot undo a newer invite)."""
    withdraw(
        Message.objects.filter(booking=booking, booking_version__lt=booking.notice_version).exclude(
            kind=Kind.STAND_DOWN
        ),
        "Overtaken by a later change to the booking.",
    )
    if not _wanted(booking):
        return []
    planned = _planned(booking, {Kind.CHANGE: timezone.now(), **reminder_times(booking)})
    left_behind = previous_suite.contact_email if previous_suite else ""
    if left_behind and left_behind != booking.suite.contact_email:
        planned.append(
            _unsaved(
                booking,
                Kind.STAND_DOWN,
                Channel.EMAIL,
                Audience.SUITE,
                left_behind,
                timezone.now(),
                suite=previous_suite,
            )
        )
    return _to_outbox(booking, planned)


def booking_cancelled(*, booking: Booking) -> list[Message]:
    """Stand the witness down: a text, and CANCEL invites so calendars drop the event. Nothing
    else still waiting about this booking (reminders included) will be sent; CANCELs already
    waiting (for suites it moved away from) still go."""
    withdraw(
        Message.objects.filter(booking=booking).exclude(kind=Kind.STAND_DOWN),
        "The booking was cancelled.",
    )
    if not _wanted(booking):
        return []
    return _to_outbox(booking, _planned(booking, {Kind.STAND_DOWN: timezone.now()}))


def booking_link_changed(*, booking: Booking) -> list[Message]:
    """The court's link changed: the suite gets a new invite with it (SEQUENCE one higher),
    and nobody else hears of it. The witness is sent nothing, and nothing waiting for them is
    touched (their confirmation or reminders still go). An older suite invite still waiting
    for this notice version is withdrawn: only the newest link goes."""
    address = booking.suite.contact_email
    if not _wanted(booking) or booking.status not in OPEN_STATUSES or not address:
        return []
    withdraw(
        Message.objects.filter(
            booking=booking,
            audience=Audience.SUITE,
            channel=Channel.EMAIL,
            kind__in=NEWS_KINDS,
            booking_version=booking.notice_version,
            link_version__lt=booking.link_version,
        ),
        "Overtaken by a newer court link.",
    )
    invite = _unsaved(
        booking,
        Kind.CHANGE,
        Channel.EMAIL,
        Audience.SUITE,
        address,
        timezone.now(),
        suite=booking.suite,
    )
    return _to_outbox(booking, [invite])


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
        Channel.SMS: witness.sms_number,
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
    if addresses[Channel.SMS] and said_stop(witness, addresses[Channel.SMS]):
        _held_back_for_stop([m for m in planned if m.channel == Channel.SMS])
    Message.objects.bulk_create(planned)
    _dispatch_after_commit(planned)
    return planned


def witness_language_changed(*, witness: Witness) -> int:
    """The witness is now written to in another language: the texts still waiting for them
    (their reminders above all, written when the booking was made) are written again in it
    before they go. A text a worker has claimed goes as it was. Returns how many changed."""
    waiting = Message.objects.filter(
        booking__witness=witness,
        channel=Channel.SMS,
        audience=Audience.WITNESS,
        status=Status.PENDING,
    ).select_related("booking__suite", "booking__hearing__court")
    rewritten = 0
    for message in waiting:
        message.booking.witness = witness
        body = texts.sms_text(message.booking, message.kind).body
        if body != message.body:
            rewritten += Message.objects.filter(pk=message.pk, status=Status.PENDING).update(
                body=body, updated_at=timezone.now()
            )
    return rewritten
