"""Courts move hearings: a vacated hearing stands its witnesses down, and a hearing's times
must make sense (API.md, hearings). A relisted hearing's bookings: test_api_relist.py."""

import pytest

from bookings.models import Booking, BookingStatus, Hearing, HearingStatus, Outcome
from tests.factories import CourtFactory, HearingFactory, london
from tests.helpers import assert_error, at, book_through_api

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
HEARINGS = "/api/v1/hearings/"


@pytest.fixture
def two_bookings(api, clock, hearing, officer, other_officer, suite, worthing):
    """The officer at Brighton and the other officer at Worthing, both for the whole hearing."""
    return (
        book_through_api(api, hearing=hearing.pk, witness=officer.pk, suite=suite.pk),
        book_through_api(api, hearing=hearing.pk, witness=other_officer.pk, suite=worthing.pk),
    )


# --- Vacate -----------------------------------------------------------------------------------


def test_vacating_a_hearing_cancels_its_bookings_with_the_reason(api, hearing, two_bookings):
    # when
    response = api.post(
        f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Defendant pleaded guilty"}, format="json"
    )

    # then: the client sees the hearing off and every booking cancelled
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "vacated"
    assert body["vacated_reason"] == "Defendant pleaded guilty"
    assert {b["status"] for b in body["bookings"]} == {"cancelled"}
    assert all("Defendant pleaded guilty" in b["cancellation_reason"] for b in body["bookings"])

    # and so does the database, with the history saying why
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.VACATED
    for booking in two_bookings:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert "Defendant pleaded guilty" in booking.cancellation_reason
        last = booking.events.order_by("at", "id").last()
        assert last.action == "cancelled"
        assert last.actor_label == "sussex.scheduler"


def test_vacating_a_hearing_twice_is_a_409_and_changes_nothing(api, hearing, two_bookings):
    api.post(f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Guilty plea"}, format="json")

    response = api.post(f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Again"}, format="json")

    assert_error(response, 409, "hearing_not_listed")
    hearing.refresh_from_db()
    assert hearing.vacated_reason == "Guilty plea"
    for booking in two_bookings:
        booking.refresh_from_db()
        assert booking.cancellation_reason == "Hearing vacated: Guilty plea"
        assert booking.events.filter(action="cancelled").count() == 1


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_vacating_without_a_reason_is_a_400_on_reason(api, hearing, two_bookings, body):
    response = api.post(f"{HEARINGS}{hearing.pk}/vacate/", body, format="json")

    assert_error(response, 400, response.json()["code"], fields=["reason"])
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.LISTED
    assert not Booking.objects.exclude(status=BookingStatus.CONFIRMED).exists()


def test_vacating_releases_a_witness_already_in_the_suite_as_not_required(
    api, clock, hearing, two_bookings
):
    # given: on the day, one witness has already arrived at the suite
    arrived, waiting = two_bookings
    clock.move_to(london(2027, 3, 24, 9, 50))
    api.post(f"{BOOKINGS}{arrived.pk}/check-in/", {}, format="json")

    # when: the hearing cracks at 10:30
    clock.move_to(london(2027, 3, 24, 10, 30))
    response = api.post(f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json")

    # then: the one who came is released (their time still counts); the other is stood down
    assert response.status_code == 200, response.content
    arrived.refresh_from_db()
    waiting.refresh_from_db()
    assert arrived.status == BookingStatus.COMPLETED
    assert arrived.outcome == Outcome.NOT_REQUIRED
    assert arrived.released_at is not None
    assert waiting.status == BookingStatus.CANCELLED


def test_a_court_user_can_vacate_their_own_courts_hearing(api_as, court_user, hearing):
    response = api_as(court_user).post(
        f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Witness summons withdrawn"}, format="json"
    )

    assert response.status_code == 200, response.content
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.VACATED


def test_a_court_user_cannot_see_or_vacate_another_courts_hearing(api_as, court_user, db):
    elsewhere = HearingFactory(court=CourtFactory(code="hastings-mc"))

    response = api_as(court_user).post(
        f"{HEARINGS}{elsewhere.pk}/vacate/", {"reason": "Not mine"}, format="json"
    )

    assert_error(response, 404, "not_found")
    elsewhere.refresh_from_db()
    assert elsewhere.status == HearingStatus.LISTED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_at": "2027-03-25T10:00:00", "ends_at": at(13, day=25)}, "starts_at"),
        ({"starts_at": at(10, day=25), "ends_at": "2027-03-25T13:00:00"}, "ends_at"),
        ({"starts_at": at(10, day=25)}, "ends_at"),
        ({"starts_at": at(13, day=25), "ends_at": at(10, day=25)}, "ends_at"),
    ],
)
# --- Times that make no sense ----------------------------------------------------------------


def test_a_relist_with_bad_times_is_a_400_and_moves_nothing(
    api, hearing, two_bookings, body, field
):
    response = api.post(f"{HEARINGS}{hearing.pk}/relist/", body, format="json")

    assert_error(response, 400, response.json()["code"], fields=[field])
    hearing.refresh_from_db()
    assert hearing.starts_at == london(2027, 3, 24, 10)
    assert all(
        b.starts_at == london(2027, 3, 24, 10) for b in Booking.objects.filter(hearing=hearing)
    )


def test_a_hearing_created_with_a_naive_time_is_a_400(api, court):
    response = api.post(
        HEARINGS,
        {
            "court": court.pk,
            "case_reference": "47SS0000001",
            "hearing_type": "trial",
            "starts_at": "2027-03-24T10:00:00",
            "ends_at": at(13),
        },
        format="json",
    )

    assert_error(response, 400, "invalid", fields=["starts_at"])
    assert Hearing.objects.count() == 0
