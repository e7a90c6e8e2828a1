"""The suite pages: every member of staff sees the suites and a suite's week; the force's suite
managers keep the opening hours, and nobody else can. Closures: test_suite_closure_pages.py."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from accounts.models import Role
from bookings import services as booking_services
from evidence_suites.models import Closure, OpeningHours
from evidence_suites.services import closure_create
from tests.factories import HearingFactory, SuiteFactory, UserFactory, WitnessFactory, london
from tests.helpers import book, queries_for, signed_in, text

pytestmark = pytest.mark.django_db


def week_row(response, day: str) -> str:
    """The week view's row for one day (YYYY-MM-DD), as text."""
    html = response.content.decode()
    row = re.search(rf'<tr class="govuk-table__row" id="day-{day}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {day}"
    return " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())


def hours(suite) -> list[tuple[int, str, str]]:
    return [
        (p.weekday, f"{p.opens:%H:%M}", f"{p.closes:%H:%M}")
        for p in OpeningHours.objects.filter(suite=suite).order_by("weekday", "opens")
    ]


def week_form(**days) -> dict:
    """The opening hours form as posted: every weekday open 08:30–17:30 unless told."""
    data = {}
    for day in range(7):
        periods = days.get(str(day), [("08:30", "17:30")] if day < 5 else [])
        if periods:
            data[f"{day}_open"] = "on"
        for index, (opens, closes) in enumerate(periods, start=1):
            data[f"{day}_opens_{index}"] = opens
            data[f"{day}_closes_{index}"] = closes
    return data


# --- Who sees what ----------------------------------------------------------------------------


def test_every_role_sees_the_suites_list_and_a_suites_page(
    clock, suite, scheduler, suite_manager, court_user, admin_user
):
    for user in (scheduler, suite_manager, court_user, admin_user):
        client = signed_in(user)
        listing = client.get("/suites/")
        assert listing.status_code == 200
        assert "Brighton Police Station" in text(listing)
        assert "Brighton BN2 0LA" in text(listing)
        assert "15 minutes" in text(listing)
        assert f'href="/suites/{suite.pk}/"' in listing.content.decode()
        page = client.get(f"/suites/{suite.pk}/")
        assert page.status_code == 200
        assert "Week of 22 March 2027" in text(page)


def test_signed_out_visitors_are_sent_to_sign_in(suite):
    response = Client().get("/suites/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_court_staff_never_see_a_confidential_suites_address(
    clock, sussex, scheduler, court_user, suite_manager
):
    hidden = SuiteFactory(
        force=sussex,
        name="Safe Room",
        address="12 Secret Lane, Lewes",
        postcode="BN7 1AA",
        location_confidential=True,
    )
    for page in ("/suites/", f"/suites/{hidden.pk}/"):
        court_view = text(signed_in(court_user).get(page))
        assert "Safe Room" in court_view
        assert "Confidential" in court_view
        assert "Lewes" not in court_view and "BN7 1AA" not in court_view
        assert "Secret Lane" not in court_view
        for police in (scheduler, suite_manager):
            police_view = text(signed_in(police).get(page))
            assert "BN7 1AA" in police_view and "Lewes" in police_view


def test_only_the_forces_suite_managers_and_admins_see_the_edit_links(
    clock, suite, kent, scheduler, suite_manager, court_user, admin_user
):
    kent_manager = UserFactory(username="kent.suites", role=Role.SUITE_MANAGER, force=kent)
    hours_link = f'href="/suites/{suite.pk}/hours/"'
    for user in (suite_manager, admin_user):
        assert hours_link in signed_in(user).get(f"/suites/{suite.pk}/").content.decode()
    for user in (scheduler, court_user, kent_manager):
        client = signed_in(user)
        assert hours_link not in client.get(f"/suites/{suite.pk}/").content.decode()
        assert client.get(f"/suites/{suite.pk}/hours/").status_code == 403
        assert client.post(f"/suites/{suite.pk}/hours/", week_form()).status_code == 403
        closures = client.get(f"/suites/{suite.pk}/closures/")
        assert closures.status_code == 200
        assert "Add a closure" not in text(closures)
        refused = client.post(
            f"/suites/{suite.pk}/closures/",
            {"starts_on_day": "1", "starts_on_month": "4", "starts_on_year": "2027"},
        )
        assert refused.status_code == 403
    assert Closure.objects.count() == 0


def test_an_unknown_suite_is_not_found(clock, scheduler):
    assert signed_in(scheduler).get("/suites/999999/").status_code == 404


# --- Opening hours ----------------------------------------------------------------------------


def test_a_suite_manager_changes_the_opening_hours(clock, suite, suite_manager):
    client = signed_in(suite_manager)
    form = client.get(f"/suites/{suite.pk}/hours/")
    assert form.status_code == 200
    assert 'value="08:30"' in form.content.decode()

    response = client.post(
        f"/suites/{suite.pk}/hours/",
        week_form(
            **{"0": [("08:00", "12:00"), ("13:00", "18:00")], "4": [], "5": [("9am", "12.30")]}
        ),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/suites/{suite.pk}/"
    assert "Opening hours saved" in text(response)
    assert hours(suite) == [
        (0, "08:00", "12:00"),
        (0, "13:00", "18:00"),
        (1, "08:30", "17:30"),
        (2, "08:30", "17:30"),
        (3, "08:30", "17:30"),
        (5, "09:00", "12:30"),
    ]
    assert "Monday: 08:00 to 12:00, 13:00 to 18:00" in text(response)
    assert "Tuesday to Thursday: 08:30 to 17:30" in text(response)


def test_overlapping_opening_hours_are_refused_and_nothing_changes(clock, suite, suite_manager):
    before = hours(suite)

    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/hours/",
        week_form(**{"0": [("08:30", "13:00"), ("12:00", "17:30")]}),
    )

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "The opening times on Mondays overlap: 08:30 to 13:00 and 12:00 to 17:30" in page
    assert 'href="#id_0_opens_2"' in response.content.decode()
    assert "govuk-input--error" in response.content.decode()
    assert hours(suite) == before


def test_a_suite_cannot_close_before_it_opens(clock, suite, suite_manager):
    before = hours(suite)

    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/hours/", week_form(**{"2": [("17:00", "09:00")]})
    )

    assert "There is a problem" in text(response)
    assert "The suite must close after it opens: on Wednesdays it opens at 17:00" in text(response)
    assert 'href="#id_2_closes_1"' in response.content.decode()
    assert hours(suite) == before


