"""Suites over the API: who may change them, the text they may hold, what a court sees of a
confidential one, and their list. The availability search: test_api_availability.py."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence_suites.models import Closure, Force, Suite
from tests.factories import SuiteFactory
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

SUITES = "/api/v1/suites/"


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


# --- The list ---------------------------------------------------------------------------------


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
