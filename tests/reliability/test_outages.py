"""What the service depends on fails, and nothing a witness should hear about is lost or heard
twice: the broker stops mid-burst, a worker is SIGKILLed mid-send, the SMS provider fails a third
of its requests, the database restarts.

Texts are counted where the witness would notice them: at the (fake) provider.
"""

import shutil
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection

from bookings.models import Booking
from notifications import claims
from notifications.models import Channel, Kind, Message, Status
from notifications.tasks import sweep_outbox
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import assert_booked, texts_by_phone, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# Accepted by the provider, whatever its receipts have said since.
HANDED_OVER = {Status.QUEUED, Status.SENT, Status.DELIVERED}


def confirmation_texts():
    return Message.objects.filter(kind=Kind.CONFIRMATION, channel=Channel.SMS)


def outbox_summary() -> str:
    rows = confirmation_texts().values_list("pk", "status", "attempts", "status_detail")
    return "\n".join(
        f"message {pk}: {status}, {attempts} attempts, {detail}"
        for pk, status, attempts, detail in rows
    )


def witnesses_and_suites(force, count):
    """Witnesses with a phone and no email (texts are what is counted), each with a suite of
    their own so all can be booked for the same hearing."""
    witnesses = WitnessFactory.create_batch(count, force=force, email="")
    return list(zip(witnesses, SuiteFactory.create_batch(count, force=force), strict=True))


def book_through_the_api(api_http, hearing, witness, suite):
    return api_http.send(
        "POST",
        "/api/v1/bookings/",
        {"hearing": hearing.id, "witness": witness.id, "suite": suite.id},
    )


def all_handed_over(count):
    def check():
        statuses = list(confirmation_texts().values_list("status", flat=True))
        return len(statuses) == count and set(statuses) <= HANDED_OVER

    return check


def assert_each_witness_texted_once(twilio, people, *, on):
    """Each witness's phone has one text: the confirmation of their booking `on` that day and
    time ("Wed 24 Mar at 10:00") at their suite."""
    time.sleep(1)  # a duplicate on its way would land in this time
    sent = texts_by_phone(twilio)
    counts = {str(w.phone): len(sent.get(str(w.phone), [])) for w, _ in people}
    assert counts == {str(w.phone): 1 for w, _ in people}
    for witness, suite in people:
        assert_booked(sent[str(witness.phone)][0], on=on, suite=suite.name)
    assert set(confirmation_texts().values_list("status", flat=True)) <= HANDED_OVER
    provider_ids = set(confirmation_texts().values_list("provider_id", flat=True))
    assert provider_ids == {m["sid"] for m in twilio.messages()}  # each row knows its text


# --- The broker stops in the middle of a burst of bookings -------------------------------------


@pytest.mark.redis
@pytest.mark.slow
def test_a_broker_outage_mid_burst_loses_no_booking_and_every_witness_is_texted_once(
    api_http, broker, twilio, start_worker, hearing, sussex
):
    worker = start_worker()
    people = witnesses_and_suites(sussex, 20)
    replies = [book_through_the_api(api_http, hearing, w, s) for w, s in people[:7]]
    wait_until(all_handed_over(7), what="the first seven texts")

    # given: the worker is busy with the eighth text (Twilio takes two seconds over it)
    twilio.configure(fail_next=["timeout"], timeout_seconds=2)
    replies.append(book_through_the_api(api_http, hearing, *people[7]))
    wait_until(
        lambda: confirmation_texts().filter(status=Status.SENDING).exists(),
        what="the eighth text to be in flight",
    )

    # when: Redis dies, and twelve more bookings are made before it is back
    broker.kill()
    replies += [book_through_the_api(api_http, hearing, w, s) for w, s in people[8:]]

    # then: every booking was taken, promptly, outage or not
    assert [r.status_code for r in replies] == [201] * 20, [r.text for r in replies]
    assert Booking.objects.count() == 20
    assert max(r.seconds for r in replies) < 5

    # when: Redis is back (empty: it kept nothing) and beat's sweep runs
    broker.start()
    sweep_outbox()

    # then: each witness got their confirmation once. A worker that died meanwhile (BUG-4) is
    # started again, as docker-compose's `restart: unless-stopped` does.
    workers = [worker]

    def handed_over_with_a_worker_running():
        if workers[-1].process.poll() is not None:
            workers.append(start_worker())
        return all_handed_over(20)()

    wait_until(
        handed_over_with_a_worker_running,
        timeout=40,
        what="every confirmation to be handed over",
        detail=lambda: f"{outbox_summary()}\nworker log:\n{workers[-1].output()[-2000:]}",
    )
    assert_each_witness_texted_once(twilio, people, on="Wed 24 Mar at 10:00")


