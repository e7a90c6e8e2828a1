"""Witnesses hear about their booking, every change and every stand-down: once, reliably, and
never after it stopped being true. Sent through the real twilio SDK to the fake Twilio."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings import services
from bookings.models import AttentionFlag, BookingStatus
from notifications import claims, sending, sms, twilio_client
from notifications.models import Channel, Kind, Message, SmsOptOut, Status
from notifications.tasks import sweep_outbox
from tests.factories import london
from tests.helpers import (
    assert_booked,
    assert_stood_down,
    assert_texts_say_when_and_where,
    book,
    sms_received,
    texts_to,
)

pytestmark = pytest.mark.django_db


def book_and_send(hearing, witness, suite, capture, **window):
    """Book, and run what waited for the commit: the booking's texts go to Twilio now."""
    with capture(execute=True):
        return book(hearing, witness, suite, **window)


def test_a_booking_and_its_messages_are_written_together_or_not_at_all(
    clock, hearing, suite, officer
):
    # given / when: the transaction that created the booking rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
        assert Message.objects.count() > 0
        raise RuntimeError("something after the booking failed")

    # then: neither the booking nor any message exists
    assert Message.objects.count() == 0


def test_a_new_booking_queues_a_text_an_invite_and_reminders(
    clock, hearing, suite, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)

    kinds = sorted(Message.objects.filter(booking=booking).values_list("kind", "channel"))
    assert kinds == sorted(
        [
            (Kind.CONFIRMATION, Channel.SMS),
            (Kind.CONFIRMATION, Channel.EMAIL),
            (Kind.REMINDER_AHEAD, Channel.SMS),
            (Kind.REMINDER_ON_DAY, Channel.SMS),
        ]
    )
    reminders = Message.objects.filter(booking=booking, kind__startswith="reminder")
    # two working days before Wednesday 24 March is Monday 22 March, 10:00; then 08:00 on the day
    assert sorted(m.not_before for m in reminders) == [
        london(2027, 3, 22, 10),
        london(2027, 3, 24, 8),
    ]
    # and each text tells the witness when and where
    assert_texts_say_when_and_where(booking, day="Wed 24 Mar", time="10:00", suite=suite.name)
    # dispatch waits for the commit
    assert len(callbacks) == 1


def test_the_same_message_cannot_exist_twice(clock, hearing, suite, officer):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    first = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            booking=booking,
            kind=first.kind,
            booking_version=first.booking_version,
            channel=first.channel,
            audience=first.audience,
            recipient=first.recipient,
            body="again",
            not_before=first.not_before,
        )
    from notifications.outbox import booking_confirmed

    booking_confirmed(booking=booking)  # asked again: nothing new
    assert Message.objects.filter(booking=booking, kind=Kind.CONFIRMATION).count() == 2


def test_a_confirmed_booking_is_texted_through_twilio(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)

    texts = sms_received(fake_twilio, officer.phone)
    assert len(texts) == 1
    assert "Wed 24 Mar at 10:00" in texts[0]["body"]
    assert suite.name in texts[0]["body"]
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert message.provider_id == texts[0]["sid"]
    assert message.status in {Status.QUEUED, Status.SENT, Status.DELIVERED}
    assert booking.events.filter(action="sms_queued").exists()