def test_an_open_day_needs_its_times(clock, suite, suite_manager):
    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/hours/", {**week_form(), "6_open": "on", "1_opens_1": "half nine"}
    )
    page = text(response)
    assert "Enter the time the suite opens on Tuesdays, like 08:30" in page
    assert "Enter the time the suite opens on Sundays, or untick ‘Open on Sundays’" in page
    assert hours(suite)[1] == (1, "08:30", "17:30")


def test_a_suite_cannot_be_saved_as_closed_every_day(clock, suite, suite_manager):
    before = hours(suite)

    response = signed_in(suite_manager).post(f"/suites/{suite.pk}/hours/", {})

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Tick at least one day the suite opens" in text(response)
    assert 'href="#id_0_open"' in response.content.decode()
    assert hours(suite) == before


def test_an_admin_may_change_any_forces_suite(clock, kent, admin_user):
    kent_suite = SuiteFactory(force=kent)
    response = signed_in(admin_user).post(f"/suites/{kent_suite.pk}/hours/", week_form(**{"4": []}))
    assert response.status_code == 302
    assert [day for day, _, _ in hours(kent_suite)] == [0, 1, 2, 3]


# --- The week view ----------------------------------------------------------------------------


def test_the_week_shows_a_booking_on_its_day_and_time(clock, suite, court, officer, scheduler):
    hearing = HearingFactory(court=court)  # Wednesday 24 March 2027, 10:00–13:00 GMT
    booking = book(hearing, officer, suite)
    closure_create(
        suite=suite,
        starts_at=london(2027, 3, 25, 13),
        ends_at=london(2027, 3, 25, 17, 30),
        reason="Engineer visit",
    )

    response = signed_in(scheduler).get(f"/suites/{suite.pk}/")

    wednesday = week_row(response, "2027-03-24")
    assert "Wednesday 24 March" in wednesday
    assert "08:30 to 17:30" in wednesday
    assert f"10:00 to 13:00 {booking.reference} Confirmed" in wednesday
    assert f'href="/bookings/{booking.pk}/"' in response.content.decode()
    assert booking.reference not in week_row(response, "2027-03-23")
    assert "Closed 13:00 to 17:30: Engineer visit" in week_row(response, "2027-03-25")
    assert "Monday 22 March" in week_row(response, "2027-03-22")
    assert "Today" in week_row(response, "2027-03-22")
    assert "Closed" in week_row(response, "2027-03-27")  # no Saturday hours


