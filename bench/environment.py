"""How big the benchmark is, what it runs against, and the environment its servers get.

BENCH_SCALE         1 (default) is the full data set; 0.05 runs the same paths on a
                    twentieth of the data and volume, for a quick try
BENCH_REPEATS       runs of each path; the table shows medians (default 3)
BENCH_CLIENTS       concurrent HTTP clients for the booking path (default 8)
BENCH_POSTGRES_URL  a maintenance database on the server to create the benchmark's own
                    database from (default postgresql://postgres@127.0.0.1:5432/postgres)
BENCH_REDIS_URL     the Redis server; the benchmark takes one empty logical database on it
                    and empties it again at the end (default redis://127.0.0.1:6379)
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
#: Server logs and the machine-readable results of the last run.
OUTPUT_DIR = ROOT / "var" / "bench"

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REPEATS = max(1, int(os.environ.get("BENCH_REPEATS", "3")))
CLIENTS = max(1, int(os.environ.get("BENCH_CLIENTS", "8")))
#: Record py-spy profiles of the servers during the HTTP and Celery paths (slows them a little).
PROFILE = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")

# The fake Twilio accepts these; nothing here reaches the real Twilio.
TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
TWILIO_AUTH_TOKEN = "dev-auth-token-for-the-fake-twilio"
TWILIO_MESSAGING_SERVICE_SID = "MG00000000000000000000000000000000"


def _scaled(full: int, smallest: int) -> int:
    return max(smallest, round(full * SCALE))


@dataclass(frozen=True)
class Sizes:
    """The issue's numbers at BENCH_SCALE=1."""

    suites: int = 200
    #: Bookings in the weeks around today: what availability searches and feeds read.
    working_bookings: int = _scaled(20_000, 1_000)
    #: Events in the court feed (a busy court's share of the working bookings).
    feed_events: int = _scaled(5_000, 100)
    #: All bookings once the history is loaded: what the hours-saved report reads.
    report_bookings: int = _scaled(1_000_000, 20_000)
    #: Stand-down texts per run.
    texts: int = _scaled(1_000, 100)
    #: Bookings created per run over HTTP (and inserted raw).
    creates: int = _scaled(2_000, 200)
    #: Pairs of requests for the same suite at the same time, sent together: one must lose.
    clashing_pairs: int = _scaled(20, 5)
    #: Courts whose lists (144 hearings each) are read in the national morning.
    morning_courts: int = _scaled(130, 10)


SIZES = Sizes()


def database_url(name: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def free_port() -> int:
    """A port nothing listens on now (the server started next binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def django_environment(*, database: str, redis: str, twilio_url: str, app_url: str) -> dict:
    """What both the benchmark's own Django and the servers read (config/settings/)."""
    return {
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": TWILIO_MESSAGING_SERVICE_SID,
        "TWILIO_API_BASE_URL": twilio_url,
        "PUBLIC_BASE_URL": app_url,
        # The limits exist to stop abuse; the benchmark is one very busy user per force.
        "THROTTLE_USER": "1000000/min",
        "THROTTLE_ANON": "1000000/min",
    }


def server_environment(common: dict) -> dict:
    """Production settings, as docker-compose runs them, on loopback without TLS."""
    return {
        **os.environ,
        **common,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
    }