@pytest.mark.redis
@pytest.mark.slow
def test_a_busy_worker_rides_out_a_broker_restart_without_being_restarted(
    api_http, broker, twilio, start_worker, hearing, sussex
):
    worker = start_worker()
    people = witnesses_and_suites(sussex, 2)
    # given: the worker is in the middle of a text (Twilio takes two seconds over it)
    twilio.configure(fail_next=["timeout"], timeout_seconds=2)
    assert book_through_the_api(api_http, hearing, *people[0]).status_code == 201
    wait_until(
        lambda: confirmation_texts().filter(status=Status.SENDING).exists(),
        what="the text to be in flight",
    )

    # when: Redis restarts under it
    broker.kill()
    time.sleep(1)
    broker.start()

    # then: the same worker goes on to send the next text
    assert book_through_the_api(api_http, hearing, *people[1]).status_code == 201
    wait_until(
        lambda: all_handed_over(2)() or worker.process.poll() is not None,
        timeout=30,
        what="the next text, or the worker's end",
    )
    assert worker.process.poll() is None, worker.output()[-3000:]
    assert all_handed_over(2)()


# --- A worker is SIGKILLed while Twilio is taking texts from it --------------------------------


@pytest.mark.redis
@pytest.mark.slow
def test_a_worker_killed_mid_send_loses_no_text_and_resends_none_twilio_already_took(
    api_http, broker, twilio, start_worker, hearing, sussex, monkeypatch
):
    people = witnesses_and_suites(sussex, 12)
    worker = start_worker(concurrency=4, twilio_timeout=10)

    # given: four bookings texted as usual
    for witness, suite in people[:4]:
        assert book_through_the_api(api_http, hearing, witness, suite).status_code == 201
    wait_until(all_handed_over(4), what="the first four texts")

    # and: Twilio is slow with the next four texts (it takes each, two seconds late)
    twilio.configure(fail_next=["timeout"] * 4, timeout_seconds=2)
    for witness, suite in people[4:]:
        assert book_through_the_api(api_http, hearing, witness, suite).status_code == 201
    wait_until(
        lambda: confirmation_texts().filter(status=Status.SENDING).count() == 4,
        what="four texts in flight",
    )

    # when: the worker is killed with four texts in flight and four waiting
    worker.sigkill()
    in_flight = set(confirmation_texts().filter(status=Status.SENDING).values_list("pk", flat=True))
    wait_until(lambda: len(twilio.messages()) == 8, what="Twilio to take the four in flight")

    # and: a new worker starts, and the sweep finds the dead worker's claims stale
    monkeypatch.setattr(claims, "STALE_CLAIM", timedelta(seconds=1))
    start_worker(concurrency=4)
    sweep_outbox()

    # then: the four Twilio took are recorded, not sent again; the four waiting are sent once
    wait_until(all_handed_over(12), timeout=30, what="every confirmation to be handed over")
    assert_each_witness_texted_once(twilio, people, on="Wed 24 Mar at 10:00")
    recovered = Message.objects.filter(pk__in=in_flight)
    assert {m.attempts for m in recovered} == {1}


# --- Twilio fails a third of its requests -----------------------------------------------------


@pytest.mark.redis
@pytest.mark.slow
def test_a_provider_failing_a_third_of_requests_still_texts_every_witness_exactly_once(
    api,
    broker,
    twilio,
    provider_traffic,
    clock,
    court,
    sussex,
    settings,
    monkeypatch,
    worker_threads_close_db,
):
    """429s, 500s and timeouts (after which Twilio takes the text anyway, late). The worker
    runs in this process so the sweeps can move its clock past the backoffs."""
    from celery.contrib.testing.worker import start_worker as embedded_worker

    from config.celery import app

    # The clock jumps twenty minutes at a time: a live worker's claim is not to look abandoned.
    monkeypatch.setattr(claims, "STALE_CLAIM", timedelta(days=1))
    settings.TWILIO_TIMEOUT_SECONDS = 0.5
    # the first request times out for certain; after that, chance
    twilio.configure(fail_next=["timeout"], failure_rate=0.3, seed=2027, timeout_seconds=1)
    # a week ahead, so no reminder falls due while the clock moves on a few hours
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 31, 10), ends_at=london(2027, 3, 31, 13)
    )
    people = witnesses_and_suites(sussex, 15)

    with embedded_worker(app, pool="threads", concurrency=4, perform_ping_check=False):
        for witness, suite in people:
            created = api.post(
                "/api/v1/bookings/",
                {"hearing": hearing.id, "witness": witness.id, "suite": suite.id},
                format="json",
            )
            assert created.status_code == 201

        # when: beat's sweep runs again and again, each time past the longest backoff
        for _ in range(settings.MESSAGE_MAX_ATTEMPTS + 2):
            wait_until(
                lambda: not confirmation_texts().filter(status=Status.SENDING).exists(),
                what="the worker to finish what it holds",
            )
            if all_handed_over(len(people))():
                break
            # Real backoffs (12 s and more) outlast a text Twilio is still taking after the
            # client gave up; with the clock jumping, wait for those to land first.
            wait_until(provider_traffic.settled, what="Twilio to answer every request")
            clock.shift(timedelta(minutes=20))
            sweep_outbox()
        wait_until(provider_traffic.settled, what="Twilio to answer every request")

    # then: everyone got their text once
    assert all_handed_over(len(people))()
    assert_each_witness_texted_once(twilio, people, on="Wed 31 Mar at 10:00")