def test_a_busy_or_broken_provider_is_retried_with_backoff_until_it_takes_the_text(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    # given: Twilio answers 500 and then 429 to the first two attempts
    fake_twilio.configure(fail_next=["500", "429"])

    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.not_before > timezone.now()  # backing off, not hammering

    # when: the sweep runs after each backoff
    for _ in range(2):
        clock.shift(timedelta(minutes=20))
        sweep_outbox()

    # then: one text reached the witness, on the third attempt
    message.refresh_from_db()
    assert message.status in {Status.QUEUED, Status.SENT, Status.DELIVERED}
    assert message.attempts == 3
    (text,) = texts_to(fake_twilio, officer.phone)
    assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_a_number_twilio_calls_invalid_is_not_retried_and_the_booking_needs_attention(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(fail_next=["21211"])

    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)
    clock.shift(timedelta(hours=1))
    sweep_outbox()

    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert (message.status, message.error_code, message.attempts) == (Status.FAILED, "21211", 1)
    flag = AttentionFlag.objects.get(booking=booking)
    assert flag.kind == "message_failed"
    assert "21211" in flag.detail
    assert booking.events.filter(action="sms_failed").exists()


def test_twilio_saying_unsubscribed_updates_the_opt_out_ledger(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(fail_next=["21610"])

    book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)

    assert SmsOptOut.objects.get(phone=str(officer.phone)).is_opted_out
    officer.refresh_from_db()
    assert officer.sms_opt_out


def test_nothing_is_texted_to_a_number_that_said_stop_but_email_still_goes(
    clock, hearing, suite, officer, fake_twilio, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.opt_outs import opt_out_set

    opt_out_set(phone=str(officer.phone), opted_out=True, keyword="STOP")

    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)

    assert texts_to(fake_twilio, officer.phone) == []
    sms = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert sms.status == Status.SUPPRESSED
    assert [m.to for m in mailoutbox] == [[officer.email]]


def test_a_reminder_due_after_a_cancellation_is_never_sent(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=None, booking=booking, reason="Witness no longer needed")

    # when: the reminders' times come and go
    clock.move_to(london(2027, 3, 24, 9))
    sweep_outbox()

    bodies = texts_to(fake_twilio, officer.phone)
    assert len(bodies) == 2  # the confirmation, then the stand-down
    assert_booked(bodies[0], on="Wed 24 Mar at 10:00", suite=suite.name)
    assert_stood_down(bodies[1], on="Wed 24 Mar at 10:00", suite=suite.name)
    assert not any(b.startswith("Reminder") or b.startswith("Today") for b in bodies)
    reminders = Message.objects.filter(booking=booking, kind__startswith="reminder")
    assert {m.status for m in reminders} == {Status.SUPPRESSED}


def test_a_reschedule_replaces_the_reminders(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_reschedule(
            actor=None,
            booking=booking,
            starts_at=london(2027, 3, 24, 14),
            ends_at=london(2027, 3, 24, 15),
        )

    clock.move_to(london(2027, 3, 24, 8, 30))
    sweep_outbox()

    on_day = Message.objects.filter(booking=booking, kind=Kind.REMINDER_ON_DAY)
    assert {(m.booking_version, m.status) for m in on_day} == {
        (1, Status.SUPPRESSED),
        (2, Status.QUEUED),
    } or {(m.booking_version, m.status) for m in on_day} == {
        (1, Status.SUPPRESSED),
        (2, Status.DELIVERED),
    }
    reminder_texts = [t for t in texts_to(fake_twilio, officer.phone) if t.startswith("Today")]
    assert len(reminder_texts) == 1
    assert "at 14:00" in reminder_texts[0]


def test_reminders_keep_quiet_at_night(clock, hearing, suite, officer, settings):
    settings.REMINDER_AHEAD_AT = "22:30"  # an operator's poor choice: held until the morning
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    reminder = Message.objects.get(booking=booking, kind=Kind.REMINDER_AHEAD)
    clock.move_to(reminder.not_before + timedelta(minutes=1))

    outcome = sending.message_send(message_id=reminder.pk)

    reminder.refresh_from_db()
    assert outcome.result == "deferred"
    assert reminder.status == Status.PENDING
    assert reminder.not_before == london(2027, 3, 23, 8)


def test_a_broker_outage_loses_no_message(
    clock, hearing, suite, officer, fake_twilio, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    # given: the broker is unreachable
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        booking = book_and_send(hearing, officer, suite, django_capture_on_commit_callbacks)
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
        app.conf.task_always_eager = True

    # then: the booking stands and its text waits in the outbox
    assert booking.status == BookingStatus.CONFIRMED
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert message.status == Status.PENDING
    assert texts_to(fake_twilio, officer.phone) == []

    # when: the sweep runs once the broker is back
    sweep_outbox()

    message.refresh_from_db()
    assert message.status != Status.PENDING
    (text,) = texts_to(fake_twilio, officer.phone)
    assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_a_text_twilio_took_before_the_worker_died_is_not_sent_again(
    clock, hearing, suite, officer, fake_twilio
):
    # given: a worker claimed the confirmation, Twilio took it, and the worker died before
    # recording the SID
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert claims.claim([message.pk]) == [message.pk]
    message.refresh_from_db()
    text, _kept = sms.rendered(message)
    accepted = twilio_client.send_sms(to=message.recipient, body=text, status_callback=None)

    # when: the sweep finds the stale claim
    clock.shift(claims.STALE_CLAIM + timedelta(seconds=1))
    sweep_outbox()

    # then: it recorded what Twilio already had, and sent nothing more
    message.refresh_from_db()
    assert message.provider_id == accepted.sid
    assert message.status in {Status.QUEUED, Status.SENT, Status.DELIVERED}
    (received,) = texts_to(fake_twilio, officer.phone)
    assert received == text
    assert_booked(received, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_a_stale_claim_with_nothing_at_twilio_is_sent_once(
    clock, hearing, suite, officer, fake_twilio
):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert claims.claim([message.pk]) == [message.pk]  # the worker died before calling Twilio

    clock.shift(claims.STALE_CLAIM + timedelta(seconds=1))
    sweep_outbox()
    sweep_outbox()

    (text,) = texts_to(fake_twilio, officer.phone)
    assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)
    message.refresh_from_db()
    assert message.attempts == 2
