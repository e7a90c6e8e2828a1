"""One input policy for every way in (core/inputs.py): ids the database can hold, dates in the
years 2000 to 2100, as the API already asks. Each finding of issue 14 about the staff pages,
in the words of the person who met it: a page that answered a typing mistake with a 500, a
form that saved a year the API refuses. (The API's JSON limits are tests/test_json_limits.py;
Hypothesis hunts for the rest in test_staff_pages_fuzz.py.)"""

import re
from html import unescape

import pytest

from bookings.models import Hearing
from evidence_suites.models import Closure
from tests.factories import london
from tests.helpers import signed_in
from tests.web.test_hearing_pages import relist_form
from tests.web.test_suite_closure_pages import closure_form

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def error_summary(response) -> list[str]:
    """The lines of the GOV.UK error summary, as a person reads them."""
    html = response.content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, flags=re.S)
    if summary is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), flags=re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_a_court_number_too_large_to_exist_is_told_not_a_server_error(clock, scheduler, court):
    response = signed_in(scheduler, raise_request_exception=False).get("/book/", {"court": HUGE})

    assert response.status_code == 200
    assert error_summary(response) == ["Choose a court from the list"]


def test_a_name_search_holding_a_nul_is_told_not_a_server_error(clock, scheduler, officer):
    # PostgreSQL refuses a NUL in any query: it was a 500 there
    response = signed_in(scheduler, raise_request_exception=False).get(
        "/book/", {"q": "Amelia\x00"}
    )

    assert response.status_code == 200
    assert error_summary(response) == ["Enter a name without control characters"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_booking_for_a_day_outside_the_years_the_service_takes_is_told(clock, scheduler, day):
    response = signed_in(scheduler, raise_request_exception=False).get("/book/", {"date": day})

    assert response.status_code == 200
    assert error_summary(response) == ["Choose a day between 2000 and 2100"]


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_a_suites_week_far_outside_the_calendar_shows_this_week_and_says_why(
    clock, suite, scheduler, week
):
    response = signed_in(scheduler, raise_request_exception=False).get(
        f"/suites/{suite.pk}/", {"week": week}
    )

    assert response.status_code == 200
    assert error_summary(response) == ["Give the week as a date between 2000 and 2100."]
    assert "Week of 22 March 2027" in unescape(response.content.decode())


def test_a_hearing_cannot_be_relisted_to_the_year_9999(clock, hearing, scheduler):
    response = signed_in(scheduler, raise_request_exception=False).post(
        f"/hearings/{hearing.pk}/relist/", relist_form(day="24", month="3", year="9999")
    )

    assert response.status_code == 200
    assert error_summary(response) == ["The new hearing date must be between 2000 and 2100"]
    hearing.refresh_from_db()
    assert hearing.starts_at == london(2027, 3, 24, 10)


def test_relisting_to_the_last_minute_of_9999_is_refused_not_a_server_error(
    clock, hearing, scheduler
):
    response = signed_in(scheduler, raise_request_exception=False).post(
        f"/hearings/{hearing.pk}/relist/",
        relist_form(day="31", month="12", year="9999", starts="23:58", ends="23:59"),
    )

    assert response.status_code == 200
    assert error_summary(response) == ["The new hearing date must be between 2000 and 2100"]
    assert Hearing.objects.get(pk=hearing.pk).starts_at == london(2027, 3, 24, 10)


@pytest.mark.parametrize("year", ["1000", "9999"])
def test_a_closure_in_a_year_the_service_does_not_take_is_refused(
    clock, suite, suite_manager, year
):
    response = signed_in(suite_manager, raise_request_exception=False).post(
        f"/suites/{suite.pk}/closures/",
        closure_form(start=("1", "4", year, "09:00"), end=("1", "4", year, "17:00")),
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "The date the closure starts must be between 2000 and 2100",
        "The date the closure ends must be between 2000 and 2100",
    ]
    assert not Closure.objects.filter(suite=suite).exists()


def test_the_api_refuses_a_court_filter_too_large_to_exist(clock, api, hearing):
    response = api.get("/api/v1/bookings/", {"court": HUGE})

    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail", "fields"}
    assert "court" in response.json()["fields"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_api_refuses_a_day_filter_outside_the_years_it_takes(clock, api, day):
    response = api.get("/api/v1/bookings/", {"date": day})

    assert response.status_code == 400
    assert response.json()["fields"]["date"] == ["Give a date between the years 2000 and 2100."]


@pytest.mark.parametrize("year", ["1000", "9999"])
def test_the_admin_refuses_a_closure_in_a_year_the_service_does_not_take(
    clock, admin_browser, suite, year
):
    response = admin_browser.post(
        "/admin/evidence_suites/closure/add/",
        {
            "suite": suite.pk,
            "starts_at_0": f"{year}-04-01",
            "starts_at_1": "09:00:00",
            "ends_at_0": f"{year}-04-01",
            "ends_at_1": "17:00:00",
            "reason": "Screen being replaced",
        },
    )

    assert response.status_code == 200
    assert "Give a date between the years 2000 and 2100." in response.content.decode()
    assert not Closure.objects.filter(suite=suite).exists()


ESCAPE = "Cracked\x1b[2J"


def test_the_api_refuses_control_characters_in_a_reason_a_note_or_a_feed_label(
    clock, api, hearing, officer, suite
):
    from bookings import services
    from bookings.models import Booking, BookingStatus

    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)

    cancel = api.post(f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": ESCAPE}, format="json")
    notes = api.patch(f"/api/v1/bookings/{booking.pk}/", {"notes": ESCAPE}, format="json")
    vacate = api.post(f"/api/v1/hearings/{hearing.pk}/vacate/", {"reason": ESCAPE}, format="json")
    feed = api.post(
        "/api/v1/feed-tokens/",
        {"scope": "suite", "object_id": suite.pk, "label": ESCAPE},
        format="json",
    )

    for response, field in ((cancel, "reason"), (notes, "notes"), (vacate, "reason")):
        assert response.status_code == 400, response.content
        assert field in response.json()["fields"]
    assert feed.status_code == 400 and "label" in feed.json()["fields"]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.notes == ""
    assert Booking.objects.get(pk=booking.pk).hearing.status == "listed"


def test_a_closure_reason_with_control_characters_is_refused_on_the_page(
    clock, suite, suite_manager
):
    response = signed_in(suite_manager, raise_request_exception=False).post(
        f"/suites/{suite.pk}/closures/", closure_form(reason="Screen\tbeing replaced")
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "Must be one line of text, without tabs or other control characters."
    ]
    assert not Closure.objects.filter(suite=suite).exists()
