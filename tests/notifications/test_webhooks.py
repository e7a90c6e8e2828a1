"""Twilio's calls to us: only genuine ones count, and statuses never go backwards."""

import pytest
from twilio.request_validator import RequestValidator

from bookings import services
from bookings.models import AttentionFlag
from notifications.models import Channel, InboundSms, Kind, Message, SmsOptOut, Status

pytestmark = pytest.mark.django_db

STATUS_PATH = "/webhooks/twilio/status/"
INBOUND_PATH = "/webhooks/twilio/inbound/"


def signed_post(client, settings, path, params, *, token=None, url_base=None):
    url = (url_base or settings.PUBLIC_BASE_URL) + path
    signature = RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def sent_sms(clock, hearing, suite, officer):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    Message.objects.filter(pk=message.pk).update(status=Status.QUEUED, provider_id="SM" + "a" * 32)
    message.refresh_from_db()
    return message


def receipt(settings, message, status, **extra):
    return {
        "MessageSid": message.provider_id,
        "SmsSid": message.provider_id,
        "MessageStatus": status,
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "To": message.recipient,
        **extra,
    }


def test_a_signed_receipt_marks_the_text_delivered(client, settings, sent_sms):
    response = signed_post(
        client,
        settings,
        f"{STATUS_PATH}?message={sent_sms.pk}",
        receipt(settings, sent_sms, "delivered"),
    )

    assert response.status_code == 204
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED
    assert sent_sms.delivered_at is not None
    assert sent_sms.booking.events.filter(action="sms_delivered").exists()


@pytest.mark.parametrize(
    "forgery",
    ["unsigned", "wrong_token", "tampered", "other_account", "other_url"],
)
def test_a_forged_receipt_is_refused_and_changes_nothing(client, settings, sent_sms, forgery):
    params = receipt(settings, sent_sms, "failed", ErrorCode="30003")
    path = f"{STATUS_PATH}?message={sent_sms.pk}"
    if forgery == "unsigned":
        response = client.post(path, params)
    elif forgery == "wrong_token":
        response = signed_post(client, settings, path, params, token="not-our-token")
    elif forgery == "tampered":
        signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(
            settings.PUBLIC_BASE_URL + path, {**params, "MessageStatus": "delivered"}
        )
        response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)
    elif forgery == "other_account":
        params["AccountSid"] = "AC" + "f" * 32
        response = signed_post(client, settings, path, params)
    else:
        response = signed_post(client, settings, path, params, url_base="https://evil.example")

    assert response.status_code == 403
    assert response.json()["code"] == "invalid_signature"
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.QUEUED
    assert not AttentionFlag.objects.exists()


def test_late_and_repeated_receipts_never_move_a_status_backwards(client, settings, sent_sms):
    path = f"{STATUS_PATH}?message={sent_sms.pk}"
    for status in ["delivered", "sent", "queued", "delivered", "sent"]:
        assert (
            signed_post(client, settings, path, receipt(settings, sent_sms, status)).status_code
            == 204
        )

    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED
    assert sent_sms.booking.events.filter(action="sms_delivered").count() == 1


def test_an_undelivered_text_puts_the_booking_on_the_attention_list(
    client, settings, sent_sms, api
):
    signed_post(
        client,
        settings,
        f"{STATUS_PATH}?message={sent_sms.pk}",
        receipt(settings, sent_sms, "undelivered", ErrorCode="30003"),
    )

    sent_sms.refresh_from_db()
    assert (sent_sms.status, sent_sms.error_code) == (Status.UNDELIVERED, "30003")
    attention = api.get("/api/v1/attention/").json()["results"]
    assert [(a["booking"], a["kind"]) for a in attention] == [
        (sent_sms.booking_id, "message_failed")
    ]


def inbound(settings, phone, body, sid):
    return {
        "MessageSid": sid,
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "From": phone,
        "To": "+447700900000",
        "Body": body,
        "NumMedia": "0",
    }


def test_yes_confirms_attendance_and_is_shown_in_history(client, settings, sent_sms, officer):
    response = signed_post(
        client, settings, INBOUND_PATH, inbound(settings, str(officer.phone), " yes ", "SM1")
    )

    assert response.status_code == 200
    assert "you have confirmed you will attend on Wed 24 Mar at 10:00" in response.content.decode()
    booking = sent_sms.booking
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is not None
    event = booking.events.get(action="witness_confirmed")
    assert event.actor_label == "witness (SMS)"


def test_no_puts_the_booking_on_the_attention_list(client, settings, sent_sms, officer, api):
    signed_post(client, settings, INBOUND_PATH, inbound(settings, str(officer.phone), "No", "SM2"))

    attention = api.get("/api/v1/attention/").json()["results"]
    assert [a["kind"] for a in attention] == ["witness_cannot_attend"]


def test_stop_and_start_keep_the_opt_out_ledger(client, settings, sent_sms, officer):
    phone = str(officer.phone)
    signed_post(client, settings, INBOUND_PATH, inbound(settings, phone, "STOP", "SM3"))
    officer.refresh_from_db()
    assert officer.sms_opt_out
    assert SmsOptOut.objects.get(phone=phone).is_opted_out
    # reminders still waiting will not be texted
    assert not Message.objects.filter(
        recipient=phone, channel=Channel.SMS, status=Status.PENDING
    ).exists()

    signed_post(client, settings, INBOUND_PATH, inbound(settings, phone, "START", "SM4"))
    officer.refresh_from_db()
    assert not officer.sms_opt_out


def test_anything_else_gets_one_polite_reply_with_the_contact_number(
    client, settings, sent_sms, officer
):
    params = inbound(settings, str(officer.phone), "what time is parking?", "SM5")
    first = signed_post(client, settings, INBOUND_PATH, params)
    repeat = signed_post(client, settings, INBOUND_PATH, params)  # Twilio retried the webhook

    assert "Sorry, we did not understand" in first.content.decode()
    assert settings.WITNESS_CARE_PHONE in first.content.decode()
    assert "<Message>" not in repeat.content.decode()
    assert InboundSms.objects.count() == 1


def test_a_forged_inbound_text_changes_nothing(client, settings, sent_sms, officer):
    response = client.post(
        INBOUND_PATH,
        inbound(settings, str(officer.phone), "STOP", "SM6"),
        HTTP_X_TWILIO_SIGNATURE="bm90IGEgc2lnbmF0dXJl",
    )

    assert response.status_code == 403
    officer.refresh_from_db()
    assert not officer.sms_opt_out
    assert not InboundSms.objects.exists()
