"""Stand-down texts: a thousand witnesses told they are no longer needed.

Set-up (untimed): a thousand confirmed future bookings are cancelled (as a vacated hearing
cancels them) and each gets its stand-down SMS in the outbox, worded by the app's own
`notifications.texts`.

Ours: the time from handing the message ids to Celery as the app does after a commit
(`notifications.outbox.enqueue`: `send_messages` tasks of 25 through Redis) until the last
of them is accepted by the fake Twilio, with the worker pool as deployed
(CELERY_WORKER_CONCURRENCY, twice the cores by default): each task claims its rows,
re-checks that each text is still wanted (the booking, the opt-out ledger), posts it with the
twilio SDK, and records the provider's id and a history entry.
The limit: one process posting the same texts, to the same numbers, with the same SDK call
(`notifications.twilio_client.send_sms`, its connection kept) to the same fake Twilio, one
after another. The fake's delivery callbacks are off for both.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta

import psycopg

from . import servers
from .measure import Measure
from .servers import CpuMeter

WARM_UP = 20
DEADLINE_SECONDS = 300
STALLED_SECONDS = 15


def prepare(world, count: int) -> list[int]:
    """Cancel `count` confirmed future bookings and put their stand-down texts in the outbox;
    returns the messages' ids (consecutive)."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from bookings.models import Booking, BookingStatus
    from notifications import texts
    from notifications.models import Audience, Channel, Kind, Message

    now = timezone.now()
    bookings = list(
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED, starts_at__gt=now + timedelta(days=1)
        )
        .exclude(hearing__court_id=world.feed_court)  # the feed stays as it was measured
        .select_related("suite", "witness")
        .order_by("starts_at", "id")[:count]
    )
    if len(bookings) < count:
        raise RuntimeError(f"only {len(bookings)} future bookings to stand down")
    reason = "Hearing vacated: defendant pleaded guilty"
    with transaction.atomic():
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
            status=BookingStatus.CANCELLED,
            cancellation_reason=reason,
            cancelled_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
        created = Message.objects.bulk_create(
            [
                Message(
                    booking=booking,
                    kind=Kind.STAND_DOWN,
                    booking_version=booking.version + 1,
                    channel=Channel.SMS,
                    audience=Audience.WITNESS,
                    recipient=str(booking.witness.phone),
                    body=texts.sms_text(booking, Kind.STAND_DOWN).body,
                    not_before=now,
                )
                for booking in bookings
            ],
            batch_size=1000,
        )
    return [message.pk for message in created]


def _wait_until_sent(database_url: str, ids: list[int]) -> None:
    """Until none of `ids` is pending or being sent. A task that failed (the database
    restarting under the workers, say) leaves its text for the outbox sweep, which the
    benchmark does not run: waiting stops when nothing has moved for STALLED_SECONDS."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    last_left, last_change = None, time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            left = conn.execute(
                "SELECT count(*) FROM notifications_message WHERE id = ANY(%s) "
                "AND status IN ('pending', 'sending')",
                (ids,),
            ).fetchone()[0]
            if not left:
                return
            if left != last_left:
                last_left, last_change = left, time.monotonic()
            elif time.monotonic() - last_change > STALLED_SECONDS:
                raise RuntimeError(f"{left} texts stuck unsent; see the Celery log")
            time.sleep(0.02)
    raise RuntimeError(f"texts still unsent after {DEADLINE_SECONDS} s")


def _through_celery(database_url: str, ids: list[int]) -> float:
    from notifications.outbox import enqueue

    started = time.perf_counter()
    enqueue(ids)
    _wait_until_sent(database_url, ids)
    return time.perf_counter() - started


def _check_sent(database_url: str, ids: list[int]) -> None:
    with psycopg.connect(database_url) as conn:
        statuses = dict(
            conn.execute(
                "SELECT status, count(*) FROM notifications_message WHERE id = ANY(%s) "
                "GROUP BY status",
                (ids,),
            ).fetchall()
        )
    if statuses != {"queued": len(ids)}:
        raise AssertionError(f"stand-down texts ended as {statuses}")


def _one_process(texts_to_send: list[tuple[str, str, str]]) -> float:
    from notifications.twilio_client import send_sms

    started = time.perf_counter()
    for recipient, body, callback in texts_to_send:
        send_sms(to=recipient, body=body, status_callback=callback)
    return time.perf_counter() - started


def _reset(fake_url: str) -> None:
    servers.http("POST", f"{fake_url}/_fake/reset")
    servers.http(
        "POST", f"{fake_url}/_fake/config", {"callbacks_enabled": False, "callback_delay": 0.05}
    )


def _accepted_by_fake(fake_url: str) -> int:
    _status, body = servers.http("GET", f"{fake_url}/_fake/messages", timeout=60)
    return sum(1 for m in json.loads(body) if m["direction"] == "outbound-api")


def run(
    world, database_url: str, fake_url: str, repeats: int, per_run: int, servers_pids: dict
) -> dict:
    """`servers_pids`: {"celery": pid, "fake-twilio": pid}, for the CPU each side costs."""
    from django.conf import settings

    from notifications.models import Message
    from notifications.sms import status_callback

    if fake_url != settings.TWILIO_API_BASE_URL:
        raise RuntimeError("the one-process sender would not post to the fake Twilio")
    database = database_url.rsplit("/", 1)[1]
    ids = prepare(world, WARM_UP + repeats * per_run)
    warm, batches = (
        ids[:WARM_UP],
        [ids[WARM_UP + n * per_run : WARM_UP + (n + 1) * per_run] for n in range(repeats)],
    )
    _through_celery(database_url, warm)  # workers import, connect, fill their caches
    ours, limit = Measure("/s"), Measure("/s")
    cpu = {"celery": Counter(), "one process": Counter()}
    for batch in batches:
        _reset(fake_url)
        meter = CpuMeter(servers_pids, database).start()
        ours.runs.append(len(batch) / _through_celery(database_url, batch))
        cpu["celery"].update(meter.stop())
        _check_sent(database_url, batch)
        if _accepted_by_fake(fake_url) != len(batch):
            raise AssertionError("the fake Twilio did not get every text")
        # The same texts, numbers and callback addresses, from one process.
        same = [
            (m.recipient, m.body, status_callback(m))
            for m in Message.objects.filter(pk__in=batch).order_by("pk")
        ]
        _reset(fake_url)
        meter = CpuMeter({"fake-twilio": servers_pids["fake-twilio"]}, database).start()
        limit.runs.append(len(same) / _one_process(same))
        cpu["one process"].update(meter.stop())
        if _accepted_by_fake(fake_url) != len(same):
            raise AssertionError("the fake Twilio did not get every text")
    texts = repeats * per_run
    return {
        "ours": ours,
        "limit": limit,
        "texts": per_run,
        "cpu_per_text": {
            "through Celery": {name: seconds / texts for name, seconds in cpu["celery"].items()},
            "one process, twilio SDK": {
                name: seconds / texts for name, seconds in cpu["one process"].items()
            },
        },
    }
