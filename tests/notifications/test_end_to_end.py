"""The whole loop as a person running the service sees it: book through the API, the witness's
phone (the fake Twilio) gets the text, Twilio's signed receipts come back over HTTP, and the
booking's notifications say `delivered`. Then a stand-down, and a STOP."""

import os
import time

import pytest
import requests

from notifications.models import Kind, Message, Status
from tests.factories import api_token_for
from tests.helpers import assert_booked, assert_stood_down, texts_to, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def service(live_server, fake_twilio, settings, scheduler):
    """The app on a real port, Twilio calling it back there, and a signed-in API session."""
    settings.PUBLIC_BASE_URL = live_server.url
    fake_twilio.app_url = live_server.url
    session = requests.Session()
    session.headers["Authorization"] = f"Token {api_token_for(scheduler)}"
    session.base = live_server.url
    return session


def test_book_see_the_text_delivered_stand_down_then_stop(
    service, fake_twilio, clock, hearing, suite, officer, other_officer, mailoutbox
):
    phone = str(officer.phone)
    # when: a scheduler books the officer
    created = service.post(
        f"{service.base}/api/v1/bookings/",
        json={"hearing": hearing.id, "witness": officer.id, "suite": suite.id},
    )
    assert created.status_code == 201, created.text
    booking = created.json()

    # then: the officer's phone has the text, and the booking says it was delivered
    (text,) = texts_to(fake_twilio, phone)
    assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)

    def delivered():
        rows = service.get(f"{service.base}/api/v1/bookings/{booking['id']}/notifications/")
        sms = [
            r
            for r in rows.json()["results"]
            if r["channel"] == "sms" and r["kind"] == "confirmation"
        ]
        return sms and sms[0]["status"] == "delivered" and sms[0]

    row = wait_until(delivered)
    assert row["provider_id"].startswith("SM")
    assert "/w/" in row["body"] and "…" in row["body"]  # the link, masked
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert "METHOD:REQUEST" in mailoutbox[0].alternatives[0][0]

    # when: the booking is cancelled
    cancelled = service.post(
        f"{service.base}/api/v1/bookings/{booking['id']}/cancel/",
        json={"reason": "Defence accepted the officer's statement"},
    )
    assert cancelled.status_code == 200

    # then: a stand-down text and a CANCEL invite
    wait_until(lambda: len(texts_to(fake_twilio, phone)) == 2, what="the stand-down text")
    assert_stood_down(texts_to(fake_twilio, phone)[-1], on="Wed 24 Mar at 10:00", suite=suite.name)
    assert "METHOD:CANCEL" in mailoutbox[-1].alternatives[0][0]

    # when: the officer replies STOP from their phone, and is booked again later
    fake_twilio.inbound(from_=phone, body="STOP")
    wait_until(lambda: _opted_out(officer))
    again = service.post(
        f"{service.base}/api/v1/bookings/",
        json={"hearing": hearing.id, "witness": officer.id, "suite": suite.id},
    )
    assert again.status_code == 201

    # then: no further text reached them
    time.sleep(0.3)
    assert len(texts_to(fake_twilio, phone)) == 2
    sms = Message.objects.get(booking_id=again.json()["id"], kind=Kind.CONFIRMATION, channel="sms")
    assert sms.status == Status.SUPPRESSED


def _opted_out(witness):
    witness.refresh_from_db()
    return witness.sms_opt_out


@pytest.mark.redis
def test_a_real_worker_over_redis_delivers_the_text(
    service, fake_twilio, clock, hearing, suite, officer, settings
):
    """The production path: the web process enqueues on Redis, a Celery worker sends."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = os.environ["REDIS_URL"]
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False):
        created = service.post(
            f"{service.base}/api/v1/bookings/",
            json={"hearing": hearing.id, "witness": officer.id, "suite": suite.id},
        )
        assert created.status_code == 201
        wait_until(lambda: len(texts_to(fake_twilio, str(officer.phone))) == 1, timeout=20)
        wait_until(
            lambda: Message.objects.filter(
                booking_id=created.json()["id"],
                kind=Kind.CONFIRMATION,
                channel="sms",
                status=Status.DELIVERED,
            ).exists(),
            timeout=20,
        )
    (text,) = texts_to(fake_twilio, officer.phone)
    assert_booked(text, on="Wed 24 Mar at 10:00", suite=suite.name)
