"""A witness booked in English who is then set to Welsh gets their reminders in Welsh: the
texts still waiting are written again in the new language before they go."""

import pytest

from bookings import services
from notifications.models import Channel, Kind, Message
from notifications.tasks import sweep_outbox
from tests.factories import london
from tests.helpers import texts_to

pytestmark = pytest.mark.django_db


def test_a_witness_set_to_welsh_after_booking_gets_the_reminder_of_the_day_in_welsh(
    clock, hearing, suite, officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    [confirmation] = texts_to(fake_twilio, officer.phone)
    assert confirmation.startswith("You are booked to give evidence")

    services.witness_update(witness=officer, language="cy")
    clock.move_to(london(2027, 3, 24, 8, 30))
    sweep_outbox()

    later = texts_to(fake_twilio, officer.phone)[1:]  # oldest first: after the confirmation
    assert later and not [text for text in later if "Please arrive" in text], later
    [reminder] = [text for text in later if text.startswith("Heddiw")]
    assert reminder.startswith(
        "Heddiw byddwch yn rhoi tystiolaeth drwy gyswllt fideo am 10:00, Brighton Police "
        "Station. Dewch erbyn 09:45."
    )
    assert Message.objects.filter(booking=booking, kind=Kind.REMINDER_ON_DAY).count() == 1


def test_a_text_already_sent_is_not_written_again(clock, hearing, suite, officer):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    Message.objects.filter(booking=booking, kind=Kind.CONFIRMATION).update(status="queued")

    services.witness_update(witness=officer, language="cy")

    confirmation = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    reminder = Message.objects.get(booking=booking, kind=Kind.REMINDER_AHEAD, channel=Channel.SMS)
    assert confirmation.body.startswith("You are booked")
    assert reminder.body.startswith("Nodyn atgoffa - rhoi tystiolaeth drwy gyswllt fideo:")
