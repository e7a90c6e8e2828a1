"""SMS through the real `twilio` SDK against the fake Twilio: what a witness would receive, what
Twilio tells the app back, how each of Twilio's failures reaches the caller, and how a retry
finds a text already sent. Replies and the fake's own pages: test_fake_twilio_replies.py."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from notifications.twilio_client import (
    PermanentSmsError,
    TransientSmsError,
    fetch_message,
    find_sent,
    get_client,
    send_sms,
)
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN, MESSAGING_SERVICE_SID

WITNESS = "+447700900123"
TEXT = "Your video link to Brighton Magistrates' Court: Wed 24 Mar, 10:00, Hove Police Station."


def eventually(check, timeout: float = 5):
    """`check()`'s first truthy result, polling until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout}s")
        time.sleep(0.02)
    return result


def _status(sid: str) -> str:
    return fetch_message(sid).status


# --- Sending and reading back ---------------------------------------------------------------


def test_a_text_sent_through_the_sdk_is_what_the_witness_receives(fake_twilio):
    message = send_sms(to=WITNESS, body=TEXT, status_callback=None)

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.status, message.to, message.body) == ("accepted", WITNESS, TEXT)
    assert message.messaging_service_sid == MESSAGING_SERVICE_SID
    assert message.account_sid == ACCOUNT_SID
    assert message.direction == "outbound-api"
    assert message.date_created is not None
    [listed] = fake_twilio.messages()
    assert (listed["sid"], listed["to"], listed["body"]) == (message.sid, WITNESS, TEXT)


def test_fetching_a_sent_text_shows_it_delivered_from_the_services_number(fake_twilio):
    sid = send_sms(to=WITNESS, body=TEXT, status_callback=None).sid

    eventually(lambda: _status(sid) == "delivered")
    message = fetch_message(sid)

    assert (message.sid, message.body, message.from_) == (sid, TEXT, fake_twilio.from_number)
    assert message.num_segments == "1"
    assert message.date_sent is not None
    assert message.error_code is None
    assert [step["status"] for step in fake_twilio.messages()[0]["status_history"]] == [
        "accepted",
        "queued",
        "sent",
        "delivered",
    ]


def test_fetching_an_unknown_text_is_a_permanent_404(fake_twilio):
    with pytest.raises(PermanentSmsError) as refused:
        fetch_message("SM" + "0" * 32)

    assert refused.value.code == 20404


def test_listing_follows_twilios_pages(fake_twilio):
    for number in range(3):
        send_sms(to=WITNESS, body=f"Text {number}", status_callback=None)

    listed = get_client().messages.list(to=WITNESS, page_size=2)

    assert [message.body for message in listed] == ["Text 2", "Text 1", "Text 0"]


# --- Status callbacks -----------------------------------------------------------------------


def test_status_callbacks_arrive_in_order_signed_with_the_auth_token(fake_twilio, receiver):
    callback_url = receiver.url + "/webhooks/twilio/status/?booking=42"

    sid = send_sms(to=WITNESS, body=TEXT, status_callback=callback_url).sid
    callbacks = receiver.wait_for(3)

    assert [c["form"]["MessageStatus"] for c in callbacks] == ["queued", "sent", "delivered"]
    validator = RequestValidator(AUTH_TOKEN)
    for callback in callbacks:
        assert callback["path"] == "/webhooks/twilio/status/?booking=42"
        assert validator.validate(callback_url, callback["form"], callback["signature"])
    delivered = callbacks[-1]["form"]
    assert delivered["MessageSid"] == delivered["SmsSid"] == sid
    assert delivered["SmsStatus"] == "delivered"
    assert delivered["AccountSid"] == ACCOUNT_SID
    assert delivered["MessagingServiceSid"] == MESSAGING_SERVICE_SID
    assert (delivered["To"], delivered["From"]) == (WITNESS, fake_twilio.from_number)
    assert delivered["ApiVersion"] == "2010-04-01"
    assert "ErrorCode" not in delivered


def test_a_tampered_status_callback_fails_signature_validation(fake_twilio, receiver):
    callback_url = receiver.url + "/webhooks/twilio/status/"
    send_sms(to=WITNESS, body=TEXT, status_callback=callback_url)
    [callback] = receiver.wait_for(1)[:1]

    forged = {**callback["form"], "MessageStatus": "delivered", "SmsStatus": "delivered"}

    assert not RequestValidator(AUTH_TOKEN).validate(callback_url, forged, callback["signature"])
    assert not RequestValidator("another-token").validate(
        callback_url, callback["form"], callback["signature"]
    )


def test_a_text_to_an_unreachable_phone_ends_undelivered_with_the_carriers_error(
    fake_twilio, receiver
):
    fake_twilio.configure(undeliverable_numbers={WITNESS: 30005})

    sid = send_sms(to=WITNESS, body=TEXT, status_callback=receiver.url + "/status/").sid
    callbacks = receiver.wait_for(3)

    assert [c["form"]["MessageStatus"] for c in callbacks] == ["queued", "sent", "undelivered"]
    assert callbacks[-1]["form"]["ErrorCode"] == "30005"
    message = fetch_message(sid)
    assert (message.status, message.error_code) == ("undelivered", 30005)
    assert message.error_message == "Unknown destination handset"


