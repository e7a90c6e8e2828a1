"""A busy court's calendar feed (`/feeds/<token>.ics`) over HTTP, and the same with
If-None-Match.

Ours: a full GET through gunicorn (token lookup, fetch telemetry, ETag query, events query,
the events' text, icalendar, the response), timed at the client to the last byte. The limit:
`icalendar` alone building and serialising the same events, from values already in memory
(what the feed's body is made of, with no database and no HTTP). The two bodies must be the
same bytes. The 304 is measured against the full fetch.
"""

from __future__ import annotations

from datetime import UTC
from functools import partial

import icalendar

from . import grid, measure
from .client import Client
from .measure import Measure

FULL_FETCHES_PER_RUN = 5
CONDITIONAL_FETCHES_PER_RUN = 50


def make_token(world: grid.World) -> str:
    from accounts.models import User
    from bookings.models import Court
    from bookings.services import feed_token_create

    token = feed_token_create(
        actor=User.objects.get(pk=world.admin[0]),
        scope="court",
        subject=Court.objects.get(pk=world.feed_court),
        label="List office (benchmark)",
    )
    return token.secret


def _events_in_memory(secret: str) -> tuple[str, list[tuple]]:
    """The feed's events as plain values, computed by the app's own code (untimed)."""
    from bookings import feeds
    from bookings.calendar import booking_uid
    from core.clock import local

    token = feeds.feed_token_for_secret(secret)
    window = feeds.feed_window()
    values = []
    for booking in feeds.feed_events(token=token, window=window):
        summary, description, location = feeds.event_text(booking, token.scope)
        values.append(
            (
                booking_uid(booking),
                booking.version,
                booking.updated_at.astimezone(UTC),
                booking.created_at,
                booking.updated_at,
                local(booking.starts_at),
                local(booking.ends_at),
                summary,
                description,
                location,
                "CANCELLED" if booking.status == "cancelled" else "CONFIRMED",
            )
        )
    return feeds.calendar_name(token), values


def _icalendar_alone(name: str, events: list[tuple]) -> bytes:
    from bookings.calendar import new_calendar
    from bookings.feeds import REFRESH_INTERVAL

    # The calendar's header (a dozen lines) is the app's; the events are built here.
    calendar = new_calendar(name=name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    for (
        uid,
        sequence,
        stamp,
        created,
        modified,
        starts,
        ends,
        summary,
        text,
        where,
        status,
    ) in events:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("sequence", sequence)
        event.add("dtstamp", stamp)
        event.add("created", created)
        event.add("last-modified", modified)
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("summary", summary)
        event.add("description", text)
        if where:
            event.add("location", where)
        event.add("status", status)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def _get(client: Client, path: str, headers: dict):
    status, response_headers, body = client.request("GET", path, headers=headers)
    return status, response_headers.get("ETag"), body


def run(app_url: str, secret: str, repeats: int) -> dict:
    connection = Client(app_url)
    path = f"/feeds/{secret}.ics"
    agent = {"User-Agent": "Microsoft Outlook 16.0 (benchmark)"}
    name, events = _events_in_memory(secret)
    full, conditional, alone = Measure("s"), Measure("s"), Measure("s")
    full_latencies, conditional_latencies = [], []
    try:
        status, etag, body = _get(connection, path, agent)  # warms the worker
        if status != 200:
            raise AssertionError(f"feed: HTTP {status}")
        rebuilt = _icalendar_alone(name, events)
        if rebuilt != body:
            raise AssertionError("icalendar alone did not produce the feed's bytes")
        for _run in range(repeats):
            times, limit_times = [], []
            for _fetch in range(FULL_FETCHES_PER_RUN):
                elapsed, (status, etag, body) = measure.seconds(
                    lambda: _get(connection, path, agent)
                )
                assert status == 200, status
                times.append(elapsed)
                limit_times.append(measure.seconds(lambda: _icalendar_alone(name, events))[0])
            full.runs.append(measure.median(times))
            alone.runs.append(measure.median(limit_times))
            full_latencies += times
            times = []
            fetch_unchanged = partial(_get, connection, path, {**agent, "If-None-Match": etag})
            for _fetch in range(CONDITIONAL_FETCHES_PER_RUN):
                elapsed, (status, _etag, _body) = measure.seconds(fetch_unchanged)
                assert status == 304, status
                times.append(elapsed)
            conditional.runs.append(measure.median(times))
            conditional_latencies += times
    finally:
        connection.close()
    return {
        "full": full,
        "icalendar": alone,
        "conditional": conditional,
        "full_latencies": full_latencies,
        "conditional_latencies": conditional_latencies,
        "events": body.count(b"BEGIN:VEVENT"),
        "bytes": len(body),
    }
