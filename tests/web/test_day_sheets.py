"""Day sheets: a suite host and a court clerk work from the day's list, on screen, on paper or
in a spreadsheet. The suite's managers reach their suite's, the court's users their court's;
a court reads witnesses' types and initials, never their names."""

import csv
import io

import pytest
from django.urls import reverse

from bookings import services
from tests.factories import SuiteFactory, UserFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db

DAY = {"on_day": "24", "on_month": "3", "on_year": "2027"}


def suite_sheet(suite, csv_file=False):
    name = "web:suite-day-sheet-csv" if csv_file else "web:suite-day-sheet"
    return reverse(name, args=[suite.pk])


def court_sheet(court, csv_file=False):
    name = "web:court-day-sheet-csv" if csv_file else "web:court-day-sheet"
    return reverse(name, args=[court.pk])


@pytest.fixture
def ready(booking, court_user):
    """Amelia Pond's booking with a supporter and an interpreter, and the court's room and PIN."""
    services.booking_update_details(
        actor=None, booking=booking, needs_supporter=True, interpreter_language="Polish"
    )
    booking.refresh_from_db()
    services.booking_set_video_link(
        actor=court_user, booking=booking, video_room="3051", video_pin="4821"
    )
    booking.refresh_from_db()
    return booking


def test_the_suite_manager_reads_the_day_with_names_needs_and_the_court_link(
    client, suite_manager, ready, suite
):
    client.force_login(suite_manager)

    page = text(client.get(suite_sheet(suite), DAY))

    assert "Day sheet: Wednesday 24 March 2027" in page
    assert "10:00 to 13:00" in page and "Arrive by 09:45" in page
    assert "Amelia Pond (police officer)" in page
    assert "Supporter, Polish interpreter" in page
    assert "Room 3051, PIN 4821" in page
    assert ready.reference in page


def test_the_court_user_reads_initials_not_names(client, court_user, ready, court):
    client.force_login(court_user)

    page = text(client.get(court_sheet(court), DAY))

    assert "AP (police officer)" in page
    assert "Amelia Pond" not in page
    assert "Brighton Police Station" in page


def test_the_csv_is_the_same_day_for_a_spreadsheet(client, court_user, ready, court):
    client.force_login(court_user)

    response = client.get(court_sheet(court, csv_file=True), DAY)

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["witness"] == "AP (police officer)"
    assert (row["starts"], row["arrive_by"], row["court_video_link"]) == (
        "10:00",
        "09:45",
        "Room 3051, PIN 4821",
    )


def test_another_forces_suite_manager_and_another_court_are_refused(
    client, ready, suite, court, other_court_user, kent
):
    kent_manager = UserFactory(role="suite_manager", force=kent)
    client.force_login(kent_manager)
    assert client.get(suite_sheet(suite), DAY).status_code == 403
    client.force_login(other_court_user)
    assert client.get(court_sheet(court), DAY).status_code == 403


def test_a_stood_down_booking_is_not_on_the_sheet(client, suite_manager, ready, suite):
    services.booking_cancel(actor=None, booking=ready, reason="Trial vacated.")
    client.force_login(suite_manager)

    page = text(client.get(suite_sheet(suite), DAY))

    assert "No bookings on Wednesday 24 March 2027." in page


def test_a_day_that_is_not_a_date_gets_the_error_summary_not_a_500(client, suite_manager, suite):
    client.force_login(suite_manager)

    response = client.get(suite_sheet(suite), {"on_day": "31", "on_month": "2", "on_year": "2027"})

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "The day must be a real date" in page


def test_an_empty_suite_day_says_so_and_links_the_days_either_side(client, suite_manager):
    quiet = SuiteFactory(force=suite_manager.force, name="Hove Police Station")
    client.force_login(suite_manager)

    response = client.get(suite_sheet(quiet), DAY)

    page = text(response)
    assert "No bookings on Wednesday 24 March 2027." in page
    assert "Previous day" in page and "Next day" in page
    assert "on_day=25&amp;on_month=3&amp;on_year=2027" in response.content.decode()
