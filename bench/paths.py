"""Each hot path in turn, against its physical limit: availability, the court feed, booking
creation, the stand-down texts (after Celery starts), and the hours-saved report (after the
history is loaded). Each row of the table is shown as soon as it is measured."""

from __future__ import annotations

import os
import sys
from datetime import timedelta

from . import environment, measure, servers
from .environment import CLIENTS, REPEATS, SIZES


def say(text: str) -> None:
    """Announce the next step, on fresh database connections: PostgreSQL may have been
    restarted under the benchmark (by someone's test run on a shared machine), and a kept
    connection would fail the step."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    print(f"• {text}", flush=True)


class _Rows(list):
    """The table's rows, each shown as soon as it is measured."""

    def append(self, row: measure.Row) -> None:
        super().append(row)
        print(
            f"  {row.ours.text()} vs {row.limit.text()} ({row.limit_name}): "
            f"{row.ratio:.3g}×, target {row.target_text}: {'met' if row.met else 'NOT met'}",
            flush=True,
        )


def run_paths(
    world, window, conn, url, app_url, twilio_url, env, log_dir, started, sampler
) -> dict:
    from . import availability, booking_create, data, feed, report, sms

    gunicorn = next(server for server in started if server.name == "gunicorn")
    rows = _Rows()
    latencies: dict[str, list[float]] = {}
    facts: dict = {}

    say("availability search")
    ours, limit, facts["availability"] = availability.run(world, url, REPEATS)
    rows.append(
        measure.Row(
            f"Availability: {SIZES.suites} suites, {world.bookings:,} bookings, 2-hour window",
            "one SQL query",
            ours,
            limit,
            3,
            at_least=False,
        )
    )
    latencies["GET /api/v1/availability/"] = availability.http_latencies(
        app_url, world.schedulers[0][1], world, 100
    )

    say("court feed")
    secret = feed.make_token(world)
    profile = servers.Profile.start(gunicorn, log_dir, "feed")
    result = feed.run(app_url, secret, REPEATS)
    profile.stop()
    facts["feed"] = {"events": result["events"], "bytes": result["bytes"]}
    rows.append(
        measure.Row(
            f"Court feed, {result['events']:,} events (full GET)",
            "icalendar alone",
            result["full"],
            result["icalendar"],
            1.5,
            at_least=False,
        )
    )
    rows.append(
        measure.Row(
            "Court feed, If-None-Match (304)",
            "the full GET",
            result["conditional"],
            result["full"],
            0.05,
            at_least=False,
        )
    )
    latencies["GET feed (200, full)"] = result["full_latencies"]
    latencies["GET feed (304)"] = result["conditional_latencies"]

    say(f"booking creation: {CLIENTS} clients, {SIZES.creates:,} bookings per run")
    profile = servers.Profile.start(gunicorn, log_dir, "booking-create")
    result = booking_create.run(
        world, app_url, url, REPEATS, SIZES.creates, SIZES.clashing_pairs, CLIENTS, gunicorn.pid
    )
    profile.stop()
    overlaps = result["overlaps"]
    correct = (
        overlaps == {"suite": 0, "witness": 0}
        and result["checks"]["created"] == result["expected"]["created"]
        and result["checks"]["refused"] == result["expected"]["refused"]
        and not result["checks"]["unexpected"]
    )
    facts["booking_create"] = {
        **result["checks"],
        "expected": result["expected"],
        "double_bookings": overlaps,
    }
    if not correct:  # a wrong answer is a failure, whatever the speed
        raise AssertionError(f"booking path: {facts['booking_create']}")
    rows.append(
        measure.Row(
            f"Booking create over HTTP ({CLIENTS} clients)",
            "raw INSERTs",
            result["ours"],
            result["limit"],
            0.25,
            at_least=True,
            extra_check=("0 double bookings", correct),
        )
    )
    latencies["POST /api/v1/bookings/"] = result["latencies"]
    cpu = {**result["cpu_per_request"]}
    floor = {
        "GET /api/v1/me/ (token auth only), same clients": f"{result['floor_rate']:,.0f} /s",
        "as a share of the raw INSERT rate": f"{result['floor_rate'] / rows[-1].limit.value:.3f}×",
    }
    budgets = [_budget(rows[-1], cpu["POST /api/v1/bookings/"], "booking")]

    # The bookings just made queued their confirmations; nobody is waiting for them here.
    from config.celery import app as celery_app

    celery_app.control.purge()
    from django.conf import settings

    workers = settings.CELERY_WORKER_CONCURRENCY  # as deployed (docker-compose sets no flag)
    celery = servers.start_celery(env, log_dir)
    started.append(celery)
    sampler.add("celery", celery.pid)
    say(f"stand-down texts: {SIZES.texts:,} per run, {workers} Celery worker processes")
    profile = servers.Profile.start(celery, log_dir, "sms")
    fake = next(server for server in started if server.name == "fake-twilio")
    result = sms.run(
        world,
        url,
        twilio_url,
        REPEATS,
        SIZES.texts,
        {"celery": celery.pid, "fake-twilio": fake.pid},
    )
    profile.stop()
    rows.append(
        measure.Row(
            f"{SIZES.texts:,} stand-down SMS (Celery, Redis, fake Twilio)",
            "one process, twilio SDK",
            result["ours"],
            result["limit"],
            0.5,
            at_least=True,
        )
    )
    cpu.update({f"text {how}": spent for how, spent in result["cpu_per_text"].items()})
    budgets.append(_budget(rows[-1], result["cpu_per_text"]["through Celery"], "text"))

    _court_lists(world, url, app_url, twilio_url, log_dir, started, rows, facts, cpu)

    say(f"history: loading up to {SIZES.report_bookings:,} bookings")
    data.load_history(conn, world, window)
    data.finish(conn, world)
    # Informative: the same search once the table holds years of history.
    ours, limit, _facts = availability.run(world, url, REPEATS)
    facts["availability_with_history"] = {
        "ours": ours.text(),
        "limit": limit.text(),
        "ratio": round(ours.value / limit.value, 2),
    }
    say("hours-saved report")
    ours, limit, facts["report"] = report.run(world, url, REPEATS)
    rows.append(
        measure.Row(
            f"Hours-saved report, {facts['report']['bookings']:,} bookings",
            "one GROUP BY",
            ours,
            limit,
            2,
            at_least=False,
        )
    )
    return {
        "rows": rows,
        "latencies": latencies,
        "memory": {name: peak for name, peak in sampler.stop().items()},
        "facts": facts,
        "workers": {"gunicorn": _gunicorn_workers(), "celery": workers},
        "cpu": cpu,
        "floor": floor,
        "budgets": budgets,
    }


