"""Witnesses replying through the fake Twilio, as the real `twilio` SDK and the app's webhook
see it: a reply posted to the app signed, the app's TwiML answer reaching the witness, STOP
and START honoured; and the fake's own pages, switches and pieces (segments, the SDK pointed
at it)."""

import pytest
import requests
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from notifications.fake_twilio import count_segments
from notifications.twilio_client import BaseUrlHttpClient, PermanentSmsError, get_client, send_sms
from tests.helpers import texts_to
from tests.notifications.conftest import AUTH_TOKEN, MESSAGING_SERVICE_SID

WITNESS = "+447700900123"
TEXT = "Your video link to Brighton Magistrates' Court: Wed 24 Mar, 10:00, Hove Police Station."


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
