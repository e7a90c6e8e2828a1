"""Court lists (#16): the stand-down storm one court's revised list sets off (the lists are
built as `bench.court_lists` builds them).

Set-up, untimed: one court on policy `apply` and, for each run, a new day on which 40 of its
list's 144 hearings have 3 confirmed witnesses each (120 bookings, each witness with a number
of their own); the court's first list for the day has been read (the other 104 hearings
added).

Ours: from `POST /api/v1/court-lists/` with the revised list (the 40 gone), as the admin,
until the fake Twilio took the last of the 120 stand-down texts (by the fake's own clock, on
the same machine; the run then waits, as `bench.sms` does, until every text is recorded
`queued`). In between: the list read, 40 hearings vacated and 120 bookings cancelled with the
list named in their history, in one transaction; the texts and calendar cancellations written
to the outbox and handed to Celery when it commits; the workers, as deployed, sending them.

The limit: the same 120 texts, to the same numbers, posted by one process with the twilio SDK
(`bench.sms`'s own one-process sender). Every witness must get exactly one text, the
stand-down the outbox holds for them, and the fake nothing else. The first storm warms every
worker's code paths and is not counted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from core.clock import local

from . import servers, sms
from .client import Client
from .court_lists import (
    FIRST_LOCATION_ID,
    HEARINGS_PER_LIST,
    PATH,
    Pushed,
    free_weekdays,
    hearing_row,
    list_entries,
    publication_time,
    pushed_list,
)
from .grid import reference
from .measure import Measure
from .servers import CpuMeter

STORM_HEARINGS, WITNESSES_PER_HEARING = 40, 3
STORM_TEXTS = STORM_HEARINGS * WITNESSES_PER_HEARING
#: What a storm may write for each booking, once each: its text taken by Twilio, and the
#: calendar cancellations (CANCEL invites) to the witness's and the suite's email.
STORM_MESSAGES = {
    ("cancellation", "sms", "witness", "queued"),
    ("cancellation", "email", "witness", "sent"),
    ("cancellation", "email", "suite", "sent"),
}


@dataclass
class Storm:
    day: date
    hearings: list[int]  # the 40 the revised list drops
    revised: Pushed
    numbers: set[str] = field(default_factory=set)  # the 120 witnesses'


def _storm_court():
    from bookings.models import Court, ListChangesPolicy

    return Court.objects.create(
        code="bench-storm",
        name="Lewes Magistrates' Court",
        address="The Law Courts\nLewes",
        postcode="BN7 1AB",
        latitude=50.87,
        longitude=0.01,
        contact_email="listing@lewes.courts.example",
        cath_location_id=str(FIRST_LOCATION_ID - 1),
        list_changes=ListChangesPolicy.APPLY,
    )


def _witnesses() -> list[int]:
    """120 witnesses who take texts, each with a number of their own."""
    from bookings.models import Witness

    chosen, numbers = [], set()
    for pk, phone in (
        Witness.objects.filter(sms_opt_out=False).order_by("pk").values_list("pk", "phone")
    ):
        if phone and str(phone) not in numbers:
            chosen.append(pk)
            numbers.add(str(phone))
            if len(chosen) == STORM_TEXTS:
                return chosen
    raise RuntimeError("not enough witnesses with numbers of their own")


def _open(suite, starts_at: datetime, ends_at: datetime) -> bool:
    starts, ends = local(starts_at), local(ends_at)
    return any(
        w == starts.weekday() and o <= starts.time() and ends.time() <= c
        for w, o, c in suite.periods
    )


def _storm_day(world, court, day: date, run: int, witnesses: list[int]) -> Storm:
    """The day's 40 hearings with their 120 bookings, and the court's first list read."""
    from bookings.models import Booking, Hearing
    from court_lists import intake

    entries = list_entries(f"47SD{run}", day)
    booked = {i * HEARINGS_PER_LIST // STORM_HEARINGS for i in range(STORM_HEARINGS)}
    hearings = Hearing.objects.bulk_create(
        [
            hearing_row(court, e.case_reference, e.hearing_type, e.starts_at, e.courtroom)
            for i, e in enumerate(entries)
            if i in booked
        ]
    )
    suites = [suite for suite in world.suites if suite.is_active]
    bookings, used = [], set()
    for hearing in hearings:
        starts_at, ends_at = hearing.starts_at, hearing.starts_at + timedelta(hours=1)
        for _ in range(WITNESSES_PER_HEARING):
            suite = next(s for s in suites if s.id not in used and _open(s, starts_at, ends_at))
            used.add(suite.id)
            padding = timedelta(minutes=suite.turnaround)
            bookings.append(
                Booking(
                    reference=reference("VL", 1 + run * 1000 + len(bookings)),
                    hearing=hearing,
                    witness_id=witnesses[len(bookings)],
                    suite_id=suite.id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    occupied_from=starts_at - padding,
                    occupied_until=ends_at + padding,
                    witness_confirmed_at=world.now,
                    created_by_id=world.admin[0],
                )
            )
    Booking.objects.bulk_create(bookings)
    first = pushed_list(court, day, entries, publication_time(world, 60))
    read = intake.list_receive(
        headers=intake.list_headers(first.headers), document=json.loads(first.raw)
    )
    kept = [e for i, e in enumerate(entries) if i not in booked]
    added = Counter(read.changes.values_list("kind", "state"))
    if read.outcome != "applied" or added != {("added", "applied"): len(kept)}:
        raise AssertionError(f"the storm's first list was read as {read.outcome}, {added}")
    return Storm(
        day=day,
        hearings=[h.pk for h in hearings],
        revised=pushed_list(court, day, kept, publication_time(world, 30)),
    )


def prepare_storms(world, repeats: int, after: date) -> list[Storm]:
    from bookings.models import Witness

    court, witnesses = _storm_court(), _witnesses()
    numbers = {
        str(phone)
        for phone in Witness.objects.filter(pk__in=witnesses).values_list("phone", flat=True)
    }
    storms = []
    for run, day in enumerate(free_weekdays(after, repeats + 1)):
        storms.append(_storm_day(world, court, day, run, witnesses))
        storms[-1].numbers = numbers
    return storms


def _stand_down_texts(storm: Storm) -> list[int]:
    from notifications.models import Channel, Kind, Message

    return list(
        Message.objects.filter(
            booking__hearing_id__in=storm.hearings, kind=Kind.STAND_DOWN, channel=Channel.SMS
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _storm_once(storm: Storm, app_url: str, token: str, database_url: str) -> dict:
    """POST the revised list, and wait until every stand-down text is recorded as taken."""
    client = Client(app_url)
    posted_at, started = datetime.now(UTC), time.perf_counter()
    status, _headers, body = client.request(
        "POST", PATH, storm.revised.raw, storm.revised.http_headers(token)
    )
    answered = time.perf_counter() - started
    client.close()
    if status != 201 or json.loads(body)["outcome"] != "applied":
        raise AssertionError(f"the revised list answered {status}: {body[:300]!r}")
    texts = _stand_down_texts(storm)
    sms._wait_until_sent(database_url, texts)
    recorded = time.perf_counter() - started
    return {"posted_at": posted_at, "answered": answered, "recorded": recorded, "texts": texts}


def _check_storm(storm: Storm, texts: list[int], fake_url: str, database_url: str) -> dict:
    """Every witness stood down once, by the text the outbox holds for them, and nothing else
    sent; returns when the fake took the last text, and what else the storm wrote."""
    from bookings.models import Booking
    from notifications.models import Message

    sms._check_sent(database_url, texts)
    _status, body = servers.http("GET", f"{fake_url}/_fake/messages", timeout=60)
    outbound = [m for m in json.loads(body) if m["direction"] == "outbound-api"]
    got = Counter(m["to"] for m in outbound)
    wanted = dict(Message.objects.filter(pk__in=texts).values_list("recipient", "body"))
    cancelled = Booking.objects.filter(hearing_id__in=storm.hearings, status="cancelled").count()
    faults = []
    if len(texts) != STORM_TEXTS or cancelled != STORM_TEXTS:
        faults.append(f"{len(texts)} stand-down texts for {cancelled} bookings cancelled")
    if set(got) != storm.numbers or set(got.values()) != {1} or len(outbound) != STORM_TEXTS:
        faults.append(f"the fake got {len(outbound)} texts for {len(got)} numbers")
    if any(wanted.get(m["to"]) != m["body"] for m in outbound):
        faults.append("a text at the fake is not the stand-down the outbox holds for its number")
    # The invites go after the texts (no text waits behind one): let them finish, untimed, so
    # the next storm starts on idle workers and the outbox can be checked whole.
    storm_messages = Message.objects.filter(booking__hearing_id__in=storm.hearings)
    sms._wait_until_sent(database_url, list(storm_messages.values_list("pk", flat=True)))
    written = list(
        storm_messages.values_list("booking_id", "kind", "channel", "audience", "status")
    )
    repeated = [key for key, n in Counter(row[:4] for row in written).items() if n > 1]
    if repeated or {row[1:] for row in written} - STORM_MESSAGES:
        odd = {row[1:] for row in written} - STORM_MESSAGES
        faults.append(f"the outbox holds messages repeated ({repeated[:3]}) or odd ({odd})")
    if faults:
        raise AssertionError("storm: " + "; ".join(faults))
    return {
        "last_taken": max(datetime.fromisoformat(m["date_created"]) for m in outbound),
        "other_messages": len(written) - len(texts),
    }


def storm(
    world, database_url: str, app_url: str, fake_url: str, repeats: int, pids: dict, after: date
) -> dict:
    """`pids`: {"gunicorn", "celery", "fake-twilio"}, for the CPU a storm costs."""
    from notifications.models import Message
    from notifications.sms import status_callback

    storms = prepare_storms(world, repeats, after)
    database = database_url.rsplit("/", 1)[1]
    ours, limit, answers, recorded, other = Measure("s"), Measure("s"), [], [], 0
    cpu: Counter = Counter()
    for n, one in enumerate(storms):
        sms._reset(fake_url)
        meter = CpuMeter(pids, database).start()
        run = _storm_once(one, app_url, world.admin[1], database_url)
        used = meter.stop()
        checked = _check_storm(one, run["texts"], fake_url, database_url)
        same = [
            (m.recipient, m.body, status_callback(m))
            for m in Message.objects.filter(pk__in=run["texts"]).order_by("pk")
        ]
        sms._reset(fake_url)
        alone = sms._one_process(same)
        if sms._accepted_by_fake(fake_url) != len(same):
            raise AssertionError("the fake Twilio did not get every text")
        if n == 0:
            continue  # the first storm warms the endpoint's code paths in every worker
        ours.runs.append((checked["last_taken"] - run["posted_at"]).total_seconds())
        limit.runs.append(alone)
        answers.append(round(run["answered"], 3))
        recorded.append(round(run["recorded"], 3))
        other = checked["other_messages"]
        cpu.update(used)
    return {
        "ours": ours,
        "limit": limit,
        "facts": {
            "texts": STORM_TEXTS,
            "post_answered_s": answers,
            "all_recorded_s": recorded,
            "other_messages_written": other,
        },
        "cpu_per_text": {name: spent / (repeats * STORM_TEXTS) for name, spent in cpu.items()},
    }
