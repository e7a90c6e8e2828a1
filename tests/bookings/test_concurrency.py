"""Two people booking the same slot at the same moment: exactly one wins, on PostgreSQL by the
exclusion constraints, whatever the timing of the checks in Python."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Booking, BookingStatus, Hearing, Witness
from bookings.services import lifecycle
from core.errors import Conflict
from evidence_suites.models import Suite
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, api_token_for, london

CONCURRENT_REQUESTS = 20


def _post_all(url: str, token: str, bodies: list[dict]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies))

    def post(body):
        with requests.Session() as session:
            session.headers["Authorization"] = f"Token {token}"
            barrier.wait()
            return session.post(url, json=body, timeout=30)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_requests_for_one_suite_slot_create_exactly_one_booking(
    live_server, scheduler, suite, hearing
):
    # given: twenty different witnesses, all wanted in the same suite for the same hearing
    witnesses = WitnessFactory.create_batch(CONCURRENT_REQUESTS, force=suite.force)
    token = api_token_for(scheduler)
    bodies = [{"hearing": hearing.id, "witness": w.id, "suite": suite.id} for w in witnesses]

    # when: they are all sent at once
    responses = _post_all(f"{live_server.url}/api/v1/bookings/", token, bodies)

    # then: one booking exists; every other request was told the suite is taken
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (CONCURRENT_REQUESTS - 1)
    refusals = [r.json() for r in responses if r.status_code == 409]
    assert {body["code"] for body in refusals} == {"suite_unavailable"}
    assert Booking.objects.filter(suite=suite).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_witness_booked_into_two_suites_at_once_ends_in_one_booking(
    live_server, scheduler, officer, hearing
):
    from tests.factories import SuiteFactory

    suites = SuiteFactory.create_batch(10, force=officer.force)
    token = api_token_for(scheduler)
    bodies = [{"hearing": hearing.id, "witness": officer.id, "suite": s.id} for s in suites]

    responses = _post_all(f"{live_server.url}/api/v1/bookings/", token, bodies)

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"witness_unavailable"}
    assert Booking.objects.filter(witness=officer).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overlap_even_when_the_service_checks_are_skipped(
    suite, hearing, officer, other_officer
):
    """The exclusion constraint is the last word: an insert that slipped past the checks in
    Python (as a racing request can) is refused and reported as the API's 409."""
    first = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    twin = Booking(
        hearing=hearing,
        witness=other_officer,
        suite=suite,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        occupied_from=first.occupied_from,
        occupied_until=first.occupied_until,
    )
    with pytest.raises(Conflict) as refused:
        lifecycle._insert_booking(twin)
    assert refused.value.code == "suite_unavailable"
    assert connection.vendor == "postgresql"
    assert Booking.objects.count() == 1


def _aborted(sqlstate: str) -> OperationalError:
    """An OperationalError as Django raises it from psycopg, for a given SQLSTATE."""
    cause = type("PsycopgError", (Exception,), {"sqlstate": sqlstate})()
    error = OperationalError("aborted")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(("sqlstate", "retried"), [("40P01", True), ("57014", False)])
@pytest.mark.django_db
def test_an_insert_aborted_to_break_a_deadlock_is_tried_again_and_nothing_else_is(
    monkeypatch, clock, suite, hearing, officer, sqlstate, retried
):
    """On either database: a deadlock victim's insert is run again in a fresh savepoint, a
    safety net for writes outside the services' lock order (theirs queue on the suite's lock
    instead, tests/reliability/test_races.py); any other OperationalError (here a cancelled
    statement) is not the service's to hide."""
    save, attempts = Booking.save, []

    def save_aborted_once(self, *args, **kwargs):
        attempts.append(self.reference)
        if len(attempts) == 1:
            raise _aborted(sqlstate)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Booking, "save", save_aborted_once)
    if retried:
        services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
        assert len(attempts) == 2
        assert Booking.objects.filter(suite=suite).count() == 1
    else:
        with pytest.raises(OperationalError):
            services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
        assert len(attempts) == 1
        assert not Booking.objects.exists()


