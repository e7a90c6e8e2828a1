"""Many people at once, through HTTP, on whichever database the suite runs on (PostgreSQL with its
exclusion constraints; SQLite with every transaction taking the write lock up front). Each race
is run a few times: one lucky interleaving proves little.

Whatever the interleaving, a user sees a clean answer (a 2xx, or a 4xx saying why), never a 500
(on SQLite that would be "database is locked"), and the data stays whole: no suite or witness
double-booked, no booking half-moved, every applied change in its history exactly once. The
court relisting or vacating a hearing in the middle of it: test_relist_races.py.
"""

from collections import Counter
from threading import Thread

import pytest
from django.db import connection, transaction

from bookings import rules, services
from bookings.models import Booking, BookingStatus
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory
from tests.helpers import wait_until, wait_until_blocked
from tests.reliability.conftest import no_server_errors
from tests.reliability.races import ROUNDS, double_bookings

pytestmark = pytest.mark.django_db(transaction=True)

SAME_SLOT_REQUESTS = 50
SAME_SLOT_HEARINGS = 20
LEFT_WAITING = 5


def deadlocks_broken() -> int:
    """How many deadlocks PostgreSQL has broken in the test database so far. A backend reports
    its count when idle or as it exits, so first every other connection to it must have gone
    (the live server closes a request's connection after answering)."""

    def others_gone():
        with connection.cursor() as cursor:
            # inside a transaction the statistics views are a snapshot unless cleared
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] == 0

    wait_until(others_gone, timeout=30, what="the other connections to the test database to go")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


# --- One suite slot, fifty schedulers ----------------------------------------------------------


@pytest.mark.slow
def test_fifty_requests_for_one_suite_slot_make_one_booking_and_forty_nine_clear_refusals(
    api_http, clock, hearing, sussex
):
    for round_number in range(ROUNDS):
        # given: fifty different witnesses, all wanted in the same suite for the same hearing
        suite = SuiteFactory(force=sussex)
        witnesses = WitnessFactory.create_batch(SAME_SLOT_REQUESTS, force=sussex)

        # when: every request arrives at once
        responses = api_http.all_at_once(
            [
                (
                    "POST",
                    "/api/v1/bookings/",
                    {"hearing": hearing.id, "witness": w.id, "suite": suite.id},
                )
                for w in witnesses
            ]
        )

        # then: one booking; everyone else is told the suite is taken
        assert no_server_errors(responses) == [], f"round {round_number}"
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {201: 1, 409: SAME_SLOT_REQUESTS - 1}, f"round {round_number}"
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {
            "suite_unavailable"
        }
        winner = next(r.json() for r in responses if r.status_code == 201)
        assert list(Booking.objects.filter(suite=suite).values_list("id", flat=True)) == [
            winner["id"]
        ]
    assert double_bookings() == []


@pytest.mark.postgres
@pytest.mark.slow
def test_a_suite_slot_wanted_for_twenty_hearings_at_once_is_one_booking_and_clean_refusals(
    api_http, clock, court, sussex
):
    """Under different hearings the hearing locks serialise nothing; the suite's lock does: each
    request waits there for the one before it to finish, then sees its booking. Without that
    the inserts meet only in the exclusion constraint, where two that each add their index
    entry before checking for the other's deadlock. Whatever the interleaving, every loser is
    told the suite is taken (409), never shown a 500, and PostgreSQL breaks no deadlock. (Left
    to chance that deadlock was rare; the forced race at the end of this file had it always.)"""
    deadlocks_before = deadlocks_broken()
    for round_number in range(ROUNDS):
        # given: one suite, and twenty hearings at the same time, each with its own witness
        suite = SuiteFactory(force=sussex)
        bodies = [
            {
                "hearing": HearingFactory(court=court).id,
                "witness": WitnessFactory(force=sussex).id,
                "suite": suite.id,
            }
            for _ in range(SAME_SLOT_HEARINGS)
        ]

        # when: every request arrives at once
        responses = api_http.all_at_once([("POST", "/api/v1/bookings/", body) for body in bodies])

        # then: one booking; everyone else is told, in the API's error shape, the suite is taken
        story = f"round {round_number}"
        assert no_server_errors(responses) == [], story
        statuses = Counter(r.status_code for r in responses)
        assert statuses == {201: 1, 409: SAME_SLOT_HEARINGS - 1}, f"{story}: {statuses}"
        for refusal in (r.json() for r in responses if r.status_code == 409):
            assert set(refusal) == {"code", "detail"}, story
            assert refusal["code"] == "suite_unavailable", story
            assert refusal["detail"], story
        winner = next(r.json() for r in responses if r.status_code == 201)
        active = Booking.objects.filter(suite=suite).exclude(status=BookingStatus.CANCELLED)
        assert list(active.values_list("id", flat=True)) == [winner["id"]], story
    assert double_bookings() == []
    assert deadlocks_broken() == deadlocks_before


