"""What a booking event writes to the outbox, and what it costs: every message the event means
(texts, invites, reminders) in a fixed handful of statements however many there are, the
opt-out ledger honoured, and asking twice for the same booking version writing nothing more."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Booking
from notifications import outbox
from notifications.models import Audience, Channel, Kind, Message, SmsOptOut, Status
from tests.factories import SuiteFactory, WitnessFactory, london
from tests.helpers import assert_stood_down, assert_texts_say_when_and_where

pytestmark = pytest.mark.django_db

SUITE_CONTACT = "brighton.suite@sussex.police.example"
OPTED_OUT = "The number replied STOP, so no texts are sent to it."


@pytest.fixture
def booking(clock, hearing, suite, officer):
    """A booking with every kind of message: a text, the witness's and the suite's invites and
    two reminders. Its outbox is emptied, so a test can ask again from scratch."""
    suite.contact_email = SUITE_CONTACT
    suite.save()
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    Message.objects.all().delete()
    return booking


def _next_version(booking: Booking, **changes) -> Booking:
    """What a change to the booking does before telling notifications about it."""
    Booking.objects.filter(pk=booking.pk).update(version=F("version") + 1, **changes)
    return _reloaded(booking)


def _reloaded(booking: Booking) -> Booking:
    return Booking.objects.select_related("witness", "suite").get(pk=booking.pk)


def _statements(call) -> tuple[list[Message], int]:
    with CaptureQueriesContext(connection) as captured:
        messages = call()
    return messages, len(captured)


def _as_stored(messages: list[Message]) -> list[tuple]:
    fields = ("pk", "kind", "channel", "audience", "recipient", "status", "status_detail")
    stored = Message.objects.in_bulk([m.pk for m in messages])
    return [tuple(getattr(stored[m.pk], f) for f in fields) for m in messages]


def _in_memory(messages: list[Message]) -> list[tuple]:
    fields = ("pk", "kind", "channel", "audience", "recipient", "status", "status_detail")
    return [tuple(getattr(m, f) for f in fields) for m in messages]


def test_a_new_booking_writes_its_five_messages_in_three_statements(booking, officer):
    messages, statements = _statements(lambda: outbox.booking_confirmed(booking=booking))

    # one read of the outbox, one of the opt-out ledger, one INSERT
    assert statements == 3
    assert [(m.kind, m.channel, m.audience, m.recipient) for m in messages] == [
        (Kind.CONFIRMATION, Channel.SMS, Audience.WITNESS, str(officer.phone)),
        (Kind.CONFIRMATION, Channel.EMAIL, Audience.WITNESS, officer.email),
        (Kind.CONFIRMATION, Channel.EMAIL, Audience.SUITE, SUITE_CONTACT),
        (Kind.REMINDER_AHEAD, Channel.SMS, Audience.WITNESS, str(officer.phone)),
        (Kind.REMINDER_ON_DAY, Channel.SMS, Audience.WITNESS, str(officer.phone)),
    ]
    # returned as stored, with their keys, ready to hand to the workers
    assert _in_memory(messages) == _as_stored(messages)
    assert {m.status for m in messages} == {Status.PENDING}
    assert {m.booking_version for m in messages} == {booking.version}
    assert messages[0].body.startswith("You are booked to give evidence")
    assert [m.not_before for m in messages[3:]] == [london(2027, 3, 22, 10), london(2027, 3, 24, 8)]


def test_a_witness_with_no_phone_costs_no_look_at_the_opt_out_ledger(booking, officer):
    officer.phone = ""
    officer.save()
    booking = _reloaded(booking)

    messages, statements = _statements(lambda: outbox.booking_confirmed(booking=booking))

    assert statements == 2
    assert [m.channel for m in messages] == [Channel.EMAIL, Channel.EMAIL]


def test_asked_twice_for_the_same_version_nothing_more_is_written(booking):
    first = outbox.booking_confirmed(booking=booking)

    again, statements = _statements(lambda: outbox.booking_confirmed(booking=booking))

    assert statements == 2  # the outbox and the ledger read; nothing to insert
    assert _in_memory(again) == _in_memory(first)
    assert Message.objects.count() == 5


@pytest.mark.parametrize("opted_out_by", ["ledger", "witness"])
def test_texts_to_a_number_that_said_stop_are_written_suppressed_and_not_dispatched(
    booking, officer, opted_out_by, monkeypatch, django_capture_on_commit_callbacks
):
    if opted_out_by == "ledger":  # a STOP recorded against the number only
        SmsOptOut.objects.create(
            phone=str(officer.phone), keyword="STOP", changed_at=london(2027, 3, 1)
        )
    else:
        officer.sms_opt_out = True
        officer.save()
        booking = _reloaded(booking)
    enqueued = []
    monkeypatch.setattr(outbox, "enqueue", enqueued.extend)

    with django_capture_on_commit_callbacks(execute=True):
        messages, statements = _statements(lambda: outbox.booking_confirmed(booking=booking))

    assert statements == (3 if opted_out_by == "ledger" else 2)  # no UPDATE afterwards
    texts = [m for m in messages if m.channel == Channel.SMS]
    assert {(m.status, m.status_detail) for m in texts} == {(Status.SUPPRESSED, OPTED_OUT)}
    assert _in_memory(messages) == _as_stored(messages)
    # only the invites go now (with whatever else the transaction made due); the reminders
    # wait for their time in any case
    emails = [m.pk for m in messages if m.channel == Channel.EMAIL]
    assert set(emails) <= set(enqueued)
    assert not {m.pk for m in messages if m.channel == Channel.SMS} & set(enqueued)


def test_asked_again_after_a_stop_the_texts_already_written_are_suppressed(booking, officer):
    first = outbox.booking_confirmed(booking=booking)
    SmsOptOut.objects.create(
        phone=str(officer.phone), keyword="STOP", changed_at=london(2027, 3, 1)
    )

    again = outbox.booking_confirmed(booking=booking)

    assert [m.pk for m in again] == [m.pk for m in first]
    assert _in_memory(again) == _as_stored(again)
    assert {m.status for m in again if m.channel == Channel.SMS} == {Status.SUPPRESSED}
    assert {m.status for m in again if m.channel == Channel.EMAIL} == {Status.PENDING}


def test_a_text_already_sent_is_left_as_it_is_when_asked_again(booking, officer):
    first = outbox.booking_confirmed(booking=booking)
    Message.objects.filter(pk=first[0].pk).update(status=Status.DELIVERED)
    SmsOptOut.objects.create(
        phone=str(officer.phone), keyword="STOP", changed_at=london(2027, 3, 1)
    )

    again = outbox.booking_confirmed(booking=booking)

    assert again[0].status == Status.DELIVERED
    assert Message.objects.get(pk=first[0].pk).status == Status.DELIVERED


def test_a_move_to_another_suite_writes_its_six_messages_in_four_statements(booking, sussex):
    previous_suite = booking.suite
    hove = SuiteFactory(force=sussex, contact_email="hove.suite@sussex.police.example")
    booking = _next_version(booking, suite=hove)

    messages, statements = _statements(
        lambda: outbox.booking_changed(booking=booking, previous_suite=previous_suite)
    )

    # the old version's messages withdrawn, then the outbox, the ledger and one INSERT
    assert statements == 4
    assert [(m.kind, m.channel, m.audience, m.recipient) for m in messages][2:] == [
        (Kind.CHANGE, Channel.EMAIL, Audience.SUITE, booking.suite.contact_email),
        (Kind.REMINDER_AHEAD, Channel.SMS, Audience.WITNESS, str(booking.witness.phone)),
        (Kind.REMINDER_ON_DAY, Channel.SMS, Audience.WITNESS, str(booking.witness.phone)),
        (Kind.STAND_DOWN, Channel.EMAIL, Audience.SUITE, SUITE_CONTACT),
    ]
    assert _in_memory(messages) == _as_stored(messages)
    again = outbox.booking_changed(booking=booking, previous_suite=previous_suite)
    assert [m.pk for m in again] == [m.pk for m in messages]
    assert Message.objects.count() == 6


def test_a_cancellation_writes_its_stand_down_once(booking):
    booking = _next_version(booking)

    messages, statements = _statements(lambda: outbox.booking_cancelled(booking=booking))

    # pending messages withdrawn, then the outbox, the ledger and one INSERT
    assert statements == 4
    assert [(m.kind, m.channel, m.audience) for m in messages] == [
        (Kind.STAND_DOWN, Channel.SMS, Audience.WITNESS),
        (Kind.STAND_DOWN, Channel.EMAIL, Audience.WITNESS),
        (Kind.STAND_DOWN, Channel.EMAIL, Audience.SUITE),
    ]
    assert_stood_down(messages[0].body, on="Wed 24 Mar at 10:00", suite=booking.suite.name)
    again = outbox.booking_cancelled(booking=booking)
    assert [m.pk for m in again] == [m.pk for m in messages]
    assert _in_memory(again) == _as_stored(again)
    assert Message.objects.count() == 3


def test_a_booking_nobody_can_be_told_about_writes_nothing(booking, officer):
    officer.phone, officer.email = "", ""
    officer.save()
    booking.suite.contact_email = ""
    booking.suite.save()
    booking = _next_version(booking)

    messages, statements = _statements(lambda: outbox.booking_confirmed(booking=booking))

    assert (messages, statements) == ([], 0)


def test_a_witness_without_email_or_a_suite_without_a_contact_still_gets_the_texts(
    clock, hearing, sussex
):
    witness = WitnessFactory(force=sussex, email="")
    suite = SuiteFactory(force=sussex)

    booking = services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)

    assert sorted(Message.objects.filter(booking=booking).values_list("kind", "channel")) == [
        (Kind.CONFIRMATION, Channel.SMS),
        (Kind.REMINDER_AHEAD, Channel.SMS),
        (Kind.REMINDER_ON_DAY, Channel.SMS),
    ]
    assert_texts_say_when_and_where(booking, day="Wed 24 Mar", time="10:00", suite=suite.name)
