"""The five ways the outbox once broke its promise to a witness (one text for each change they
need to hear about, at their current number, nothing after they were stood down), each tried
as a scheduler would: through the services, with the real sender, the real twilio SDK against
the fake Twilio, and Django's test mailbox."""

from datetime import timedelta

import pytest
import vobject
from django.utils import timezone

from bookings import services
from bookings.models import AttentionFlag, Booking
from notifications import claims, sending, twilio_client
from notifications.models import Channel, Kind, Message, Status
from notifications.tasks import sweep_outbox
from tests.factories import SuiteFactory, WitnessFactory
from tests.helpers import assert_booked, assert_stood_down, book, texts_to

pytestmark = pytest.mark.django_db


def invites_to(mailoutbox, address) -> list[tuple[str, int]]:
    """The invites a mailbox received, oldest first, as (METHOD, SEQUENCE)."""
    found = []
    for email in mailoutbox:
        if email.to != [address]:
            continue
        (ics,) = [content for _name, content, _type in email.attachments]
        calendar = vobject.readOne(ics.decode() if isinstance(ics, bytes) else ics)
        found.append((calendar.method.value, int(calendar.vevent.sequence.value)))
    return found


def test_a_notes_edit_straight_after_booking_still_lets_the_witness_hear_they_are_booked(
    clock, hearing, suite, officer, fake_twilio, mailoutbox
):
    # given: booked, and straight away the scheduler adds a note and special measures
    booking = book(hearing, officer, suite)
    services.booking_update_details(
        actor=None, booking=booking, notes="Prefers the side entrance", needs_supporter=True
    )

    # when: the outbox is sent
    sweep_outbox()

    # then: the witness got their confirmation, and their calendar its invite
    (text,) = texts_to(fake_twilio, officer.phone)
    assert text.startswith("You are booked to give evidence by video link on Wed 24 Mar")
    assert invites_to(mailoutbox, officer.email) == [("REQUEST", 1)]
    assert not Message.objects.filter(status=Status.SUPPRESSED).exists()


