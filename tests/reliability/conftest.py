"""The service under stress: many people at once, and the things it depends on failing.

Races go through HTTP to a live server. Outages use a Redis broker each test starts and stops
for itself (so stopping it disturbs nobody else), Celery workers as real subprocesses (so one
can be SIGKILLed), and the fake Twilio on loopback.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection

from notifications.fake_twilio import FakeTwilio
from notifications.twilio_client import BaseUrlHttpClient
from tests.factories import api_token_for
from tests.helpers import wait_until

BASE_DIR = Path(django_settings.BASE_DIR)
ACCOUNT_SID = "AC" + "ef" * 16
AUTH_TOKEN = "reliability-auth-token"
MESSAGING_SERVICE_SID = "MG" + "01" * 16


# --- HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    method: str
    path: str
    status_code: int
    text: str
    seconds: float

    def json(self):
        return json.loads(self.text)


class Api:
    """A scheduler's token, and requests with it to the live server."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def session(self) -> requests.Session:
        """A client that keeps its connection alive between requests (and so, on the server,
        its thread and that thread's database connection)."""
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        return session

    def connect(self) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        conn.connect()
        return conn

    def send(self, method, path, body=None, *, over=None) -> Reply:
        """One request on a connection of its own (`over`, if already open), closed after it:
        a live-server thread serving a kept-alive connection holds a database connection
        until the client's next request, and fifty of those exhaust PostgreSQL's slots."""
        conn = over or self.connect()
        headers = {"Authorization": f"Token {self.token}", "Connection": "close"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        return Reply(method, path, response.status, text, time.monotonic() - started)

    def all_at_once(self, calls: list[tuple[str, str, dict | None]]) -> list[Reply]:
        """Send every (method, path, body) from its own thread, released together by a
        barrier; the replies in the same order. The connections are opened first, so what
        races is the requests."""
        conns = []
        for _ in calls:
            conns.append(self.connect())
            time.sleep(0.005)  # one at a time: the live server's listen queue holds ten
        barrier = threading.Barrier(len(calls))

        def send(conn, call):
            barrier.wait(timeout=60)
            return self.send(*call, over=conn)

        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            return list(pool.map(send, conns, calls))


@pytest.fixture
def api_http(live_server, scheduler) -> Api:
    return Api(live_server.url, api_token_for(scheduler))


def no_server_errors(replies: list[Reply]) -> list[str]:
    """What came back as a 5xx, for the assertion message ('database is locked' and the like)."""
    return [
        f"{r.status_code} {r.method} {r.path}: {r.text[:300]}"
        for r in replies
        if r.status_code >= 500
    ]


# --- Fake Twilio -------------------------------------------------------------------------------


@pytest.fixture
def twilio(settings):
    """The fake Twilio, with this process's SDK pointed at it. Status callbacks are off: these
    tests count what reached the provider, not the receipts."""
    fake = FakeTwilio(
        account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, messaging_service_sid=MESSAGING_SERVICE_SID
    ).start()
    fake.configure(callbacks_enabled=False, callback_delay=0.02)
    settings.TWILIO_API_BASE_URL = fake.url
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = MESSAGING_SERVICE_SID
    settings.TWILIO_TIMEOUT_SECONDS = 5
    yield fake
    fake.stop()


class ProviderTraffic(logging.Handler):
    """Counts the texts this process asked Twilio to create (at the SDK's HTTP client) and the
    requests the fake has answered (from its log). A request the client gave up on (a timeout)
    is answered late, and the text taken then: while the counts differ, a text may still be on
    its way."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.sent = self.answered = 0
        self._lock = threading.Lock()

    def count_request(self, method: str, url: str) -> None:
        if method == "POST" and url.endswith("/Messages.json"):
            with self._lock:
                self.sent += 1

    def emit(self, record):
        text = record.getMessage()
        if "Messages.json" in text and '"POST ' in text:
            with self._lock:
                self.answered += 1

    def settled(self) -> bool:
        return self.sent == self.answered


@pytest.fixture
def provider_traffic(monkeypatch):
    traffic = ProviderTraffic()
    sdk_request = BaseUrlHttpClient.request

    def counted(client, method, url, *args, **kwargs):
        traffic.count_request(method, url)
        return sdk_request(client, method, url, *args, **kwargs)

    monkeypatch.setattr(BaseUrlHttpClient, "request", counted)
    logger = logging.getLogger("notifications.fake_twilio")
    level = logger.level
    logger.setLevel(logging.INFO)  # whatever LOG_LEVEL says: these records are the count
    logger.addHandler(traffic)
    yield traffic
    logger.removeHandler(traffic)
    logger.setLevel(level)


# --- A Redis of our own, and the Celery app pointed at it ------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway redis-server: no persistence, so a stop loses whatever it held, as a crashed
    broker without AOF would."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.starts += 1
        with open(self.log_dir / f"redis-{self.starts}.log", "wb") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _reset_producer_pools(app) -> None:
    # The app keeps its connection and producer pools for the broker it first talked to.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path, settings):
    """A Redis of this test's own, which the web side (this process) enqueues on: tasks are no
    longer run in-process."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    from config.celery import app

    redis = RedisServer(tmp_path)
    redis.start()
    saved = app.conf.broker_url
    app.conf.broker_url = redis.url
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_producer_pools(app)
    yield redis
    redis.kill()
    app.conf.broker_url = saved
    _reset_producer_pools(app)


def database_url_for_another_process() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def sigkill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.sigkill()


@pytest.fixture
def start_worker(transactional_db, broker, twilio, settings, tmp_path):
    """Start `celery -A config worker` as its own process, configured as production would be
    (same secret key and public address, so a retried text is byte-for-byte the first one)
    but on the test database, this test's Redis and the fake Twilio. Torn down before the
    database is."""
    started: list[Worker] = []

    def start(*, concurrency: int = 4, twilio_timeout: float = 5) -> Worker:
        log = tmp_path / f"worker-{len(started) + 1}.log"
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PYTEST", "DJANGO_", "CELERY_", "TWILIO_", "DATABASE_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DJANGO_SECRET_KEY=settings.SECRET_KEY,
            DATABASE_URL=database_url_for_another_process(),
            CELERY_BROKER_URL=broker.url,
            TWILIO_API_BASE_URL=twilio.url,
            TWILIO_ACCOUNT_SID=ACCOUNT_SID,
            TWILIO_AUTH_TOKEN=AUTH_TOKEN,
            TWILIO_MESSAGING_SERVICE_SID=MESSAGING_SERVICE_SID,
            TWILIO_TIMEOUT_SECONDS=str(twilio_timeout),
            PUBLIC_BASE_URL=settings.PUBLIC_BASE_URL,
            EMAIL_URL="dummymail://",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=threads",
                    f"--concurrency={concurrency}",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=reliability{len(started) + 1}@%h",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(process, log)
        started.append(worker)
        wait_until(
            lambda: " ready." in worker.output() or process.poll() is not None,
            timeout=30,
            what="the worker to start",
        )
        assert process.poll() is None, worker.output()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def worker_threads_close_db():
    """A worker in this process closes its database connection after each task, so none is
    left open in a finished thread when the test database is dropped."""
    from celery.signals import task_postrun
    from django.db import connections

    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)