def test_no_callbacks_are_posted_when_they_are_switched_off(fake_twilio, receiver):
    fake_twilio.configure(callbacks_enabled=False)

    sid = send_sms(to=WITNESS, body=TEXT, status_callback=receiver.url + "/status/").sid

    eventually(lambda: _status(sid) == "delivered")
    assert receiver.requests == []


# --- Failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["429", "500", "503"])
def test_twilio_busy_or_down_is_transient_and_sends_nothing(fake_twilio, fault):
    fake_twilio.configure(fail_next=[fault])

    with pytest.raises(TransientSmsError, match=f"HTTP {fault}"):
        send_sms(to=WITNESS, body=TEXT, status_callback=None)

    assert fake_twilio.messages() == []
    assert send_sms(to=WITNESS, body=TEXT, status_callback=None).status == "accepted"


def test_twilio_not_answering_in_time_is_transient(fake_twilio, settings):
    settings.TWILIO_TIMEOUT_SECONDS = 0.3
    fake_twilio.configure(fail_next=["timeout"], timeout_seconds=0.6)

    with pytest.raises(TransientSmsError):
        send_sms(to=WITNESS, body=TEXT, status_callback=None)


def test_twilio_unreachable_is_transient(fake_twilio, settings):
    fake_twilio.stop()

    with pytest.raises(TransientSmsError):
        send_sms(to=WITNESS, body=TEXT, status_callback=None)


def test_every_send_fails_transiently_at_a_failure_rate_of_one(fake_twilio, settings):
    settings.TWILIO_TIMEOUT_SECONDS = 0.3
    fake_twilio.configure(failure_rate=1, seed=7, timeout_seconds=0.4)

    for _ in range(3):
        with pytest.raises(TransientSmsError):
            send_sms(to=WITNESS, body=TEXT, status_callback=None)


@pytest.mark.parametrize("code", [21211, 21610])
def test_a_refused_recipient_is_permanent_with_twilios_code(fake_twilio, code):
    fake_twilio.configure(fail_next=[str(code)])

    with pytest.raises(PermanentSmsError) as refused:
        send_sms(to=WITNESS, body=TEXT, status_callback=None)

    assert refused.value.code == code
    assert fake_twilio.messages() == []


@pytest.mark.parametrize("number", ["07700 900123", "+44", "447700900123"])
def test_a_number_not_in_international_format_is_refused_as_invalid(fake_twilio, number):
    with pytest.raises(PermanentSmsError) as refused:
        send_sms(to=number, body=TEXT, status_callback=None)

    assert refused.value.code == 21211


def test_a_number_configured_invalid_is_refused(fake_twilio):
    fake_twilio.configure(invalid_numbers=[WITNESS])

    with pytest.raises(PermanentSmsError, match="not a valid phone number") as refused:
        send_sms(to=WITNESS, body=TEXT, status_callback=None)

    assert refused.value.code == 21211


def test_a_wrong_auth_token_is_refused(fake_twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"

    with pytest.raises(PermanentSmsError) as refused:
        send_sms(to=WITNESS, body=TEXT, status_callback=None)

    assert refused.value.code == 20003
    assert fake_twilio.messages() == []


def test_a_wrong_auth_token_is_refused_when_looking_for_a_sent_text(fake_twilio, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"

    with pytest.raises(PermanentSmsError) as refused:
        find_sent(to=WITNESS, body=TEXT, since=timezone.now())

    assert refused.value.code == 20003


# --- Not sending twice ----------------------------------------------------------------------


def test_find_sent_finds_a_text_already_sent_so_a_retry_does_not_send_it_again(fake_twilio):
    before = timezone.now() - timedelta(seconds=1)
    sid = send_sms(to=WITNESS, body=TEXT, status_callback=None).sid
    eventually(lambda: _status(sid) == "delivered")

    found = find_sent(to=WITNESS, body=TEXT, since=before)

    assert found is not None and found.sid == sid
    assert find_sent(to=WITNESS, body="Another text", since=before) is None
    assert find_sent(to="+447700900999", body=TEXT, since=before) is None
    assert find_sent(to=WITNESS, body=TEXT, since=timezone.now() + timedelta(minutes=1)) is None


def test_a_send_that_timed_out_may_have_gone_and_find_sent_says_so(fake_twilio, settings):
    settings.TWILIO_TIMEOUT_SECONDS = 0.3
    fake_twilio.configure(fail_next=["timeout"], timeout_seconds=0.5)
    before = timezone.now() - timedelta(seconds=1)

    with pytest.raises(TransientSmsError):
        send_sms(to=WITNESS, body=TEXT, status_callback=None)

    found = eventually(lambda: find_sent(to=WITNESS, body=TEXT, since=before))
    assert [m["sid"] for m in fake_twilio.messages()] == [found.sid]
