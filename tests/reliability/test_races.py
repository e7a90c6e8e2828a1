"""Many people at once, through HTTP, on whichever database the suite runs on (PostgreSQL with its
exclusion constraints; SQLite with every transaction taking the write lock up front). Each race
is run a few times: one lucky interleaving proves little.

Whatever the interleaving, a user sees a clean answer (a 2xx, or a 4xx saying why), never a 500
(on SQLite that would be "database is locked"), and the data stays whole: no suite or witness
double-booked, no booking half-moved, every applied change in its history exactly once.
"""

from collections import Counter
from datetime import timedelta
from threading import Thread

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from bookings import rules, services
from bookings.models import (
    AttentionKind,
    Booking,
    BookingStatus,
    HearingStatus,
    Witness,
)
from core.clock import local
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import wait_until, wait_until_blocked
from tests.reliability.conftest import no_server_errors

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5
SAME_SLOT_REQUESTS = 50
SAME_SLOT_HEARINGS = 20
LEFT_WAITING = 5

# The hearing fixture sits on Wednesday 24 March 2027, 10:00–13:00; the court moves it a day on.
WEDNESDAY = (london(2027, 3, 24, 10), london(2027, 3, 24, 13))
THURSDAY = (london(2027, 3, 25, 10), london(2027, 3, 25, 13))
RELIST_TO_THURSDAY = {"starts_at": THURSDAY[0].isoformat(), "ends_at": THURSDAY[1].isoformat()}
# What a booking's own history records (messages add their own entries, not counted here).
SCHEDULE_ACTIONS = ("created", "rescheduled", "moved_with_hearing", "relist_conflict")


