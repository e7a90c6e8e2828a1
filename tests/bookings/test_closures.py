"""A suite closed over bookings already made: nothing is dropped silently; each booking is put
in front of staff with the nearest free suites."""

import pytest

from bookings import services
from bookings.models import BookingStatus
from tests.factories import SuiteFactory

pytestmark = pytest.mark.django_db


def test_a_closure_over_bookings_flags_them_with_free_suites_suggested(
    clock, api, api_as, suite_manager, suite, hearing, officer
):
    # given: a booking in Brighton, and a free suite in Worthing
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    worthing = SuiteFactory(
        force=suite.force,
        code="worthing",
        name="Worthing Police Station",
        latitude="50.81180",
        longitude="-0.37120",
    )

    # when: the suite manager closes Brighton over it
    response = api_as(suite_manager).post(
        f"/api/v1/suites/{suite.pk}/closures/",
        {
            "starts_at": "2027-03-24T08:00:00Z",
            "ends_at": "2027-03-24T18:00:00Z",
            "reason": "Burst pipe",
        },
        format="json",
    )

    # then: the closure stands, the booking is kept and flagged with Worthing suggested
    assert response.status_code == 201, response.json()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    attention = api.get("/api/v1/attention/").json()["results"]
    assert [(a["booking"], a["kind"]) for a in attention] == [(booking.pk, "suite_closed")]
    assert "Burst pipe" in attention[0]["detail"]
    assert attention[0]["data"]["suggested_suites"] == [worthing.pk]
    assert booking.events.filter(action="suite_closed").exists()


def test_moving_the_flagged_booking_to_a_free_suite_takes_it_off_the_list(
    clock, api, suite_manager, api_as, suite, hearing, officer
):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    other = SuiteFactory(force=suite.force)
    api_as(suite_manager).post(
        f"/api/v1/suites/{suite.pk}/closures/",
        {
            "starts_at": "2027-03-24T08:00:00Z",
            "ends_at": "2027-03-24T18:00:00Z",
            "reason": "Kit upgrade",
        },
        format="json",
    )
    assert len(api.get("/api/v1/attention/").json()["results"]) == 1

    moved = api.patch(f"/api/v1/bookings/{booking.pk}/", {"suite": other.pk}, format="json")

    assert moved.status_code == 200
    assert api.get("/api/v1/attention/").json()["results"] == []
    assert booking.flags.get().resolved_at is not None  # kept, for the record


def test_a_closure_that_catches_no_booking_flags_nothing(
    clock, api, api_as, suite_manager, suite, hearing, officer
):
    services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)

    response = api_as(suite_manager).post(
        f"/api/v1/suites/{suite.pk}/closures/",
        {
            "starts_at": "2027-03-25T08:00:00Z",
            "ends_at": "2027-03-25T18:00:00Z",
            "reason": "Training day",
        },
        format="json",
    )

    assert response.status_code == 201
    assert api.get("/api/v1/attention/").json()["results"] == []


def test_removing_the_closure_takes_its_bookings_off_the_list(
    clock, api, api_as, suite_manager, suite, hearing, officer
):
    services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    closure = (
        api_as(suite_manager)
        .post(
            f"/api/v1/suites/{suite.pk}/closures/",
            {
                "starts_at": "2027-03-24T08:00:00Z",
                "ends_at": "2027-03-24T18:00:00Z",
                "reason": "Burst pipe",
            },
            format="json",
        )
        .json()
    )
    assert len(api.get("/api/v1/attention/").json()["results"]) == 1

    removed = api_as(suite_manager).delete(f"/api/v1/suites/{suite.pk}/closures/{closure['id']}/")

    assert removed.status_code == 204
    assert api.get("/api/v1/attention/").json()["results"] == []
