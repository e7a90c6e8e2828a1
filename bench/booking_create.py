"""Booking creation: concurrent clients POSTing bookings to gunicorn, against raw INSERTs of
the same rows.

Each run books a fresh set of free slots far ahead (hearings listed, suites open, witnesses
free), plus a few clashing pairs: a second request for the same suite at the same time with
another witness, sent right after the first so that two clients carry them at once. Exactly
one of each pair must win.

Ours: POST /api/v1/bookings/ as each force's scheduler (token auth), BENCH_CLIENTS clients on
keep-alive connections, through the production gunicorn config: the serializer, the booking
rules, the insert under the exclusion constraints, the history entry, the outbox rows for the
confirmation texts, emails and reminders, and their hand-off to the broker. (No Celery worker
consumes them during this path, so the workers do not compete for the two cores; the queue is
emptied before the texts' path.)

The limit: the same rows INSERTed by as many psycopg connections, one transaction each, into
the same table under the same constraints and indexes, the clashing pairs included; then
deleted again (and the table vacuumed) before the HTTP clients book the same slots.

Afterwards, SQL counts active bookings overlapping another of the same suite (set-up and
turnaround included) or of the same witness: there must be none.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from core.clock import LONDON

from . import grid
from .client import Client
from .measure import Measure
from .servers import CpuMeter

DEADLINE_SECONDS = 300  # per run, whatever happens


@dataclass(frozen=True)
class Attempt:
    suite: grid.Suite
    hearing: int
    witness: int
    starts: object
    ends: object
    scheduler: tuple[int, str]  # (user id, token)
    is_twin: bool  # the second of a clashing pair


def plan(world: grid.World, cells, clashing_pairs: int) -> list[Attempt]:
    attempts = []
    every = max(1, len(cells) // max(clashing_pairs, 1))
    twins = 0
    for n, (suite, day, slot, hearing) in enumerate(cells):
        starts, ends = grid.slot_window(day, slot)
        scheduler = world.schedulers[suite.force]
        witness = world.witness_for(suite, day, slot)
        attempts.append(Attempt(suite, hearing, witness, starts, ends, scheduler, False))
        if twins < clashing_pairs and n % every == every // 2:
            # A witness of the same force who is free then (see World.witness_for).
            other = world.witness_for(suite, day, slot, offset=grid.SUITES_PER_FORCE)
            attempts.append(Attempt(suite, hearing, other, starts, ends, scheduler, True))
            twins += 1
    return attempts


def _in_parallel(attempts: list[Attempt], clients: int, make_worker) -> tuple[float, list]:
    """Run `attempts` on `clients` threads, each taking the next one when free. Returns the
    wall time and (attempt, outcome, seconds) for each."""
    results: list = [None] * len(attempts)
    next_index = iter(range(len(attempts)))
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_SECONDS
    errors: list[BaseException] = []

    def client():
        try:
            send, close = make_worker()
        except BaseException as error:  # reported after the threads join
            errors.append(error)
            return
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                started = time.perf_counter()
                outcome = send(attempts[index])
                results[index] = (attempts[index], outcome, time.perf_counter() - started)
        except BaseException as error:
            errors.append(error)
        finally:
            close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_SECONDS + 30)
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    if any(result is None for result in results):
        raise RuntimeError("booking path: not every request finished before the deadline")
    return elapsed, results


def _http_worker(app_url: str):
    def make():
        client = Client(app_url)

        def send(attempt: Attempt) -> tuple[int, str]:
            body = json.dumps(
                {
                    "hearing": attempt.hearing,
                    "witness": attempt.witness,
                    "suite": attempt.suite.id,
                    "starts_at": attempt.starts.astimezone(LONDON).isoformat(),
                    "ends_at": attempt.ends.astimezone(LONDON).isoformat(),
                }
            )
            headers = {
                "Authorization": f"Token {attempt.scheduler[1]}",
                "Content-Type": "application/json",
            }
            status, _headers, payload = client.request("POST", "/api/v1/bookings/", body, headers)
            code = ""
            if status != 201:
                try:
                    code = json.loads(payload).get("code", "")
                except ValueError:
                    code = payload[:200].decode(errors="replace")
            return status, code

        return send, client.close

    return make


INSERT = """
INSERT INTO bookings_booking (
    reference, hearing_id, witness_id, suite_id, starts_at, ends_at, occupied_from,
    occupied_until, status, cancellation_reason, live_link_basis, needs_supporter,
    needs_intermediary, interpreter_language, notes, version, notice_version, created_by_id,
    created_at, updated_at, link_version, overrides_rest_day, video_url, video_room, video_pin)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'confirmed', '', 'cja_2003_s51', false, false, '', '',
        1, 1, %s, now(), now(), 0, false, '', '', '')
"""


def _raw_connections(database_url: str, clients: int) -> list[psycopg.Connection]:
    """Opened before the clock starts and closed after the CPU is read (a backend's CPU time
    goes with it), as gunicorn's workers keep theirs (CONN_MAX_AGE)."""
    connections = []
    for _client in range(clients):
        conn = psycopg.connect(database_url, autocommit=True)
        # Two conflicting INSERTs in flight wait on each other through the exclusion
        # constraint, and PostgreSQL aborts one of them only after deadlock_timeout (1 s): a
        # refusal all the same, and the limit should not sit out a second for it. (The app
        # locks the hearing first, so a clashing pair for one hearing queues instead.)
        conn.execute("SET deadlock_timeout = '10ms'")
        connections.append(conn)
    return connections


