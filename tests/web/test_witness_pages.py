"""The witness pages: a scheduler finds their force's witnesses, sees how to reach them and
whether they stopped texts, and their bookings; nobody else finds anything here."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import WitnessType
from notifications.opt_outs import opt_out_set
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def test_a_scheduler_sees_their_forces_witnesses_only(
    clock, officer, other_officer, kent_witness, scheduler
):
    client = signed_in(scheduler)

    listing = client.get("/witnesses/")

    assert listing.status_code == 200
    page = text(listing)
    assert f"Amelia Pond Police officer {officer.collar_number}" in page
    assert "Rory Williams" in page
    assert "Clara Oswald" not in page
    assert client.get(f"/witnesses/{officer.pk}/").status_code == 200
    assert client.get(f"/witnesses/{kent_witness.pk}/").status_code == 404


def test_admins_see_every_forces_witnesses(clock, officer, kent_witness, admin_user):
    page = text(signed_in(admin_user).get("/witnesses/"))
    assert "Amelia Pond" in page and "Clara Oswald" in page
    assert "Kent Police" in page
    assert signed_in(admin_user).get(f"/witnesses/{kent_witness.pk}/").status_code == 200


def test_other_roles_find_no_witnesses(clock, officer, suite_manager, court_user):
    for user in (suite_manager, court_user):
        client = signed_in(user)
        assert client.get("/witnesses/").status_code == 404
        assert client.get(f"/witnesses/{officer.pk}/").status_code == 404


def test_the_list_searches_by_name(clock, officer, other_officer, scheduler):
    page = text(signed_in(scheduler).get("/witnesses/?q=POND"))
    assert "Amelia Pond" in page
    assert "Rory Williams" not in page
    assert "1 witness with ‘POND’ in their name" in page


def test_a_witness_who_replied_stop_is_tagged(clock, officer, other_officer, scheduler):
    opt_out_set(phone=str(officer.phone), opted_out=True, keyword="STOP")

    listing = text(signed_in(scheduler).get("/witnesses/"))
    page = text(signed_in(scheduler).get(f"/witnesses/{officer.pk}/"))

    assert "Amelia Pond Police officer" in listing
    assert listing.count("Texts stopped") == 1
    assert "Texts stopped Replied STOP on 22 March 2027 at 09:00." in page


def test_a_witness_who_replied_start_again_can_be_texted(clock, officer, scheduler):
    opt_out_set(phone=str(officer.phone), opted_out=True, keyword="STOP")
    clock.shift(timedelta(hours=2))
    opt_out_set(phone=str(officer.phone), opted_out=False, keyword="START")

    page = text(signed_in(scheduler).get(f"/witnesses/{officer.pk}/"))

    assert "Texts stopped" not in page
    assert "Texts allowed Replied START on 22 March 2027 at 11:00." in page


def test_a_witness_page_shows_contact_details_and_bookings(
    clock, court, hearing, suite, sussex, scheduler
):
    witness = WitnessFactory(
        force=sussex,
        full_name="Martha Jones",
        witness_type=WitnessType.CIVILIAN,
        collar_number="",
        phone="07700 900461",
        email="martha@example.org",
    )
    upcoming = services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)
    earlier = HearingFactory(
        court=court, starts_at=london(2027, 3, 15, 10), ends_at=london(2027, 3, 15, 13)
    )
    past = services.booking_create(
        actor=None, hearing=earlier, witness=witness, suite=suite, allow_past=True
    )

    response = signed_in(scheduler).get(f"/witnesses/{witness.pk}/")

    page = text(response)
    assert "Mobile 07700 900461 +447700900461" in page
    assert "martha@example.org" in page
    assert "Texts allowed" in page
    assert "Collar number" not in page
    upcoming_part, past_part = page.split("Past bookings", 1)
    assert (
        f"{upcoming.reference} Confirmed Wed 24 Mar 2027 10:00 to 13:00 Brighton Police Station"
        in upcoming_part
    )
    assert hearing.case_reference in upcoming_part
    assert f"{past.reference} Confirmed Mon 15 Mar 2027 10:00 to 13:00" in past_part
    assert f'href="/bookings/{upcoming.pk}/"' in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_witness_list_costs_the_same_queries_for_3_rows_as_for_30(
    clock, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    WitnessFactory.create_batch(3, force=sussex)
    few = _queries(client, "/witnesses/")

    WitnessFactory.create_batch(27, force=sussex)
    with django_assert_max_num_queries(few):
        response = client.get("/witnesses/")

    assert len(re.findall(r'href="/witnesses/\d+/"', response.content.decode())) == 30
    assert few <= 7  # one is the audit log's record of the witnesses read, all in one INSERT


def test_a_witness_page_costs_the_same_queries_for_3_bookings_as_for_30(
    clock, court, officer, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    url = f"/witnesses/{officer.pk}/"

    def book(count, first):
        for index in range(first, first + count):
            on = london(2027, 3, 24, 10) + timedelta(days=index)
            hearing = HearingFactory(court=court, starts_at=on, ends_at=on + timedelta(hours=3))
            services.booking_create(
                actor=None,
                hearing=hearing,
                witness=officer,
                suite=SuiteFactory(force=sussex, weekdays=range(7)),
            )

    book(3, 0)
    few = _queries(client, url)
    book(27, 3)
    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert len(re.findall(r'href="/bookings/\d+/"', response.content.decode())) == 30
    assert few <= 9  # one is the audit log's record of the read


def test_a_long_witness_list_is_paged(clock, scheduler, sussex):
    WitnessFactory.create_batch(60, force=sussex)

    second = signed_in(scheduler).get("/witnesses/?page=2").content.decode()

    assert 'aria-label="Pages of witnesses"' in second
    assert re.search(r'aria-current="page">\s*2\s*<', second)
    assert "Previous<span" in second
