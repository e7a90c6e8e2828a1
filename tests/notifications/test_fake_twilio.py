"""SMS through the real `twilio` SDK against the fake Twilio: what a witness would receive, what
Twilio tells the app back, and how each of Twilio's failures reaches the caller."""

import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from notifications.fake_twilio import count_segments
from notifications.twilio_client import (
    BaseUrlHttpClient,
    PermanentSmsError,
    TransientSmsError,
    fetch_message,
    find_sent,
    get_client,
    send_sms,
)
from tests.helpers import texts_to
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


# --- Witnesses replying ---------------------------------------------------------------------


def _reply(fake, from_: str, body: str) -> dict:
    response = requests.post(
        fake.url + "/_fake/inbound", json={"from": from_, "body": body}, timeout=5
    )
    response.raise_for_status()
    return response.json()


def test_a_reply_is_posted_to_the_apps_inbound_webhook_signed(fake_twilio, receiver):
    fake_twilio.app_url = receiver.url

    _reply(fake_twilio, WITNESS, "Running 10 minutes late")

    [webhook] = receiver.wait_for(1)
    assert webhook["path"] == "/webhooks/twilio/inbound/"
    form = webhook["form"]
    assert (form["From"], form["Body"]) == (WITNESS, "Running 10 minutes late")
    assert form["To"] == fake_twilio.from_number
    assert form["MessagingServiceSid"] == MESSAGING_SERVICE_SID
    assert form["MessageSid"].startswith("SM") and form["NumMedia"] == "0"
    inbound_url = receiver.url + "/webhooks/twilio/inbound/"
    assert RequestValidator(AUTH_TOKEN).validate(inbound_url, form, webhook["signature"])


def test_the_apps_twiml_reply_reaches_the_witness(fake_twilio, receiver):
    fake_twilio.app_url = receiver.url
    receiver.reply = "<Response><Message>Thanks, we have told the court.</Message></Response>"

    result = _reply(fake_twilio, WITNESS, "Running 10 minutes late")

    [reply] = result["replies"]
    assert (reply["to"], reply["body"]) == (WITNESS, "Thanks, we have told the court.")
    assert [m["direction"] for m in fake_twilio.messages()] == ["outbound-reply", "inbound"]


def test_a_witness_who_texts_stop_gets_no_more_texts_until_they_text_start(fake_twilio, receiver):
    fake_twilio.app_url = receiver.url

    _reply(fake_twilio, WITNESS, " stop ")
    with pytest.raises(PermanentSmsError) as refused:
        send_sms(to=WITNESS, body=TEXT, status_callback=None)
    _reply(fake_twilio, WITNESS, "START")

    assert refused.value.code == 21610
    assert [w["form"]["Body"] for w in receiver.wait_for(2)] == [" stop ", "START"]
    assert send_sms(to=WITNESS, body=TEXT, status_callback=None).status == "accepted"
    assert texts_to(fake_twilio, WITNESS) == [TEXT]  # the one sent after START, and only it


def test_the_apps_reply_to_stop_is_not_sent(fake_twilio, receiver):
    fake_twilio.app_url = receiver.url
    receiver.reply = "<Response><Message>Sorry to see you go.</Message></Response>"

    replies = _reply(fake_twilio, WITNESS, "STOP")["replies"]

    assert [(r["status"], r["error_code"]) for r in replies] == [
        ("queued", None),
        ("failed", 21610),
    ]
    assert replies[0]["note"] == "Twilio's automatic reply"


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


# --- The fake's own pages and switches ------------------------------------------------------


def test_the_demo_page_lists_each_text_with_its_body_escaped(fake_twilio):
    send_sms(to=WITNESS, body="<b>Hove</b> & Brighton", status_callback=None)

    page = requests.get(fake_twilio.url + "/", timeout=5)

    assert page.status_code == 200
    assert "&lt;b&gt;Hove&lt;/b&gt; &amp; Brighton" in page.text
    assert "<b>Hove</b>" not in page.text
    assert WITNESS in page.text


def test_the_fake_reports_texts_as_json_and_can_be_reset(fake_twilio):
    send_sms(to=WITNESS, body=TEXT, status_callback=None)

    listed = requests.get(fake_twilio.url + "/_fake/messages", timeout=5).json()
    requests.post(fake_twilio.url + "/_fake/reset", timeout=5).raise_for_status()

    assert [(m["to"], m["body"], m["segments"]) for m in listed] == [(WITNESS, TEXT, 1)]
    assert fake_twilio.messages() == []


def test_the_fake_refuses_an_unknown_fault(fake_twilio):
    response = requests.post(
        fake_twilio.url + "/_fake/config", json={"fail_next": ["teapot"]}, timeout=5
    )

    assert response.status_code == 400
    assert "teapot" in response.json()["error"]


# --- Pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # the euro sign is an escaped GSM-7 character: two septets
        ("€" * 81, 2),
        ("é" * 160, 1),  # in the GSM-7 alphabet
        ("ç" * 70, 1),  # not in it: the whole text goes as UCS-2
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
        ("🙂" * 35, 1),  # two UCS-2 units each
        ("🙂" * 36, 2),
    ],
)
def test_segments_are_counted_as_gsm_7_or_ucs_2(body, segments):
    assert count_segments(body) == segments


def test_the_sdk_is_sent_to_the_base_url_instead_of_any_twilio_host():
    client = BaseUrlHttpClient("http://127.0.0.1:8020/twilio/", timeout=1)

    assert (
        client.rewrite("https://api.twilio.com/2010-04-01/Accounts.json?PageSize=2")
        == "http://127.0.0.1:8020/twilio/2010-04-01/Accounts.json?PageSize=2"
    )
    assert client.rewrite("https://messaging.twilio.com/v1/Services") == (
        "http://127.0.0.1:8020/twilio/v1/Services"
    )
    assert client.rewrite("https://example.com/x") == "https://example.com/x"
    assert client.rewrite("https://nottwilio.com/x") == "https://nottwilio.com/x"


def test_without_a_base_url_the_client_is_the_sdks_own_with_a_timeout(settings):
    settings.TWILIO_API_BASE_URL = ""
    settings.TWILIO_TIMEOUT_SECONDS = 7

    http_client = get_client().http_client

    assert type(http_client) is TwilioHttpClient
    assert http_client.timeout == 7