# The lock order of bookings.services: hearing, then suite, then witness, lowest id first.
LOCK_ORDER = [Hearing._meta.db_table, Suite._meta.db_table, Witness._meta.db_table]


def _rows_first_locked(queries) -> list[tuple[int, int]]:
    """(place of the table in the lock order, id) of each row, in the order first locked."""
    locked = []
    for sql in (query["sql"] for query in queries):
        table = re.search(r'FROM "(\w+)"', sql)
        if not re.search(r"FOR (NO KEY )?UPDATE", sql) or table[1] not in LOCK_ORDER:
            continue
        table = table[1]
        found = re.search(r'"id" (?:= (\d+)|IN \(([\d, ]+)\))', sql)
        ids = [int(i) for i in (found[1] or found[2]).split(", ")]
        if len(ids) > 1:  # locked in the query's order, which must be the ids'
            assert f'ORDER BY "{table}"."id" ASC' in sql, sql
            ids.sort()
        rows = [(LOCK_ORDER.index(table), i) for i in ids]
        locked += [row for row in rows if row not in locked]
    return locked


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_booking_write_locks_its_hearing_then_suites_then_witnesses(clock, court, sussex):
    """One order for every path that locks these rows, so that the locks cannot deadlock among
    themselves; a relist moving several bookings takes them all first, lowest id first (booking
    by booking, it would lock the later suite of the first booking before the earlier one)."""
    low_suite, high_suite = SuiteFactory(force=sussex), SuiteFactory(force=sussex)
    low_witness, high_witness = WitnessFactory(force=sussex), WitnessFactory(force=sussex)
    hearing = HearingFactory(court=court)
    writes = {
        "create": lambda: services.booking_create(
            actor=None, hearing=hearing, witness=high_witness, suite=high_suite
        ),
        "create another": lambda: services.booking_create(
            actor=None, hearing=hearing, witness=low_witness, suite=SuiteFactory(force=sussex)
        ),
        "reschedule": lambda: services.booking_reschedule(
            actor=None, booking=Booking.objects.get(witness=low_witness), suite=low_suite
        ),
        "relist": lambda: services.hearing_relist(
            actor=None,
            hearing=hearing,
            starts_at=london(2027, 3, 25, 10),
            ends_at=london(2027, 3, 25, 13),
        ),
    }
    locked = {}
    for name, write in writes.items():
        with CaptureQueriesContext(connection) as captured:
            write()
        locked[name] = _rows_first_locked(captured.captured_queries)

    for name, rows in locked.items():
        assert rows == sorted(rows) and rows[0] == (0, hearing.pk), f"{name}: {rows}"
    assert locked["relist"] == [
        (0, hearing.pk),
        (1, low_suite.pk),
        (1, high_suite.pk),
        (2, low_witness.pk),
        (2, high_witness.pk),
    ]


@pytest.mark.django_db(transaction=True)
def test_of_a_racing_cancel_and_check_in_exactly_one_wins(suite, hearing, officer, clock):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    clock.move_to(hearing.starts_at)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(name, change):
        # each thread works from the booking as it read it, like two browser tabs
        stale = Booking.objects.get(pk=booking.pk)
        barrier.wait()
        try:
            change(stale)
            outcomes[name] = "won"
        except Conflict as refusal:
            outcomes[name] = refusal.code
        except Exception as error:  # anything else is a bug: show it in the assertion
            outcomes[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=attempt,
            args=("cancel", lambda b: services.booking_cancel(actor=None, booking=b, reason="x")),
        ),
        threading.Thread(
            target=attempt,
            args=("check_in", lambda b: services.booking_check_in(actor=None, booking=b)),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["booking_changed", "won"] or sorted(outcomes.values()) == [
        "invalid_transition",
        "won",
    ]
    booking.refresh_from_db()
    winner = next(name for name, result in outcomes.items() if result == "won")
    expected = BookingStatus.CANCELLED if winner == "cancel" else BookingStatus.CHECKED_IN
    assert booking.status == expected
    assert booking.version == 2