def double_bookings() -> list[str]:
    """Active bookings that overlap another active booking of the same suite (set-up and
    turnaround included) or of the same witness, asked of the database directly."""
    active = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    others = active.exclude(pk=OuterRef("pk"))
    same_suite = others.filter(
        suite=OuterRef("suite"),
        occupied_from__lt=OuterRef("occupied_until"),
        occupied_until__gt=OuterRef("occupied_from"),
    )
    same_witness = others.filter(
        witness=OuterRef("witness"),
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    return [
        f"{b.reference} suite {b.suite_id} {b.starts_at:%d %H:%M}, witness {b.witness_id}"
        for b in active.filter(Exists(same_suite) | Exists(same_witness))
    ]


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


def history(booking: Booking) -> list[str]:
    return list(
        booking.events.filter(action__in=SCHEDULE_ACTIONS)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def has_open_relist_flag(booking: Booking) -> bool:
    return booking.flags.filter(
        kind=AttentionKind.RELIST_CONFLICT, resolved_at__isnull=True
    ).exists()


def assert_whole(booking: Booking) -> None:
    """Not half-updated: the window the database guards (occupied_*) is the booking's own
    window padded by its own suite's turnaround."""
    padding = timedelta(minutes=booking.suite.turnaround_minutes)
    assert (booking.occupied_from, booking.occupied_until) == (
        booking.starts_at - padding,
        booking.ends_at + padding,
    ), booking.reference


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


# --- The court relists a hearing while a scheduler moves one of its bookings -------------------

# BUG-1 / BUG-2: the services check a booking against the hearing as the request read it, before
# their transaction; a relist or vacate committed in between goes unnoticed. The barrier races
# below hit that interleaving in some rounds only, so while the bugs stand they report it as an
# xfail when it shows (and fail on anything else); the forced tests further down hit it every
# time and are strict xfails. Once fixed, `known_bug(...)` becomes `assert not symptoms`.


def known_bug(symptoms: list[str], bug: str) -> None:
    """Fixed (a stale hearing is re-read and locked by the booking services): now a failure."""
    assert not symptoms, f"{bug}: {symptoms}"


def _relist_race_round(api_http, court, sussex, scheduler, *, suite_taken_on_thursday: bool):
    hearing = HearingFactory(court=court)
    own_suite, other_suite = SuiteFactory(force=sussex), SuiteFactory(force=sussex)
    booking = services.booking_create(
        actor=scheduler, hearing=hearing, witness=WitnessFactory(force=sussex), suite=own_suite
    )
    if suite_taken_on_thursday:
        # the booking cannot follow its hearing: its suite is taken at the new time
        services.booking_create(
            actor=scheduler,
            hearing=HearingFactory(court=court, starts_at=THURSDAY[0], ends_at=THURSDAY[1]),
            witness=WitnessFactory(force=sussex),
            suite=own_suite,
        )

    relist, patch = api_http.all_at_once(
        [
            ("POST", f"/api/v1/hearings/{hearing.id}/relist/", RELIST_TO_THURSDAY),
            ("PATCH", f"/api/v1/bookings/{booking.id}/", {"suite": other_suite.id}),
        ]
    )
    assert no_server_errors([relist]) == []
    assert relist.status_code == 200, relist.text
    return hearing, booking, (own_suite, other_suite), patch


def stranded(booking: Booking, hearing) -> bool:
    """Left on a day its hearing no longer sits, with nothing telling staff."""
    on_hearing_day = local(booking.starts_at).date() == local(hearing.starts_at).date()
    return not on_hearing_day and not has_open_relist_flag(booking)


def check_relist_race(hearing, booking, suites, patch) -> str | None:
    """Assert what must hold after a relist of the hearing to Thursday and a PATCH of one of
    its bookings raced. Returns the story if the booking was left on the old day with nothing
    telling staff (BUG-1), for the caller to report."""
    hearing.refresh_from_db()
    booking.refresh_from_db()
    actions = history(booking)
    story = (
        f"PATCH {patch.status_code} {patch.text[:100]}; history {actions}; booking "
        f"{local(booking.starts_at):%a %H:%M} in suite {booking.suite_id} (suites "
        f"{[s.id for s in suites]}); hearing {local(hearing.starts_at):%a %H:%M}; open flag "
        f"{has_open_relist_flag(booking)}"
    )
    assert no_server_errors([patch]) == [], story
    assert patch.status_code in (200, 400, 409), story
    assert (hearing.starts_at, hearing.ends_at, hearing.status) == (
        *THURSDAY,
        HearingStatus.LISTED,
    )

    # never half-updated: a whole window, in one of the two suites, at one of the two times
    assert booking.suite_id in {s.id for s in suites}, story
    assert (booking.starts_at, booking.ends_at) in {WEDNESDAY, THURSDAY}, story
    assert_whole(booking)

    # each applied change recorded once, and nothing recorded that was not applied
    moved, rescheduled = actions.count("moved_with_hearing"), actions.count("rescheduled")
    assert moved <= 1 and rescheduled <= 1, story
    assert (rescheduled == 1) == (patch.status_code == 200), story
    assert booking.version == 1 + moved + rescheduled, story

    # where it ended: with its hearing, or on the attention list for staff
    return story if stranded(booking, hearing) else None


def test_a_relist_racing_a_reschedule_leaves_the_booking_with_its_hearing_or_flagged(
    api_http, clock, court, sussex, scheduler
):
    symptoms = []
    for round_number in range(2 * ROUNDS):
        # alternately the booking can and cannot follow the hearing to Thursday
        outcome = _relist_race_round(
            api_http, court, sussex, scheduler, suite_taken_on_thursday=bool(round_number % 2)
        )
        if story := check_relist_race(*outcome):
            symptoms.append(f"round {round_number}: {story}")
    assert double_bookings() == []
    known_bug(symptoms, "BUG-1 booking_reschedule checks a stale hearing")


@pytest.mark.parametrize("court_action", ["vacate", "relist"])
def test_a_booking_made_as_its_hearing_is_vacated_or_relisted_is_refused_or_follows_it(
    api_http, clock, court, sussex, court_action
):
    body = {"reason": "Guilty plea"} if court_action == "vacate" else RELIST_TO_THURSDAY
    symptoms = []
    for round_number in range(ROUNDS):
        hearing = HearingFactory(court=court)
        witness, suite = WitnessFactory(force=sussex), SuiteFactory(force=sussex)

        changed, booked = api_http.all_at_once(
            [
                ("POST", f"/api/v1/hearings/{hearing.id}/{court_action}/", body),
                (
                    "POST",
                    "/api/v1/bookings/",
                    {"hearing": hearing.id, "witness": witness.id, "suite": suite.id},
                ),
            ]
        )

        story = (
            f"round {round_number}: {court_action} {changed.status_code}, "
            f"booking {booked.status_code} {booked.text[:100]}"
        )
        assert no_server_errors([changed, booked]) == [], story
        assert changed.status_code == 200, story
        assert booked.status_code in (201, 400), story
        hearing.refresh_from_db()
        for booking in Booking.objects.filter(hearing=hearing):
            assert_whole(booking)
            # a witness is never left booked (and texted) for a hearing that is off, nor
            # silently on a day it no longer sits
            if court_action == "vacate" and booking.status != BookingStatus.CANCELLED:
                symptoms.append(f"{story}: confirmed for a vacated hearing")
            if court_action == "relist" and stranded(booking, hearing):
                symptoms.append(f"{story}: booked on the old day, not flagged")
    assert double_bookings() == []
    known_bug(symptoms, "BUG-2 booking_create checks a stale hearing")


# --- The same interleavings, forced ------------------------------------------------------------


def send_while_the_court_changes_the_hearing(send, court_change, hold_row):
    """The court's change commits after the request `send` has read the booking and its hearing
    but before it writes: this test's transaction makes the change, holds the row the request
    will write (PostgreSQL; on SQLite the transaction holds the write lock), lets the request
    run until it waits, then commits."""
    reply = {}
    request = Thread(target=lambda: reply.setdefault("reply", send()))
    with transaction.atomic():
        court_change()
        hold_row()
        request.start()
        wait_until_blocked("the request to wait for this transaction")
    request.join(timeout=60)
    return reply["reply"]


def test_a_reschedule_that_read_the_booking_before_a_relist_cannot_strand_it_on_the_old_day(
    api_http, clock, court, hearing, sussex, scheduler
):
    # given: the booking's suite is taken on Thursday, so it cannot follow its hearing there
    own_suite, other_suite = SuiteFactory(force=sussex), SuiteFactory(force=sussex)
    booking = services.booking_create(
        actor=scheduler, hearing=hearing, witness=WitnessFactory(force=sussex), suite=own_suite
    )
    services.booking_create(
        actor=scheduler,
        hearing=HearingFactory(court=court, starts_at=THURSDAY[0], ends_at=THURSDAY[1]),
        witness=WitnessFactory(force=sussex),
        suite=own_suite,
    )

    # when: a scheduler moves it to another suite as the court relists the hearing to Thursday
    patch = send_while_the_court_changes_the_hearing(
        lambda: api_http.send(
            "PATCH", f"/api/v1/bookings/{booking.id}/", {"suite": other_suite.id}
        ),
        court_change=lambda: services.hearing_relist(
            actor=None, hearing=hearing, starts_at=THURSDAY[0], ends_at=THURSDAY[1]
        ),
        hold_row=lambda: Booking.objects.select_for_update(no_key=True).get(pk=booking.pk),
    )

    # then: the move is refused (not the hearing's day), or the booking at least stays flagged
    assert "relist_conflict" in history(booking)
    story = check_relist_race(hearing, booking, (own_suite, other_suite), patch)
    assert story is None, story


def test_a_booking_that_read_the_hearing_before_it_was_vacated_is_refused(
    api_http, clock, hearing, suite, officer
):
    # when: the hearing is vacated while a booking for it is on its way through
    booked = send_while_the_court_changes_the_hearing(
        lambda: api_http.send(
            "POST",
            "/api/v1/bookings/",
            {"hearing": hearing.id, "witness": officer.id, "suite": suite.id},
        ),
        court_change=lambda: services.hearing_vacate(
            actor=None, hearing=hearing, reason="Guilty plea"
        ),
        hold_row=lambda: Witness.objects.select_for_update().get(pk=officer.pk),
    )

    # then: the booking is refused; nobody is booked (or texted) for a hearing that is off
    assert (booked.status_code, booked.json()["code"]) == (400, "hearing_not_listed"), booked.text
    assert (
        not Booking.objects.filter(hearing=hearing).exclude(status=BookingStatus.CANCELLED).exists()
    )


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
