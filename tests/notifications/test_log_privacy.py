"""No phone numbers, email addresses, names or link secrets in the logs, whoever logs them."""

import io
import logging
import re

import pytest

from bookings import services
from notifications.models import Kind, Message
from notifications.sending import message_send

pytestmark = pytest.mark.django_db

PHONE = re.compile(r"(\+44|\b0)7700 ?900\d{3}")


@pytest.fixture
def written_logs(caplog):
    """What the configured console handler writes, redaction included."""
    caplog.set_level(logging.INFO)
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_day_of_activity_leaves_no_personal_data_in_the_logs(
    written_logs, client, clock, hearing, suite, officer, fake_twilio, settings
):
    # a booking, its text sent through the provider, a retry after a failure
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    sms = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel="sms")
    fake_twilio.configure(fail_next=["500"])
    message_send(message_id=sms.pk)
    logging.getLogger("notifications").warning("Texting %s failed", officer.phone)
    logging.getLogger("django.request").warning("Not Found: /w/%s/", "AbCdEf0123456789xyzAB")
    logging.getLogger("django.request").warning("Not Found: /feeds/%s.ics", "secret-token-123456")
    # a forged webhook and an unknown witness link
    client.post("/webhooks/twilio/inbound/", {"From": str(officer.phone), "Body": "STOP"})
    client.get("/w/NotARealTokenButLong1/")

    written = written_logs.getvalue()
    assert written  # something was logged
    assert not PHONE.search(written), written
    assert officer.email not in written
    assert officer.full_name not in written
    assert "AbCdEf0123456789xyzAB" not in written
    assert "secret-token-123456" not in written
    assert "NotARealTokenButLong1" not in written
    assert "[phone]" in written and "[token]" in written