# --- Cancel and check-in of one booking at the same moment -------------------------------------


def test_a_cancel_and_a_check_in_sent_together_one_wins_and_the_other_is_told_it_changed(
    api_http, clock, hearing, sussex, scheduler
):
    # given: bookings made beforehand; the witness walks in as someone cancels the booking
    bookings = [
        services.booking_create(
            actor=scheduler,
            hearing=hearing,
            witness=WitnessFactory(force=sussex),
            suite=SuiteFactory(force=sussex),
        )
        for _ in range(ROUNDS)
    ]
    clock.move_to(hearing.starts_at)

    for booking in bookings:
        # when
        cancel, check_in = api_http.all_at_once(
            [
                ("POST", f"/api/v1/bookings/{booking.id}/cancel/", {"reason": "Plea entered"}),
                ("POST", f"/api/v1/bookings/{booking.id}/check-in/", {}),
            ]
        )

        # then: exactly one change was applied, and the booking shows that one
        assert no_server_errors([cancel, check_in]) == []
        assert sorted([cancel.status_code, check_in.status_code]) == [200, 409]
        winner, loser = (cancel, check_in) if cancel.status_code == 200 else (check_in, cancel)
        assert loser.json()["code"] in {"booking_changed", "invalid_transition"}
        expected = BookingStatus.CANCELLED if winner is cancel else BookingStatus.CHECKED_IN
        booking.refresh_from_db()
        assert booking.status == winner.json()["status"] == expected
        assert booking.version == 2  # moved on once
        changes = list(
            booking.events.filter(action__in=["cancelled", "checked_in"]).values_list(
                "action", flat=True
            )
        )
        assert changes == ["cancelled" if winner is cancel else "checked_in"]


# --- Writes left waiting on a lock, forced -----------------------------------------------------