def _court_lists(world, url, app_url, twilio_url, log_dir, started, rows, facts, cpu) -> None:
    """Issue #16's two paths (bench/court_lists.py), while Celery runs."""
    from . import court_list_storm, court_lists

    say(
        f"court lists: a national morning, {SIZES.morning_courts} lists of "
        f"{court_lists.HEARINGS_PER_LIST} hearings"
    )
    result = court_lists.morning(world, app_url, REPEATS, SIZES.morning_courts)
    facts["national_morning"] = result["facts"]
    rows.append(
        measure.Row(
            f"National morning: {SIZES.morning_courts} lists, "
            f"{result['facts']['hearings']:,} hearings read and compared",
            "json.loads + jsonschema alone",
            result["ours"],
            result["limit"],
            3,
            at_least=False,
        )
    )
    say(
        f"court lists: a stand-down storm, {court_list_storm.STORM_HEARINGS} hearings dropped, "
        f"{court_list_storm.STORM_TEXTS} witnesses"
    )
    pids = {server.name: server.pid for server in started}
    profiles = [
        servers.Profile.start(server, log_dir, "storm")
        for server in started
        if server.name in ("gunicorn", "celery")
    ]
    result = court_list_storm.storm(
        world, url, app_url, twilio_url, REPEATS, pids, after=result["day"] + timedelta(days=1)
    )
    for profile in profiles:
        profile.stop()
    facts["stand_down_storm"] = result["facts"]
    rows.append(
        measure.Row(
            f"Stand-down storm: a list drops {court_list_storm.STORM_HEARINGS} hearings, "
            f"{court_list_storm.STORM_TEXTS} texts (POST to last text)",
            f"{court_list_storm.STORM_TEXTS} texts, one process, twilio SDK",
            result["ours"],
            result["limit"],
            2,
            at_least=False,
        )
    )
    cpu["storm, per text (POST to last text)"] = result["cpu_per_text"]


def _budget(row: measure.Row, cpu: dict[str, float], unit: str) -> str:
    """The cores a path would need to reach its target rate, at the CPU its servers spend on
    one operation now (the benchmark's own clients left out)."""
    wanted = row.target * row.limit.value
    total = sum(seconds for name, seconds in cpu.items() if name != "benchmark")
    return (
        f"{row.path}: at the target ({row.target:g} × {row.limit.text()} = {wanted:,.0f} /s), "
        f"{total * 1000:.1f} ms of server CPU per {unit} would need {wanted * total:.1f} cores; "
        f"this machine has {os.cpu_count()}."
    )


def _gunicorn_workers() -> int:
    import runpy

    return runpy.run_path(str(environment.ROOT / "config" / "gunicorn.py"))["workers"]
