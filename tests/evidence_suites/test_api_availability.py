"""The availability search schedulers use to find a free suite near a witness: free and open
suites for the whole window, nearest first, turnarounds and closures counted, bad parameters
named, the same database work however many suites; and a court user searching learns
nothing of where a confidential suite is."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from evidence_suites.models import Closure, OpeningHours
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

AVAILABILITY = "/api/v1/availability/"
HOVE = "50.8279,-0.1688"


def window(start: str = at(10), end: str = at(13), **extra) -> dict:
    return {"starts_at": start, "ends_at": end, **extra}


# --- What a court user sees of a confidential suite -------------------------------------------


def test_a_court_user_searching_availability_gets_no_address_for_a_confidential_suite(
    api_as, court_user, clock, safe_house
):
    response = api_as(court_user).get(AVAILABILITY, window(near=HOVE))

    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert row["suite"] == safe_house.pk
    assert row["address"] == ""
    assert row["postcode"] == ""
    assert row["latitude"] is None
    assert row["longitude"] is None
    assert "Secret Lane" not in response.content.decode()


def test_a_court_user_cannot_locate_a_confidential_suite_from_its_distances(
    api_as, court_user, clock, safe_house
):
    # given: distances from three points would pin the suite down to a street
    client = api_as(court_user)
    points = ["50.8279,-0.1688", "51.1124,-0.1831", "50.8118,-0.3712"]

    # when
    rows = [client.get(AVAILABILITY, window(near=p)).json()["results"][0] for p in points]

    # then
    assert [row["distance_km"] for row in rows] == [None, None, None]


def test_staff_of_the_force_get_a_confidential_suites_distance(api, clock, safe_house):
    [row] = api.get(AVAILABILITY, window(near=HOVE)).json()["results"]

    assert row["distance_km"] is not None
    assert row["address"] == "1 Secret Lane, Somewhere"


# --- Availability -----------------------------------------------------------------------------


@pytest.fixture
def three_suites(sussex):
    """Brighton, Worthing and Crawley at their real coordinates, open weekdays 08:30–17:30."""
    return {
        "brighton": SuiteFactory(
            code="brighton", name="Brighton", force=sussex, latitude="50.8225", longitude="-0.1372"
        ),
        "worthing": SuiteFactory(
            code="worthing", name="Worthing", force=sussex, latitude="50.8118", longitude="-0.3712"
        ),
        "crawley": SuiteFactory(
            code="crawley", name="Crawley", force=sussex, latitude="51.1124", longitude="-0.1831"
        ),
    }


def test_availability_lists_free_suites_nearest_first_with_their_distance(api, clock, three_suites):
    # when: a scheduler looks for a suite near Hove on Wednesday morning
    response = api.get(AVAILABILITY, window(near=HOVE))

    # then
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["code"] for r in rows] == ["brighton", "worthing", "crawley"]
    assert [r["suite"] for r in rows] == [
        three_suites[c].pk for c in ("brighton", "worthing", "crawley")
    ]
    distances = [r["distance_km"] for r in rows]
    assert distances == sorted(distances)
    assert 1.5 < distances[0] < 3.5  # Hove to Brighton
    assert 12 < distances[1] < 17  # Hove to Worthing
    assert 30 < distances[2] < 35  # Hove to Crawley


def test_availability_without_near_has_no_distance_and_is_by_name(api, clock, three_suites):
    rows = api.get(AVAILABILITY, window()).json()["results"]

    assert [r["code"] for r in rows] == ["brighton", "crawley", "worthing"]
    assert {r["distance_km"] for r in rows} == {None}


def test_availability_leaves_out_booked_closed_inactive_and_shut_suites(
    api, clock, sussex, court, three_suites
):
    # given: besides three free suites, four that cannot take a booking on Wednesday morning
    booked = SuiteFactory(code="booked", name="Booked", force=sussex)
    hearing = HearingFactory(court=court)
    services.booking_create(
        actor=None,
        hearing=hearing,
        witness=WitnessFactory(force=sussex),
        suite=booked,
        starts_at=london(2027, 3, 24, 12),
        ends_at=london(2027, 3, 24, 14),
    )
    closed = SuiteFactory(code="closed", name="Closed", force=sussex)
    Closure.objects.create(
        suite=closed,
        starts_at=london(2027, 3, 24, 12, 30),
        ends_at=london(2027, 3, 24, 15),
        reason="Kit upgrade",
    )
    SuiteFactory(code="inactive", name="Inactive", force=sussex, is_active=False)
    SuiteFactory(code="weekends", name="Weekends only", force=sussex, weekdays=[5, 6])
    short_day = SuiteFactory(code="short-day", name="Short day", force=sussex, weekdays=[])
    OpeningHours.objects.create(suite=short_day, weekday=2, opens=time(9), closes=time(12))

    # when
    rows = api.get(AVAILABILITY, window(near=HOVE)).json()["results"]

    # then
    assert [r["code"] for r in rows] == ["brighton", "worthing", "crawley"]


def test_availability_counts_the_turnaround_of_a_neighbouring_booking(
    api, clock, sussex, court, three_suites
):
    # given: Brighton is booked from 13:10, so its 15-minute set-up starts at 12:55
    services.booking_create(
        actor=None,
        hearing=HearingFactory(court=court),
        witness=WitnessFactory(force=sussex),
        suite=three_suites["brighton"],
        starts_at=london(2027, 3, 24, 13, 10),
        ends_at=london(2027, 3, 24, 14),
    )

    # when: the search is for 10:00–12:50 (whose own turnaround runs to 13:05)
    rows = api.get(AVAILABILITY, window(end=at(12, 50))).json()["results"]

    # then
    assert "brighton" not in [r["code"] for r in rows]
    assert "brighton" in [
        r["code"] for r in api.get(AVAILABILITY, window(end=at(12, 40))).json()["results"]
    ]


def test_a_cancelled_booking_does_not_make_a_suite_unavailable(
    api, clock, sussex, court, three_suites
):
    booking = services.booking_create(
        actor=None,
        hearing=HearingFactory(court=court),
        witness=WitnessFactory(force=sussex),
        suite=three_suites["brighton"],
    )
    services.booking_cancel(actor=None, booking=booking, reason="Plea")

    rows = api.get(AVAILABILITY, window(near=HOVE)).json()["results"]

    assert rows[0]["code"] == "brighton"


def test_availability_can_be_narrowed_to_one_force(api, clock, kent, three_suites, kent_suite):
    rows = api.get(AVAILABILITY, window(force=kent.pk)).json()["results"]

    assert [r["suite"] for r in rows] == [kent_suite.pk]


def test_availability_across_midnight_finds_nothing(api, clock, three_suites):
    response = api.get(AVAILABILITY, window(start=at(22), end=at(2, day=25)))

    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        pytest.param({}, {"starts_at", "ends_at"}, id="neither"),
        pytest.param({"starts_at": at(10)}, {"ends_at"}, id="no-end"),
        pytest.param({"ends_at": at(13)}, {"starts_at"}, id="no-start"),
        pytest.param(window(start="2027-03-24T10:00:00"), {"starts_at"}, id="naive"),
        pytest.param(window(start=at(13), end=at(10)), {"ends_at"}, id="backwards"),
        pytest.param(window(near="Hove"), {"near"}, id="near-not-coordinates"),
        pytest.param(window(near="95,0"), {"near"}, id="near-off-the-globe"),
        pytest.param(window(force=987654), {"force"}, id="unknown-force"),
    ],
)
def test_availability_with_a_missing_or_bad_parameter_is_a_400_naming_it(
    api, three_suites, query, fields
):
    response = api.get(AVAILABILITY, query)

    body = assert_error(response, 400, "invalid", fields=fields)
    assert set(body["fields"]) == fields


def _suites_with_bookings(count: int, *, sussex, court) -> None:
    """Suites that each have a booking that day (outside the searched window) and a closure
    another day, so that a per-suite query anywhere would show."""
    for _ in range(count):
        suite = SuiteFactory(force=sussex)
        services.booking_create(
            actor=None,
            hearing=HearingFactory(court=court),
            witness=WitnessFactory(force=sussex),
            suite=suite,
            starts_at=london(2027, 3, 24, 15),
            ends_at=london(2027, 3, 24, 16),
        )
        Closure.objects.create(
            suite=suite,
            starts_at=london(2027, 3, 26, 9),
            ends_at=london(2027, 3, 26, 12),
            reason="Cleaning",
        )


def test_availability_does_the_same_database_work_for_30_suites_as_for_3(
    api, clock, sussex, court, django_assert_max_num_queries
):
    # given: three suites, and the work a search over them takes
    query = window(near=HOVE)
    _suites_with_bookings(3, sussex=sussex, court=court)
    with CaptureQueriesContext(connection) as few:
        assert api.get(AVAILABILITY, query).json()["count"] == 3

    # when: there are thirty
    _suites_with_bookings(27, sussex=sussex, court=court)

    # then: the same search costs no more
    with django_assert_max_num_queries(len(few)):
        response = api.get(AVAILABILITY, query)
    assert response.json()["count"] == 30
    assert len(few) <= 4