@pytest.mark.parametrize("write", ["create", "move"])
def test_writes_left_waiting_on_a_booking_that_rolls_back_make_one_booking_and_clean_409s(
    api_http, clock, court, sussex, scheduler, monkeypatch, write
):
    """Five requests for one suite slot, each under a hearing of its own, wait on a booking of
    that slot this test's transaction is making through the service, and so holding the
    suite's lock as every booking write does. It rolls back: one request takes the slot; the
    others, let through one at a time as the one before commits, see its booking and are told
    the suite is taken. Without the suite's lock they met in the exclusion constraint's index
    instead, on each other's uncommitted entries: deadlocks, a second each for PostgreSQL to
    notice, then 500s once the retries ran out. A move (an UPDATE) queues as a new booking does.
    (On SQLite the transaction holds the write lock, and the requests queue on that.)"""
    # note each write the service tries again, and why: here there should be none
    retried, is_retryable = [], rules.is_retryable

    def noting_retries(error):
        retried.append(getattr(error.__cause__, "sqlstate", None))
        return is_retryable(error)

    monkeypatch.setattr(rules, "is_retryable", noting_retries)
    suite = SuiteFactory(force=sussex)
    if write == "create":
        calls = [
            (
                "POST",
                "/api/v1/bookings/",
                {
                    "hearing": HearingFactory(court=court).id,
                    "witness": WitnessFactory(force=sussex).id,
                    "suite": suite.id,
                },
            )
            for _ in range(LEFT_WAITING)
        ]
    else:
        # bookings at that time in suites of their own, all moved into this one
        movers = [
            services.booking_create(
                actor=scheduler,
                hearing=HearingFactory(court=court),
                witness=WitnessFactory(force=sussex),
                suite=SuiteFactory(force=sussex),
            )
            for _ in range(LEFT_WAITING)
        ]
        calls = [("PATCH", f"/api/v1/bookings/{b.id}/", {"suite": suite.id}) for b in movers]
    on_postgres = connection.vendor == "postgresql"
    deadlocks_before = deadlocks_broken() if on_postgres else 0

    replies = {}
    sender = Thread(target=lambda: replies.setdefault("replies", api_http.all_at_once(calls)))
    with transaction.atomic():
        services.booking_create(
            actor=scheduler,
            hearing=HearingFactory(court=court),
            witness=WitnessFactory(force=sussex),
            suite=suite,
        )
        sender.start()
        wait_until_blocked("every request to wait for this booking", waiting=LEFT_WAITING)
        transaction.set_rollback(True)
    sender.join(timeout=60)
    replies = replies["replies"]

    assert no_server_errors(replies) == []
    won = 201 if write == "create" else 200
    statuses = Counter(r.status_code for r in replies)
    assert statuses == {won: 1, 409: LEFT_WAITING - 1}, [r.text for r in replies]
    for refusal in (r.json() for r in replies if r.status_code == 409):
        assert set(refusal) == {"code", "detail"} and refusal["detail"]
        assert refusal["code"] == "suite_unavailable"
    winner = next(r.json() for r in replies if r.status_code == won)
    active = Booking.objects.filter(suite=suite).exclude(status=BookingStatus.CANCELLED)
    assert list(active.values_list("id", flat=True)) == [winner["id"]]
    assert double_bookings() == []
    # they queued on the suite's lock: nobody deadlocked, so nothing needed trying again
    assert retried == []
    if on_postgres:
        assert deadlocks_broken() == deadlocks_before


def test_a_closure_added_while_a_booking_is_being_made_catches_it(
    live_server, clock, court, sussex, suite_manager
):
    """A suite manager closes a suite while a scheduler's booking in it is being made: the
    closure waits for the booking (the suite's lock) and then flags it, rather than committing
    first unaware of it and leaving a booking in a closed suite that nobody is told about."""
    from tests.factories import api_token_for
    from tests.reliability.conftest import Api

    manager = Api(live_server.url, api_token_for(suite_manager))
    suite = SuiteFactory(force=sussex)
    hearing = HearingFactory(court=court)
    reply = {}
    closing = Thread(
        target=lambda: reply.setdefault(
            "reply",
            manager.send(
                "POST",
                f"/api/v1/suites/{suite.pk}/closures/",
                {
                    "starts_at": "2027-03-24T08:00:00Z",
                    "ends_at": "2027-03-24T18:00:00Z",
                    "reason": "Burst pipe",
                },
            ),
        )
    )
    # given: this test's transaction is making a booking in the suite that day
    with transaction.atomic():
        booking = services.booking_create(
            actor=None, hearing=hearing, witness=WitnessFactory(force=sussex), suite=suite
        )
        # when: the closure is added before the booking commits
        closing.start()
        wait_until_blocked("the closure to wait for the booking")
    closing.join(timeout=30)

    # then: the closure stands and the booking in it is on the attention list
    assert reply["reply"].status_code == 201, reply["reply"].text
    assert booking.flags.filter(kind="suite_closed", resolved_at=None).exists()
