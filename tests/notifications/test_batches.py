"""A collapsed court list stands down many witnesses at once: their texts go in batches, each
exactly once, and a failure half-way (Twilio down, a worker stopping) loses none and repeats
none. Through the real twilio SDK to the fake Twilio."""

import http.client
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import BookingEvent
from notifications import claims, outbox, sending, tasks, twilio_client
from notifications.models import Channel, Kind, Message, SmsOptOut, Status
from notifications.tasks import sweep_outbox
from tests.factories import SuiteFactory, WitnessFactory
from tests.helpers import assert_stood_down, texts_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand_downs(clock, hearing, sussex, django_capture_on_commit_callbacks):
    """Twelve witnesses booked into twelve suites for one hearing, which is then vacated: their
    stand-down texts, in the outbox and not yet handed to a worker."""
    with django_capture_on_commit_callbacks(execute=False):
        for n in range(12):
            services.booking_create(
                actor=None,
                hearing=hearing,
                witness=WitnessFactory(force=sussex, phone=f"+447700900{100 + n}"),
                suite=SuiteFactory(force=sussex),
            )
        services.hearing_vacate(actor=None, hearing=hearing, reason="Defendant pleaded guilty")
    texts = Message.objects.filter(
        kind=Kind.STAND_DOWN, channel=Channel.SMS, status=Status.PENDING
    ).order_by("pk")
    assert texts.count() == 12
    return list(texts)


def outbound(fake):
    return [m for m in fake.messages() if m["direction"] == "outbound-api"]


def assert_each_stood_down_once(fake, stand_downs):
    """Each of these witnesses' phones has one text: the stand-down for their booking."""
    for message in stand_downs:
        (text,) = texts_to(fake, message.recipient)
        assert_stood_down(text, on="Wed 24 Mar at 10:00", suite=message.booking.suite.name)


def test_a_batch_sends_each_text_once_and_records_it(stand_downs, fake_twilio):
    outcomes = sending.messages_send(message_ids=[m.pk for m in stand_downs])

    assert {outcome.result for outcome in outcomes.values()} == {"sent"}
    sent = outbound(fake_twilio)
    assert sorted(m["to"] for m in sent) == sorted(m.recipient for m in stand_downs)
    for message in stand_downs:
        message.refresh_from_db()
        assert message.status in {Status.QUEUED, Status.SENT, Status.DELIVERED}
        assert message.provider_id in {m["sid"] for m in sent}
        assert message.body.startswith("You are no longer needed to give evidence")
        handed = BookingEvent.objects.filter(booking=message.booking, action="sms_queued")
        assert handed.count() == 1
    assert_each_stood_down_once(fake_twilio, stand_downs)


def test_running_the_same_batch_twice_sends_nothing_more(stand_downs, fake_twilio):
    ids = [m.pk for m in stand_downs]
    sending.messages_send(message_ids=ids)

    again = sending.messages_send(message_ids=ids + ids)

    assert {outcome.result for outcome in again.values()} == {"not_claimed"}
    assert len(outbound(fake_twilio)) == 12
    assert_each_stood_down_once(fake_twilio, stand_downs)


def test_a_number_that_replied_stop_is_skipped_and_the_rest_go(stand_downs, fake_twilio):
    quiet = stand_downs[5]
    SmsOptOut.objects.create(phone=quiet.recipient, keyword="STOP", changed_at=quiet.created_at)

    outcomes = sending.messages_send(message_ids=[m.pk for m in stand_downs])

    assert outcomes[quiet.pk].result == "suppressed"
    assert quiet.recipient not in {m["to"] for m in outbound(fake_twilio)}
    assert len(outbound(fake_twilio)) == 11
    assert_each_stood_down_once(fake_twilio, [m for m in stand_downs if m != quiet])


