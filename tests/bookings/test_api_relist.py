"""A relisted hearing takes its bookings with it where the suite is free at the new time,
in their place relative to its start, and flags the rest for staff, suggesting free suites
nearby (API.md, hearings); a booking left behind follows the next relist where it can, and a
second conflicting relist leaves one flag, with the latest proposal."""

import pytest

from bookings.models import AttentionFlag, BookingStatus
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import at, book_through_api, instant

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
HEARINGS = "/api/v1/hearings/"


@pytest.fixture
def crawley(sussex):
    return SuiteFactory(
        code="crawley",
        name="Crawley Police Station",
        force=sussex,
        latitude="51.11240",
        longitude="-0.18310",
    )


# --- Relist -----------------------------------------------------------------------------------


def test_relisting_moves_a_booking_whose_suite_is_free_at_the_new_time(
    api, clock, hearing, officer, suite
):
    # given
    booking = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)

    # when: the court moves the hearing to Thursday 14:00–16:30
    response = api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(14, day=25), "ends_at": at(16, 30, day=25)},
        format="json",
    )

    # then: the hearing and its booking have moved, in the response and in the database
    assert response.status_code == 200, response.content
    body = response.json()
    assert instant(body["starts_at"]) == london(2027, 3, 25, 14)
    assert instant(body["ends_at"]) == london(2027, 3, 25, 16, 30)
    [moved] = body["bookings"]
    assert moved["id"] == booking.pk
    assert instant(moved["starts_at"]) == london(2027, 3, 25, 14)
    assert instant(moved["ends_at"]) == london(2027, 3, 25, 16, 30)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (
        london(2027, 3, 25, 14),
        london(2027, 3, 25, 16, 30),
    )
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.events.order_by("at", "id").last().action == "moved_with_hearing"
    assert not AttentionFlag.objects.exists()


def test_relisting_keeps_a_part_day_booking_in_its_place_relative_to_the_start(
    api, clock, hearing, officer, suite
):
    # given: the witness is needed only 11:00–12:00 of a 10:00 hearing
    booking = book_through_api(
        api,
        hearing=hearing.pk,
        witness=officer.pk,
        suite=suite.pk,
        starts_at=at(11),
        ends_at=at(12),
    )

    # when: the hearing moves a day later and half an hour earlier
    api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(9, 30, day=25), "ends_at": at(12, 30, day=25)},
        format="json",
    )

    # then
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (
        london(2027, 3, 25, 10, 30),
        london(2027, 3, 25, 11, 30),
    )


@pytest.fixture
def thursday_at_brighton(api, clock, court, suite, sussex):
    """Brighton is already booked on Thursday 10:00–13:00 for another hearing."""
    other_hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 25, 10), ends_at=london(2027, 3, 25, 13)
    )
    return book_through_api(
        api,
        hearing=other_hearing.pk,
        witness=WitnessFactory(force=sussex, full_name="Donna Noble").pk,
        suite=suite.pk,
    )


def test_a_booking_whose_suite_is_taken_at_the_new_time_stays_and_is_flagged_for_staff(
    api, clock, hearing, officer, suite, worthing, crawley, thursday_at_brighton
):
    # given: the officer is at Brighton for Wednesday's hearing
    booking = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)

    # when: the hearing moves to Thursday morning, when Brighton is taken
    response = api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    # then: the hearing moved, the booking did not
    assert response.status_code == 200, response.content
    assert instant(response.json()["starts_at"]) == london(2027, 3, 25, 10)
    [stayed] = response.json()["bookings"]
    assert instant(stayed["starts_at"]) == london(2027, 3, 24, 10)
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 10)
    assert booking.suite == suite
    assert booking.status == BookingStatus.CONFIRMED

    # and staff see it on the attention list, with free suites nearby suggested
    attention = api.get("/api/v1/attention/")
    assert attention.status_code == 200, attention.content
    page = attention.json()
    assert set(page) == {"count", "next", "previous", "results"}
    [flag] = page["results"]
    assert flag["booking"] == booking.pk
    assert flag["booking_reference"] == booking.reference
    assert flag["kind"] == "relist_conflict"
    assert flag["detail"]
    assert flag["data"]["reason_code"] == "suite_unavailable"
    assert flag["data"]["suggested_suites"]
    assert set(flag["data"]["suggested_suites"]) <= {worthing.pk, crawley.pk}
    assert suite.pk not in flag["data"]["suggested_suites"]
    # nearest first: Worthing is closer to Brighton than Crawley is
    assert flag["data"]["suggested_suites"][0] == worthing.pk
    assert instant(flag["data"]["proposed_starts_at"]) == london(2027, 3, 25, 10)
    assert booking.events.order_by("at", "id").last().action == "relist_conflict"


