"""Availability search over 200 suites and the working set's bookings, for a two-hour window.

Ours: `bookings.selectors.available_suites`, called in-process exactly as the API's view calls
it (the view adds only query parsing and JSON). The limit: one hand-written SQL query (opening
hours as EXISTS, closures and bookings as NOT EXISTS, the bookings' overlap as a range overlap
so that it is answered from the exclusion constraint's GiST index, haversine in ORDER BY)
returning the same suites with the same fields, through a plain psycopg connection (a
server-side prepared statement). Both are timed to the last
row in Python objects; the two must return the same suites in the same order.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import partial
from urllib.parse import urlencode

import psycopg

from core.clock import LONDON

from . import grid, measure
from .client import Client
from .measure import Measure

CALLS_PER_RUN = 100

SQL = """
SELECT s.id, s.code, s.name, s.force_id, f.code AS force_code,
       round((2 * 6371.0088 * asin(sqrt(
           power(sin(radians(s.latitude - %(lat)s) / 2), 2)
           + cos(radians(%(lat)s)) * cos(radians(s.latitude))
             * power(sin(radians(s.longitude - %(lon)s) / 2), 2)
       )))::numeric, 2) AS distance_km,
       s.address, s.postcode, s.latitude, s.longitude, s.location_confidential, s.capacity,
       s.turnaround_minutes
FROM evidence_suites_suite s
JOIN evidence_suites_force f ON f.id = s.force_id
WHERE s.is_active
  AND EXISTS (
    SELECT 1 FROM evidence_suites_openinghours h
    WHERE h.suite_id = s.id AND h.weekday = %(weekday)s
      AND h.opens <= %(local_start)s AND h.closes >= %(local_end)s)
  AND NOT EXISTS (
    SELECT 1 FROM evidence_suites_closure c
    WHERE c.suite_id = s.id AND c.starts_at < %(ends)s AND c.ends_at > %(starts)s)
  AND NOT EXISTS (
    SELECT 1 FROM bookings_booking b
    WHERE b.suite_id = s.id AND b.status IN ('confirmed', 'checked_in', 'completed')
      AND tstzrange(b.occupied_from, b.occupied_until, '[)')
          && tstzrange(%(starts)s - make_interval(mins => s.turnaround_minutes),
                       %(ends)s + make_interval(mins => s.turnaround_minutes), '[)'))
ORDER BY distance_km, s.name
"""


def search_window(world: grid.World) -> tuple[datetime, datetime, tuple[float, float]]:
    """10:30–12:30 on a Wednesday in the next fortnight (some suites close on Wednesdays, some
    are closed for repairs then), from the middle of the first force's area."""
    starts = datetime.combine(world.search_day, time(10, 30), tzinfo=LONDON)
    ends = datetime.combine(world.search_day, time(12, 30), tzinfo=LONDON)
    _code, _name, lat, lon = grid.FORCES[0]
    return starts, ends, (lat, lon)


def run(world: grid.World, database_url: str, repeats: int) -> tuple[Measure, Measure, dict]:
    from bookings.selectors import available_suites

    starts, ends, near = search_window(world)
    params = {
        "lat": near[0],
        "lon": near[1],
        "weekday": starts.weekday(),
        "local_start": starts.time(),
        "local_end": ends.time(),
        "starts": starts,
        "ends": ends,
    }

    def ours():
        return available_suites(starts_at=starts, ends_at=ends, near=near)

    with psycopg.connect(database_url, autocommit=True) as conn:
        prepared = conn.cursor()

        def limit():
            return prepared.execute(SQL, params, prepare=True).fetchall()

        found, expected = ours(), limit()  # also warms both connections and plans
        same_order = [row["suite"] for row in found] == [row[0] for row in expected]
        if {row["suite"] for row in found} != {row[0] for row in expected} or not same_order:
            raise AssertionError("available_suites and the SQL query disagree")
        ours_runs, limit_runs = Measure("s"), Measure("s")
        for _run in range(repeats):
            ours_times, limit_times = [], []
            for _call in range(CALLS_PER_RUN):  # alternated, so both see the same machine
                ours_times.append(measure.seconds(ours)[0])
                limit_times.append(measure.seconds(limit)[0])
            ours_runs.runs.append(measure.median(ours_times))
            limit_runs.runs.append(measure.median(limit_times))
    facts = {
        "window": f"{starts:%a %d %b %Y %H:%M}–{ends:%H:%M} Europe/London",
        "suites_available": len(found),
        "calls_per_run": CALLS_PER_RUN,
    }
    return ours_runs, limit_runs, facts


def http_latencies(app_url: str, token: str, world: grid.World, calls: int) -> list[float]:
    """The same search through gunicorn, for its latency (informative, not in the ratio)."""
    starts, ends, near = search_window(world)
    query = urlencode(
        {
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
            "near": f"{near[0]},{near[1]}",
        }
    )
    client = Client(app_url)
    headers = {"Authorization": f"Token {token}"}
    latencies = []
    try:
        for _call in range(calls + 5):
            elapsed, (status, _headers, body) = measure.seconds(
                partial(client.request, "GET", f"/api/v1/availability/?{query}", None, headers)
            )
            if status != 200:
                raise AssertionError(f"availability over HTTP: {status} {body[:200]}")
            latencies.append(elapsed)
    finally:
        client.close()
    return latencies[5:]  # the first few warm the worker