def test_the_week_after_the_clocks_go_forward_shows_london_times(
    clock, suite, court, officer, scheduler
):
    # BST starts on Sunday 28 March 2027: 10:00 in London on Wednesday 31 March is 09:00 UTC.
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 31, 10), ends_at=london(2027, 3, 31, 13)
    )
    booking = book(hearing, officer, suite)

    response = signed_in(scheduler).get(f"/suites/{suite.pk}/?week=2027-03-31")

    assert "Week of 29 March 2027" in text(response)
    assert f"10:00 to 13:00 {booking.reference}" in week_row(response, "2027-03-31")
    assert booking.reference not in text(signed_in(scheduler).get(f"/suites/{suite.pk}/"))
    assert 'href="?week=2027-03-22#week"' in response.content.decode()
    assert 'href="?week=2027-04-05#week"' in response.content.decode()


def test_another_forces_booking_shows_as_busy_without_its_details(
    clock, suite, hearing, kent_witness, scheduler
):
    booking = book(hearing, kent_witness, suite)

    wednesday = week_row(signed_in(scheduler).get(f"/suites/{suite.pk}/"), "2027-03-24")

    assert "10:00 to 13:00 Booked by another team" in wednesday
    assert booking.reference not in wednesday


# --- Bounded queries ------------------------------------------------------------------------


def _fill_week(suite, court, force, count):
    """`count` half-hour bookings at the suite in the week of 29 March 2027, six a day."""
    for index in range(count):
        day, slot = 29 + index // 6, index % 6
        on = london(2027, 3, day, 10) if day <= 31 else london(2027, 4, day - 31, 10)
        hearing = HearingFactory(court=court, starts_at=on, ends_at=on.replace(hour=16))
        starts = on.replace(hour=8, minute=45) + timedelta(hours=slot)
        book(
            hearing,
            WitnessFactory(force=force),
            suite,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
        )


def test_a_suites_week_costs_the_same_queries_for_3_bookings_as_for_30(
    clock, suite, court, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    url = f"/suites/{suite.pk}/?week=2027-03-29"
    _fill_week(suite, court, sussex, 3)
    few = queries_for(client, url)

    Closure.objects.all().delete()
    for booking in suite.bookings.all():
        booking_services.booking_cancel(actor=None, booking=booking, reason="Make room")
    _fill_week(suite, court, sussex, 30)
    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert text(response).count("Confirmed") == 30
    assert few <= 10


def test_the_suites_list_costs_the_same_queries_for_3_suites_as_for_30(
    clock, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    SuiteFactory.create_batch(3, force=sussex)
    few = queries_for(client, "/suites/")

    SuiteFactory.create_batch(27, force=sussex)
    with django_assert_max_num_queries(few):
        response = client.get("/suites/")

    assert len(re.findall(r'href="/suites/\d+/"', response.content.decode())) == 30
    assert few <= 6