def test_relisting_moves_the_bookings_it_can_and_flags_only_the_others(
    api, clock, hearing, officer, other_officer, suite, worthing, thursday_at_brighton
):
    # given: one witness at Brighton (taken on Thursday), one at Worthing (free on Thursday)
    stuck = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)
    free = book_through_api(api, hearing=hearing.pk, witness=other_officer.pk, suite=worthing.pk)

    # when
    response = api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    starts = {b["id"]: instant(b["starts_at"]) for b in response.json()["bookings"]}
    assert starts == {stuck.pk: london(2027, 3, 24, 10), free.pk: london(2027, 3, 25, 10)}
    flags = api.get("/api/v1/attention/").json()["results"]
    assert [(f["booking"], f["kind"]) for f in flags] == [(stuck.pk, "relist_conflict")]


def test_relisting_where_the_witness_is_busy_at_the_new_time_is_flagged_too(
    api, clock, court, hearing, officer, suite, worthing
):
    # given: the officer is also booked at Worthing for another hearing on Thursday morning
    mine = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)
    thursday = HearingFactory(
        court=court, starts_at=london(2027, 3, 25, 10), ends_at=london(2027, 3, 25, 13)
    )
    book_through_api(api, hearing=thursday.pk, witness=officer.pk, suite=worthing.pk)

    # when
    api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    # then
    mine.refresh_from_db()
    assert mine.starts_at == london(2027, 3, 24, 10)
    [flag] = api.get("/api/v1/attention/").json()["results"]
    assert flag["data"]["reason_code"] == "witness_unavailable"


def test_resolving_the_conflict_by_moving_the_booking_clears_the_flag(
    api, clock, hearing, officer, suite, worthing, thursday_at_brighton
):
    # given: a relist conflict
    booking = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)
    api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    # when: the scheduler takes the suggestion
    response = api.patch(
        f"{BOOKINGS}{booking.pk}/",
        {"suite": worthing.pk, "starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    assert api.get("/api/v1/attention/").json()["count"] == 0


# --- Relisting again: a booking left behind catches up ----------------------------------------


def _relist(api, hearing, day: int):
    response = api.post(
        f"{HEARINGS}{hearing.pk}/relist/",
        {"starts_at": at(10, day=day), "ends_at": at(13, day=day)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response


def test_a_booking_left_behind_by_one_relist_follows_the_next_one_where_its_suite_is_free(
    api, clock, hearing, officer, suite, thursday_at_brighton
):
    # given: the hearing moved to Thursday, when Brighton was taken, so the booking stayed
    booking = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)
    _relist(api, hearing, day=25)
    assert api.get("/api/v1/attention/").json()["count"] == 1

    # when: the court moves it again, to Friday, when Brighton is free
    response = _relist(api, hearing, day=26)

    # then: the booking catches up with the hearing, and nobody is left chasing it
    [moved] = response.json()["bookings"]
    assert instant(moved["starts_at"]) == london(2027, 3, 26, 10)
    assert instant(moved["ends_at"]) == london(2027, 3, 26, 13)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (
        london(2027, 3, 26, 10),
        london(2027, 3, 26, 13),
    )
    assert api.get("/api/v1/attention/").json()["count"] == 0


def test_a_second_conflicting_relist_leaves_one_flag_with_the_latest_proposal(
    api, clock, court, sussex, hearing, officer, suite, thursday_at_brighton
):
    # given: Brighton is taken on Thursday and on Friday; the hearing moved to Thursday
    friday = HearingFactory(
        court=court, starts_at=london(2027, 3, 26, 10), ends_at=london(2027, 3, 26, 13)
    )
    book_through_api(
        api,
        hearing=friday.pk,
        witness=WitnessFactory(force=sussex, full_name="Wilfred Mott").pk,
        suite=suite.pk,
    )
    booking = book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk)
    _relist(api, hearing, day=25)

    # when: it moves again, to Friday
    _relist(api, hearing, day=26)

    # then: staff see one thing to do, about Friday, not a stale one about Thursday
    [flag] = api.get("/api/v1/attention/").json()["results"]
    assert flag["booking"] == booking.pk
    assert flag["data"]["reason_code"] == "suite_unavailable"
    assert instant(flag["data"]["proposed_starts_at"]) == london(2027, 3, 26, 10)
    assert instant(flag["data"]["proposed_ends_at"]) == london(2027, 3, 26, 13)