def _raw_worker(connections: list[psycopg.Connection], counter):
    def make():
        conn = connections.pop()

        def send(attempt: Attempt) -> tuple[int, str]:
            padding = attempt.suite.turnaround
            try:
                conn.execute(
                    INSERT,
                    (
                        grid.reference("VR", next(counter)),
                        attempt.hearing,
                        attempt.witness,
                        attempt.suite.id,
                        attempt.starts,
                        attempt.ends,
                        attempt.starts - timedelta(minutes=padding),
                        attempt.ends + timedelta(minutes=padding),
                        attempt.scheduler[0],
                    ),
                    prepare=True,
                )
                return 201, ""
            except (psycopg.errors.ExclusionViolation, psycopg.errors.DeadlockDetected):
                return 409, "suite_unavailable"

        return send, lambda: None

    return make


def _tally(results) -> tuple[int, int, list]:
    created = sum(1 for _a, (status, _c), _s in results if status == 201)
    refused = sum(
        1 for _a, (status, c), _s in results if status == 409 and c == "suite_unavailable"
    )
    unexpected = [(status, c) for _a, (status, c), _s in results if status not in (201, 409)]
    return created, refused, unexpected


def double_bookings(database_url: str) -> dict[str, int]:
    """Active bookings that overlap another active booking of the same suite (occupied
    windows) or of the same witness (booked windows)."""
    with psycopg.connect(database_url) as conn:
        suite = conn.execute(
            """SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
               ON a.suite_id = b.suite_id AND a.id < b.id
              AND tstzrange(a.occupied_from, a.occupied_until)
                  && tstzrange(b.occupied_from, b.occupied_until)
             WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"""
        ).fetchone()[0]
        witness = conn.execute(
            """SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
               ON a.witness_id = b.witness_id AND a.id < b.id
              AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
             WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'"""
        ).fetchone()[0]
    return {"suite": suite, "witness": witness}


def _floor_worker(app_url: str, token: str):
    """GET /api/v1/me/: token authentication and a two-field answer, nothing else."""

    def make():
        client = Client(app_url)

        def send(_index) -> tuple[int, str]:
            headers = {"Authorization": f"Token {token}"}
            status, _headers, _payload = client.request("GET", "/api/v1/me/", None, headers)
            return status, ""

        return send, client.close

    return make


def _per_operation(spent: dict[str, float], operations: int) -> dict[str, float]:
    return {name: seconds / operations for name, seconds in spent.items()}


def run(
    world: grid.World,
    app_url: str,
    database_url: str,
    repeats: int,
    per_run: int,
    pairs: int,
    clients: int,
    gunicorn_pid: int,
) -> dict:
    counter = itertools.count(1)
    cells = iter(world.create_cells)
    database = database_url.rsplit("/", 1)[1]
    # Warm every gunicorn worker (imports, database connection) before measuring.
    warm = plan(world, list(itertools.islice(cells, 8 * clients)), 0)
    _in_parallel(warm, clients, _http_worker(app_url))
    ours, limit = Measure("/s"), Measure("/s")
    latencies: list[float] = []
    checks = {"created": 0, "refused": 0, "unexpected": []}
    cpu = {"raw": Counter(), "http": Counter()}
    for _run in range(repeats):
        attempts = plan(world, list(itertools.islice(cells, per_run)), pairs)
        twins = sum(a.is_twin for a in attempts)

        connections = _raw_connections(database_url, clients)
        meter = CpuMeter({}, database).start()
        elapsed, results = _in_parallel(attempts, clients, _raw_worker(connections[:], counter))
        cpu["raw"].update(meter.stop())
        for conn in connections:
            conn.close()
        created, refused, unexpected = _tally(results)
        if created != len(attempts) - twins or refused != twins or unexpected:
            raise AssertionError(f"raw INSERTs: {created} created, {refused} refused")
        limit.runs.append(created / elapsed)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM bookings_booking WHERE reference LIKE 'VR-%%'")
            conn.execute("VACUUM (ANALYZE) bookings_booking")

        meter = CpuMeter({"gunicorn": gunicorn_pid}, database).start()
        elapsed, results = _in_parallel(attempts, clients, _http_worker(app_url))
        cpu["http"].update(meter.stop())
        created, refused, unexpected = _tally(results)
        checks["created"] += created
        checks["refused"] += refused
        checks["unexpected"] += unexpected
        ours.runs.append(created / elapsed)
        latencies += [seconds for _a, _o, seconds in results]
    overlaps = double_bookings(database_url)

    # The floor of any API request on this stack and machine, for the same clients.
    requests = len(attempts)
    meter = CpuMeter({"gunicorn": gunicorn_pid}, database).start()
    elapsed, results = _in_parallel(
        list(range(requests)), clients, _floor_worker(app_url, world.schedulers[0][1])
    )
    floor_cpu = _per_operation(meter.stop(), requests)
    if any(status != 200 for _i, (status, _c), _s in results):
        raise AssertionError("GET /api/v1/me/ failed")
    operations = repeats * per_run + repeats * pairs
    return {
        "ours": ours,
        "limit": limit,
        "latencies": latencies,
        "checks": checks,
        "expected": {"created": repeats * per_run, "refused": repeats * pairs},
        "overlaps": overlaps,
        "cpu_per_request": {
            "raw INSERT": _per_operation(cpu["raw"], operations),
            "POST /api/v1/bookings/": _per_operation(cpu["http"], operations),
            "GET /api/v1/me/": floor_cpu,
        },
        "floor_rate": requests / elapsed,
    }