def test_when_twilio_fails_the_rest_of_the_batch_waits_and_then_goes_once(
    stand_downs, fake_twilio, clock, monkeypatch
):
    # given: Twilio answers the third text with a 500
    real_send, calls = twilio_client.send_sms, []

    def third_fails(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 3:
            fake_twilio.configure(fail_next=["500"])
        return real_send(**kwargs)

    monkeypatch.setattr(twilio_client, "send_sms", third_fails)
    outcomes = sending.messages_send(message_ids=[m.pk for m in stand_downs])

    # then: two went; the third and everything after it wait for the retry, and only the one
    # that was tried counts an attempt
    assert [outcomes[m.pk].result for m in stand_downs] == ["sent"] * 2 + ["retrying"] * 10
    assert len(outbound(fake_twilio)) == 2
    waiting = Message.objects.filter(pk__in=[m.pk for m in stand_downs[2:]])
    assert set(waiting.values_list("status", flat=True)) == {Status.PENDING}
    assert sorted(waiting.values_list("attempts", flat=True)) == [0] * 9 + [1]
    assert min(waiting.values_list("not_before", flat=True)) > timezone.now()

    # when: the retry is due and the sweep hands them over
    monkeypatch.setattr(twilio_client, "send_sms", real_send)
    clock.shift(timedelta(minutes=1))
    sweep_outbox()

    # then: every witness has exactly one stand-down text
    sent = outbound(fake_twilio)
    assert sorted(m["to"] for m in sent) == sorted(m.recipient for m in stand_downs)
    assert_each_stood_down_once(fake_twilio, stand_downs)


def test_a_worker_stopping_half_way_loses_no_text_and_repeats_none(
    stand_downs, fake_twilio, clock, monkeypatch
):
    # given: the worker is stopped (SystemExit, as a shutdown raises) after Twilio took four
    # texts; an error in one message would not stop the batch
    real_send = twilio_client.send_sms
    calls = []

    def send_then_stop(**kwargs):
        if len(calls) == 4:
            raise SystemExit("worker stopped")
        calls.append(kwargs["to"])
        return real_send(**kwargs)

    monkeypatch.setattr(twilio_client, "send_sms", send_then_stop)
    with pytest.raises(SystemExit):
        sending.messages_send(message_ids=[m.pk for m in stand_downs])
    monkeypatch.setattr(twilio_client, "send_sms", real_send)

    # then: the four Twilio took are recorded; the others are still claimed
    statuses = dict(
        Message.objects.filter(pk__in=[m.pk for m in stand_downs]).values_list("pk", "status")
    )
    assert [statuses[m.pk] for m in stand_downs[:4]] == [Status.QUEUED] * 4
    assert {statuses[m.pk] for m in stand_downs[4:]} == {Status.SENDING}

    # when: the sweep recovers the stale claims
    clock.shift(claims.STALE_CLAIM + timedelta(seconds=1))
    sweep_outbox()
    sweep_outbox()

    # then: every witness has exactly one stand-down text
    sent = outbound(fake_twilio)
    assert sorted(m["to"] for m in sent) == sorted(m.recipient for m in stand_downs)
    assert_each_stood_down_once(fake_twilio, stand_downs)


def test_a_burst_is_handed_to_workers_in_batches(stand_downs, monkeypatch):
    batches = []
    monkeypatch.setattr(tasks, "SEND_BATCH", 5)
    monkeypatch.setattr(tasks.send_messages, "delay", batches.append)

    outbox.enqueue([m.pk for m in stand_downs])

    assert [len(batch) for batch in batches] == [5, 5, 2]
    assert [pk for batch in batches for pk in batch] == [m.pk for m in stand_downs]


def test_the_fake_twilio_keeps_the_connection_open_like_twilio(fake_twilio):
    url = urlsplit(fake_twilio.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)

    statuses = []
    for _request in range(3):
        connection.request("GET", "/_fake/config")
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    socket_after = connection.sock

    assert statuses == [200, 200, 200]
    assert socket_after is not None  # one connection served all three
    connection.close()


def test_a_batch_reads_each_text_once_more_just_before_it_goes_and_no_more(
    stand_downs, fake_twilio
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        sending.messages_send(message_ids=[m.pk for m in stand_downs])

    # The claim and the record of what Twilio took are per batch; each text costs the one
    # fresh read that lets a cancellation or a new number committed meanwhile be honoured.
    per_text = [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith("SELECT")
        and '"notifications_message"."claim_token" = ' in q["sql"]
    ]
    assert len(per_text) == len(stand_downs)
    assert len(queries) <= 9 + len(stand_downs), len(queries)