# --- PostgreSQL restarts under the running service --------------------------------------------


def _cluster_for(port: int) -> tuple[str, str] | None:
    """The local Debian cluster (version, name) on this port, if pg_ctlcluster manages it."""
    if not shutil.which("pg_lsclusters") or not shutil.which("pg_ctlcluster"):
        return None
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    return None


def _accepting(host: str, port: int) -> bool:
    ready = subprocess.run(["pg_isready", "-q", "-h", host, "-p", str(port)], check=False)
    return ready.returncode == 0


@contextmanager
def postgresql_restarted(host: str, port: int):
    """Restart the PostgreSQL under the test database: once, and back up (accepting
    connections) before this returns, however it went. Other people's test runs on this
    machine lose their connections for that moment."""
    cluster = _cluster_for(port)
    if cluster is None:
        pytest.skip(f"no pg_ctlcluster-managed PostgreSQL on port {port} to restart")
    version, name = cluster
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
            check=True,
            timeout=120,
        )
    finally:
        deadline = time.monotonic() + 60
        while not _accepting(host, port) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not _accepting(host, port):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"],
                check=False,
                timeout=120,
            )
            wait_until(lambda: _accepting(host, port), timeout=60, what="PostgreSQL to start")
        connection.close()  # this process's own connection went with the server
    yield


def _other_sessions_terminated() -> int:
    """What a failover, a proxy's idle timeout or an operator does to open connections: every
    session on the test database but this test's own is ended by the server."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def assert_answers_at_once(api_http, kept_alive, hearing, suite, witness):
    """The very first requests after the database came back succeed, reads and writes: one on
    a connection kept alive (so served by the same thread, with the same database connection,
    kept between requests by CONN_MAX_AGE, as in a gunicorn worker), one on a new one."""
    read = kept_alive.get(api_http.url("/api/v1/bookings/"), timeout=30)
    write = kept_alive.post(
        api_http.url("/api/v1/bookings/"),
        json={"hearing": hearing.id, "witness": witness.id, "suite": suite.id},
        timeout=30,
    )
    fresh = api_http.send("GET", "/api/v1/suites/")
    assert (read.status_code, write.status_code, fresh.status_code) == (200, 201, 200), (
        read.text[:300],
        write.text[:300],
    )
    # let the server thread go, and its database connection with it
    kept_alive.get(api_http.url("/healthz"), headers={"Connection": "close"}, timeout=30)


@pytest.mark.postgres
def test_the_service_answers_at_once_after_the_database_ends_its_connections(
    api_http, hearing, suite, officer
):
    with api_http.session() as kept_alive:
        assert kept_alive.get(api_http.url("/api/v1/bookings/"), timeout=30).status_code == 200
        assert _other_sessions_terminated() >= 1
        assert_answers_at_once(api_http, kept_alive, hearing, suite, officer)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
def test_a_worker_sends_again_after_the_database_ends_its_connection(
    api_http, broker, twilio, start_worker, hearing, sussex
):
    worker = start_worker()
    people = witnesses_and_suites(sussex, 2)
    assert book_through_the_api(api_http, hearing, *people[0]).status_code == 201
    wait_until(all_handed_over(1), what="the first text")

    assert _other_sessions_terminated() >= 1  # the worker's kept connection among them

    assert book_through_the_api(api_http, hearing, *people[1]).status_code == 201
    wait_until(all_handed_over(2), what="the second text", detail=lambda: worker.output()[-3000:])
    assert_each_witness_texted_once(twilio, people, on="Wed 24 Mar at 10:00")


@pytest.mark.postgres
@pytest.mark.slow
def test_the_service_answers_again_after_postgresql_restarts_without_being_restarted(
    api_http, hearing, suite, officer
):
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)
    with api_http.session() as kept_alive:
        assert kept_alive.get(api_http.url("/api/v1/bookings/"), timeout=30).status_code == 200

        with postgresql_restarted(host, port):
            pass

        assert_answers_at_once(api_http, kept_alive, hearing, suite, officer)
    assert Booking.objects.filter(witness=officer).count() == 1