def test_a_corrected_phone_number_gets_the_confirmation_and_the_old_number_nothing(
    clock, hearing, suite, officer, fake_twilio, mailoutbox
):
    # given: booked, then the witness's number and email are corrected before anything went
    old_phone, old_email = str(officer.phone), officer.email
    book(hearing, officer, suite)
    services.witness_update(
        witness=officer, phone="+447700900555", email="amelia.pond@sussex.police.example"
    )

    # when: the outbox is sent
    sweep_outbox()

    # then: the new number and address have the booking; the old ones nothing
    assert texts_to(fake_twilio, old_phone) == []
    (text,) = texts_to(fake_twilio, "+447700900555")
    assert text.startswith("You are booked to give evidence")
    assert invites_to(mailoutbox, old_email) == []
    assert invites_to(mailoutbox, "amelia.pond@sussex.police.example") == [("REQUEST", 1)]
    # and staff see where each went
    sms = Message.objects.get(kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert sms.recipient == "+447700900555"


def test_a_number_corrected_after_the_confirmation_went_gets_it_too_once(
    clock, hearing, suite, officer, fake_twilio
):
    book(hearing, officer, suite)
    sweep_outbox()
    assert len(texts_to(fake_twilio, officer.phone)) == 1

    services.witness_update(witness=officer, phone="+447700900555")
    sweep_outbox()
    services.witness_update(witness=officer, phone="+447700900555")  # saved twice
    sweep_outbox()

    (text,) = texts_to(fake_twilio, "+447700900555")
    assert text.startswith("You are booked to give evidence")


def test_one_message_that_cannot_be_sent_does_not_hold_up_the_others_in_its_batch(
    clock, hearing, sussex, fake_twilio, mailoutbox, settings
):
    # given: a suite whose contact address was stored before addresses were checked (with a
    # header smuggled in), booked alongside two others, with the broker down
    broken = SuiteFactory(force=sussex, contact_email="ops@suites.example\nBcc: all@x.example")
    witnesses = [WitnessFactory(force=sussex) for _ in range(3)]
    book(hearing, witnesses[0], broken)
    for witness in witnesses[1:]:
        book(hearing, witness, SuiteFactory(force=sussex))

    # when: one batch sends them all
    sweep_outbox()

    # then: every witness has their text, whatever became of the broken invite
    for witness in witnesses:
        assert len(texts_to(fake_twilio, witness.phone)) == 1
    stuck = Message.objects.get(suite=broken)
    assert stuck.status == Status.PENDING  # to be tried again, not left "sending"
    assert stuck.attempts == 1
    assert Message.objects.filter(status=Status.SENDING).count() == 0

    # when: every attempt fails in the same way
    for _attempt in range(settings.MESSAGE_MAX_ATTEMPTS):
        clock.shift(timedelta(minutes=20))
        sweep_outbox()

    # then: it is failed, and the booking is on the attention list for a person to call
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert stuck.attempts == settings.MESSAGE_MAX_ATTEMPTS
    flag = AttentionFlag.objects.get(booking=stuck.booking, kind="message_failed")
    assert "to the suite could not be delivered" in flag.detail


def test_an_invite_for_a_suite_whose_name_has_a_line_break_still_goes(
    clock, hearing, sussex, officer, fake_twilio, mailoutbox
):
    suite = SuiteFactory(force=sussex, name="Hove\nPolice Station", contact_email="hove@x.example")
    book(hearing, officer, suite)

    sweep_outbox()

    assert invites_to(mailoutbox, "hove@x.example") == [("REQUEST", 1)]
    assert invites_to(mailoutbox, officer.email) == [("REQUEST", 1)]
    (to_witness,) = [e for e in mailoutbox if e.to == [officer.email]]
    assert to_witness.subject == "Give evidence by video link at Hove Police Station"


def test_a_slow_provider_never_gets_the_same_text_sent_twice(
    clock, hearing, sussex, fake_twilio, monkeypatch
):
    # given: six witnesses booked, and Twilio taking 50 seconds to answer each text
    witnesses = [WitnessFactory(force=sussex) for _ in range(6)]
    for witness in witnesses:
        book(hearing, witness, SuiteFactory(force=sussex))
    texts = list(
        Message.objects.filter(channel=Channel.SMS, kind=Kind.CONFIRMATION).values_list(
            "pk", flat=True
        )
    )
    real_send = twilio_client.send_sms
    swept = []

    def slow_send(**kwargs):
        clock.shift(timedelta(seconds=50))
        if len(swept) < 4:
            # meanwhile, on beat's schedule, the sweep runs, and a second worker is handed
            # everything still waiting
            swept.append(claims.outbox_sweep())
            sending.messages_send(message_ids=texts)
        return real_send(**kwargs)

    monkeypatch.setattr(twilio_client, "send_sms", slow_send)

    # when: one worker sends the batch, taking five minutes in all
    sending.messages_send(message_ids=texts)

    # then: each witness got one text: their confirmation
    assert len(swept) == 4
    for witness in witnesses:
        (text,) = texts_to(fake_twilio, witness.phone)
        suite = Booking.objects.get(witness=witness).suite
        assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_a_confirmation_being_sent_when_the_booking_is_cancelled_arrives_before_the_stand_down(
    clock, hearing, suite, officer, fake_twilio, monkeypatch, django_capture_on_commit_callbacks
):
    # given: booked; a worker has read the confirmation and is handing it to Twilio
    booking = book(hearing, officer, suite)
    real_send = twilio_client.send_sms

    def cancelled_meanwhile(**kwargs):
        monkeypatch.setattr(twilio_client, "send_sms", real_send)
        # while Twilio takes it, the scheduler cancels, and the stand-down is handed to a
        # second worker at once
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_cancel(actor=None, booking=booking, reason="Defendant pleaded guilty")
        return real_send(**kwargs)

    monkeypatch.setattr(twilio_client, "send_sms", cancelled_meanwhile)
    sweep_outbox()
    sweep_outbox()  # the sweep after: whatever had to wait goes now

    # then: the witness reads "booked", then "not needed": never the other way round
    booked, stood_down = texts_to(fake_twilio, officer.phone)
    assert_booked(booked, on="Wed 24 Mar at 10:00", suite=suite.name)
    assert_stood_down(stood_down, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_a_quick_double_move_still_tells_the_first_suite_to_drop_the_booking(
    clock, hearing, sussex, officer, fake_twilio, mailoutbox
):
    # given: booked into suite A, its invite sent
    a, b, c = (SuiteFactory(force=sussex, contact_email=f"{name}@suites.example") for name in "abc")
    booking = book(hearing, officer, a)
    sweep_outbox()
    assert invites_to(mailoutbox, "a@suites.example") == [("REQUEST", 1)]

    # when: moved to B, then to C, before the outbox drains
    booking = services.booking_reschedule(actor=None, booking=booking, suite=b)
    booking = services.booking_reschedule(actor=None, booking=booking, suite=c)
    sweep_outbox()

    # then: A's calendar drops it, C's holds it at the latest SEQUENCE
    assert invites_to(mailoutbox, "a@suites.example") == [("REQUEST", 1), ("CANCEL", 2)]
    assert invites_to(mailoutbox, "c@suites.example") == [("REQUEST", 3)]
    # B never had it: a CANCEL there changes nothing in its calendar
    assert [method for method, _ in invites_to(mailoutbox, "b@suites.example")] in (
        [],
        ["CANCEL"],
    )
    assert timezone.now() < booking.starts_at


# Found by the outbox model (test_outbox_model.py), kept as examples.


def test_a_text_twilio_took_whose_answer_was_lost_is_recorded_as_sent_after_a_cancellation(
    clock, hearing, suite, officer, fake_twilio
):
    # given: Twilio takes the confirmation, but its answer never arrives
    booking = book(hearing, officer, suite)
    fake_twilio.configure(fail_next=["lost_answer"])
    sweep_outbox()
    confirmation = Message.objects.get(kind=Kind.CONFIRMATION, channel=Channel.SMS)
    assert confirmation.status == Status.PENDING

    # when: the booking is cancelled before the retry
    services.booking_cancel(actor=None, booking=booking, reason="Defendant pleaded guilty")
    clock.shift(timedelta(minutes=20))
    sweep_outbox()

    # then: the record says what the witness got: the confirmation, then the stand-down
    confirmation.refresh_from_db()
    assert confirmation.status in {Status.QUEUED, Status.SENT, Status.DELIVERED}
    booked, stood_down = texts_to(fake_twilio, officer.phone)
    assert_booked(booked, on="Wed 24 Mar at 10:00", suite=suite.name)
    assert_stood_down(stood_down, on="Wed 24 Mar at 10:00", suite=suite.name)


def test_news_that_went_to_an_old_number_with_its_answer_lost_reaches_the_new_number(
    clock, hearing, suite, officer, fake_twilio
):
    old_phone = str(officer.phone)
    book(hearing, officer, suite)
    fake_twilio.configure(fail_next=["lost_answer"])
    sweep_outbox()  # Twilio took it for the old number; the answer was lost

    services.witness_update(witness=officer, phone="+447700900555")
    clock.shift(timedelta(minutes=20))
    sweep_outbox()  # the retry finds it went to the old number, and writes it for the new
    sweep_outbox()

    assert len(texts_to(fake_twilio, old_phone)) == 1
    (text,) = texts_to(fake_twilio, "+447700900555")
    assert text.startswith("You are booked to give evidence")
