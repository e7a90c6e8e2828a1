"""Suites over the API: who may change them, what a court sees of a confidential one, and the
availability search that schedulers use to find a free suite near a witness."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from evidence_suites.models import Closure, Force, OpeningHours, Suite
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

SUITES = "/api/v1/suites/"
AVAILABILITY = "/api/v1/availability/"
HOVE = "50.8279,-0.1688"


def window(start: str = at(10), end: str = at(13), **extra) -> dict:
    return {"starts_at": start, "ends_at": end, **extra}


def _hours(suite: Suite) -> list[tuple[int, time, time]]:
    return list(
        suite.opening_hours.order_by("weekday", "opens").values_list("weekday", "opens", "closes")
    )


# --- Changing a suite -------------------------------------------------------------------------


def test_a_suite_manager_changes_their_own_forces_suite_opening_hours(api_as, suite_manager, suite):
    # given: Brighton opens Monday to Friday 08:30–17:30
    new_hours = [
        {"weekday": 0, "opens": "09:00", "closes": "12:00"},
        {"weekday": 0, "opens": "13:00", "closes": "17:00"},
        {"weekday": 5, "opens": "10:00", "closes": "14:00"},
    ]

    # when: its suite manager sets new hours
    response = api_as(suite_manager).patch(
        f"{SUITES}{suite.pk}/", {"opening_hours": new_hours}, format="json"
    )

    # then: the response shows them, and they are what the suite now keeps
    assert response.status_code == 200, response.content
    assert response.json()["opening_hours"] == new_hours
    assert _hours(suite) == [
        (0, time(9), time(12)),
        (0, time(13), time(17)),
        (5, time(10), time(14)),
    ]
    assert api_as(suite_manager).get(f"{SUITES}{suite.pk}/").json()["opening_hours"] == new_hours


def test_a_suite_manager_gets_403_changing_another_forces_suite(api_as, suite_manager, kent_suite):
    # given: Maidstone is Kent's; suites are readable by all staff, so it is no secret
    before = _hours(kent_suite)

    # when
    response = api_as(suite_manager).patch(
        f"{SUITES}{kent_suite.pk}/",
        {"opening_hours": [{"weekday": 0, "opens": "09:00", "closes": "10:00"}], "name": "Mine"},
        format="json",
    )

    # then
    assert_error(response, 403, "permission_denied")
    kent_suite.refresh_from_db()
    assert kent_suite.name == "Maidstone Police Station"
    assert _hours(kent_suite) == before


def test_a_suite_manager_cannot_close_another_forces_suite(api_as, suite_manager, kent_suite):
    response = api_as(suite_manager).post(
        f"{SUITES}{kent_suite.pk}/closures/",
        {"starts_at": at(8), "ends_at": at(12), "reason": "Not mine"},
        format="json",
    )

    assert_error(response, 403, "permission_denied")
    assert Closure.objects.count() == 0


def test_a_suite_manager_closes_their_own_suite(api_as, suite_manager, suite):
    response = api_as(suite_manager).post(
        f"{SUITES}{suite.pk}/closures/",
        {"starts_at": at(8), "ends_at": at(12), "reason": "Kit upgrade"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reason"] == "Kit upgrade"
    assert body["suite"] == suite.pk
    assert Closure.objects.get().suite == suite


def test_a_suite_manager_cannot_create_a_suite_for_another_force(api_as, suite_manager, kent):
    response = api_as(suite_manager).post(
        SUITES,
        {
            "code": "dover",
            "name": "Dover Police Station",
            "force": kent.pk,
            "address": "Ladywell, Dover",
            "postcode": "CT16 1DJ",
            "latitude": 51.1279,
            "longitude": 1.3134,
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "force" in response.json()["fields"]
    assert not Suite.objects.filter(code="dover").exists()


def test_a_scheduler_cannot_change_a_suite(api, suite):
    response = api.patch(f"{SUITES}{suite.pk}/", {"name": "Renamed"}, format="json")

    assert_error(response, 403, "permission_denied")
    suite.refresh_from_db()
    assert suite.name == "Brighton Police Station"


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        pytest.param(
            [
                {"weekday": 0, "opens": "09:00", "closes": "13:00"},
                {"weekday": 0, "opens": "12:00", "closes": "17:00"},
            ],
            "opening_hours",
            id="overlapping",
        ),
        pytest.param(
            [{"weekday": 0, "opens": "17:00", "closes": "09:00"}], "opening_hours", id="backwards"
        ),
        pytest.param(
            [{"weekday": 7, "opens": "09:00", "closes": "17:00"}],
            "opening_hours.0.weekday",
            id="no-such-weekday",
        ),
        pytest.param(
            [{"weekday": 0, "opens": "9am", "closes": "17:00"}],
            "opening_hours.0.opens",
            id="not-hh-mm",
        ),
    ],
)
def test_opening_hours_that_make_no_sense_are_a_400_and_keep_the_old_hours(
    api_as, suite_manager, suite, hours, field
):
    before = _hours(suite)

    response = api_as(suite_manager).patch(
        f"{SUITES}{suite.pk}/", {"opening_hours": hours}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert _hours(suite) == before


# --- Text that goes into texts, email subjects and invites: no control characters -------------

NEW_SUITE = {
    "code": "hove",
    "name": "Hove Police Station",
    "address": "Holland Road\nHove",
    "postcode": "BN3 1JR",
    "latitude": 50.8302,
    "longitude": -0.1722,
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "Hove\nPolice Station", id="line-break-in-name"),
        pytest.param("name", "Hove\r\nSubject: hello", id="header-in-name"),
        pytest.param("name", "Hove\u2028Police Station", id="line-separator-in-name"),
        pytest.param("postcode", "BN3\t1JR", id="tab-in-postcode"),
        pytest.param("contact_phone", "01273\n470101", id="line-break-in-contact-phone"),
        pytest.param("address", "Holland Road\tHove", id="tab-in-address"),
        pytest.param("address", "Holland Road\x1b[2JHove", id="escape-in-address"),
        pytest.param("address", "Holland Road\rHove", id="lone-carriage-return-in-address"),
    ],
)
def test_a_new_suite_whose_text_holds_a_control_character_is_refused_naming_the_field(
    api_as, suite_manager, sussex, field, value
):
    response = api_as(suite_manager).post(
        SUITES, {**NEW_SUITE, "force": sussex.pk, field: value}, format="json"
    )

    body = assert_error(response, 400, "invalid", fields=[field])
    assert set(body["fields"]) == {field}
    assert not Suite.objects.filter(code="hove").exists()


def test_a_suite_name_with_a_line_break_is_refused_naming_the_field(api_as, suite_manager, suite):
    response = api_as(suite_manager).patch(
        f"{SUITES}{suite.pk}/", {"name": "Brighton\nPolice Station"}, format="json"
    )

    body = assert_error(response, 400, "invalid", fields=["name"])
    assert body["fields"]["name"] == [
        "Must be one line of text, without tabs or other control characters."
    ]
    suite.refresh_from_db()
    assert suite.name == "Brighton Police Station"


def test_a_suites_address_keeps_its_line_breaks(api_as, suite_manager, suite):
    address = "John Street\r\nBrighton\nEast Sussex"

    response = api_as(suite_manager).patch(
        f"{SUITES}{suite.pk}/", {"address": address}, format="json"
    )

    assert response.status_code == 200, response.content
    suite.refresh_from_db()
    assert suite.address == address


def test_a_suites_address_with_a_tab_is_refused_and_keeps_the_old_address(
    api_as, suite_manager, suite
):
    before = suite.address

    response = api_as(suite_manager).patch(
        f"{SUITES}{suite.pk}/", {"address": "John Street\tBrighton"}, format="json"
    )

    body = assert_error(response, 400, "invalid", fields=["address"])
    assert "line breaks are fine" in body["fields"]["address"][0]
    suite.refresh_from_db()
    assert suite.address == before


def test_a_new_force_whose_name_holds_a_line_break_is_refused(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/forces/", {"code": "surrey", "name": "Surrey\nPolice"}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["name"])
    assert not Force.objects.filter(code="surrey").exists()


# --- What a court user sees of a confidential suite -------------------------------------------


@pytest.fixture
def safe_house(sussex):
    return SuiteFactory(
        code="safe-house",
        name="Sussex ABE Suite",
        force=sussex,
        address="1 Secret Lane, Somewhere",
        postcode="BN1 1AA",
        location_confidential=True,
    )


def test_a_court_user_reading_a_confidential_suite_gets_no_address(api_as, court_user, safe_house):
    client = api_as(court_user)

    detail = client.get(f"{SUITES}{safe_house.pk}/").json()
    [listed] = [s for s in client.get(SUITES).json()["results"] if s["id"] == safe_house.pk]

    for body in (detail, listed):
        assert body["name"] == "Sussex ABE Suite"
        assert body["address"] == ""
        assert body["postcode"] == ""
        assert body["latitude"] is None
        assert body["longitude"] is None
        assert "Secret Lane" not in str(body)


def test_staff_of_the_force_see_a_confidential_suites_address(api, safe_house):
    body = api.get(f"{SUITES}{safe_house.pk}/").json()

    assert body["address"] == "1 Secret Lane, Somewhere"
    assert body["postcode"] == "BN1 1AA"


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


def test_the_suite_list_does_the_same_database_work_for_30_suites_as_for_3(
    api, sussex, django_assert_max_num_queries
):
    SuiteFactory.create_batch(3, force=sussex)
    with CaptureQueriesContext(connection) as few:
        api.get(SUITES)
    SuiteFactory.create_batch(27, force=sussex)

    with django_assert_max_num_queries(len(few)):
        body = api.get(SUITES).json()

    assert body["count"] == 30
    assert all(len(s["opening_hours"]) == 5 for s in body["results"])


def test_the_suite_list_is_paginated(api, sussex):
    SuiteFactory.create_batch(3, force=sussex)

    body = api.get(SUITES, {"page_size": 2}).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] and "page=2" in body["next"]
    assert body["previous"] is None
    second = api.get(body["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
