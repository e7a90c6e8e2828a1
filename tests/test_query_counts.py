"""List endpoints do a fixed amount of database work per page, however many rows it holds:
an N+1 query here would make the scheduling screens crawl in a busy court week. So does
creating a booking, however many messages it sends."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from notifications.models import Message
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _make_bookings(count, *, court, force):
    for index in range(count):
        suite = SuiteFactory(force=force)
        day = london(2027, 3, 24, 10) + timedelta(days=7 * (index // 5))
        hearing = HearingFactory(court=court, starts_at=day, ends_at=day + timedelta(hours=3))
        services.booking_create(
            actor=None, hearing=hearing, witness=WitnessFactory(force=force), suite=suite
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bookings/",
        "/api/v1/hearings/",
        "/api/v1/witnesses/",
        "/api/v1/suites/",
        "/api/v1/attention/",
        "/api/v1/courts/",
    ],
)
def test_a_list_page_costs_the_same_queries_for_3_rows_as_for_30(api, clock, court, sussex, url):
    _make_bookings(3, court=court, force=sussex)
    few = _queries(api, url)

    _make_bookings(27, court=court, force=sussex)
    many = _queries(api, url)

    assert many == few
    assert many <= 6


def test_availability_costs_the_same_queries_for_3_suites_as_for_30(api, clock, sussex):
    url = (
        "/api/v1/availability/?starts_at=2027-03-24T10:00:00Z&ends_at=2027-03-24T12:00:00Z"
        "&near=50.8279,-0.1688"
    )
    SuiteFactory.create_batch(3, force=sussex)
    few = _queries(api, url)
    SuiteFactory.create_batch(27, force=sussex)
    many = _queries(api, url)
    assert many == few <= 3
    assert api.get(url).json()["count"] == 30


def _created(api, **payload) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = api.post("/api/v1/bookings/", payload, format="json")
    assert response.status_code == 201, response.content
    return len(captured), Message.objects.filter(booking=response.json()["id"]).count()


def test_a_booking_costs_the_same_queries_for_3_messages_as_for_5(api, clock, hearing, sussex):
    """Its texts, invites and reminders go to the outbox in one INSERT, after one look at what
    is there and one at the opt-out ledger, however many there are. (Two of the 22 lock the
    suite and the witness: bookings.services, the lock order; one is the audit log's entry;
    one reads the witness's dates to avoid.)"""
    few = _created(
        api,
        hearing=hearing.pk,
        witness=WitnessFactory(force=sussex, email="").pk,
        suite=SuiteFactory(force=sussex).pk,
    )
    many = _created(
        api,
        hearing=hearing.pk,
        witness=WitnessFactory(force=sussex).pk,
        suite=SuiteFactory(force=sussex, contact_email="suite@sussex.police.example").pk,
    )

    assert (few[1], many[1]) == (3, 5)
    assert many[0] == few[0] <= 22
