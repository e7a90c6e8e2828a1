"""The reports page: officer hours saved as a sourced range with its £ value and price year, the
bookings left out and why, charts by month and by suite with their numbers in tables, the CSV,
and how the suites are used: the same numbers as the API for the same period."""

import re
from html import unescape

import pytest
import time_machine

from bookings import services
from bookings.models import Outcome, WitnessType
from bookings.selectors import booking_list
from reports.selectors import Period, hours_saved
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import attend, attend_many, signed_in, text

pytestmark = pytest.mark.django_db

PAGE = "/reports/"
MARCH = {
    "from_day": "1",
    "from_month": "3",
    "from_year": "2027",
    "to_day": "31",
    "to_month": "3",
    "to_year": "2027",
}


def hours(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


@pytest.fixture
def march(sussex, court):
    """Tue 2 March 2027: two officers attend (one timed, one not), a civilian gives evidence,
    one officer does not come and one is stood down."""
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    hove = SuiteFactory(force=sussex, name="Hove Police Station")
    lewes = SuiteFactory(force=sussex, name="Lewes Community Hub")
    others = [SuiteFactory(force=sussex) for _ in range(3)]
    attend(
        hearing,
        WitnessFactory(force=sussex),
        hove,
        arrive=london(2027, 3, 2, 9, 50),
        release=london(2027, 3, 2, 10, 50),
    )
    attend(hearing, WitnessFactory(force=sussex), lewes, arrive=london(2027, 3, 2, 9, 55))
    attend(
        hearing,
        WitnessFactory(force=sussex, witness_type=WitnessType.CIVILIAN, collar_number=""),
        others[0],
        arrive=london(2027, 3, 2, 9, 40),
        release=london(2027, 3, 2, 11, 0),
    )
    with time_machine.travel(london(2027, 2, 26, 9), tick=False):
        absent = services.booking_create(
            actor=None, hearing=hearing, witness=WitnessFactory(force=sussex), suite=others[1]
        )
        stood_down = services.booking_create(
            actor=None, hearing=hearing, witness=WitnessFactory(force=sussex), suite=others[2]
        )
        services.booking_cancel(actor=None, booking=stood_down, reason="Statement agreed")
    with time_machine.travel(london(2027, 3, 2, 14), tick=False):
        services.booking_complete(actor=None, booking=absent, outcome=Outcome.NO_SHOW)
    return hearing


def test_the_report_shows_the_range_its_value_and_what_was_left_out(clock, march, scheduler):
    response = signed_in(scheduler).get(PAGE, {**MARCH, "group_by": "suite"})

    assert response.status_code == 200
    page = text(response)
    assert "1 March 2027 to 31 March 2027" in page
    # two officers attended: 1.0 h + 0.5 h (default) at the suites, 2 × 3.0 / 5.5 / 8.0 in person
    assert "Officer hours saved 9.5 hours, between 4.5 and 14.5" in page
    assert "Worth £346.85 between £164.30 and £529.40, at £36.51 an hour, 2014 prices" in page
    assert "Officers counted 2 attended a suite; 3 bookings not counted" in page
    assert "0.5 hours at the suite is assumed" in page
    # every reason, with its count
    assert "Civilian, vulnerable or expert witness: not police time 1" in page
    assert "Cancelled before the day 1" in page
    assert "The officer did not attend (no show, or stood down before arriving) 1" in page
    assert "No arrival recorded yet 0" in page
    assert "Total not counted 3" in page
    # how it is worked out, quoted
    assert "How this is worked out" in page
    assert "Hours saved per booking = in-person court attendance" in page


def test_every_assumption_is_shown_with_its_value_kind_year_and_source(clock, march, scheduler):
    from reports.models import Assumption

    page = text(signed_in(scheduler).get(PAGE, MARCH))

    for assumption in Assumption.objects.all():
        assert assumption.get_key_display() in page
        assert assumption.source in page
        assert str(assumption.year) in page
    assert "Full cost of an officer hour £36.51 an hour Modelled 2014 Home Office" in page
    assert "In-person court attendance, central 5.5 hours Claim 2017 Sussex" in page


def test_a_forces_own_cost_is_used_for_its_schedulers_and_named_for_others(
    clock, march, scheduler, admin_user, sussex_cost
):
    own = text(signed_in(scheduler).get(PAGE, MARCH))
    everyone = text(signed_in(admin_user).get(PAGE, MARCH))

    assert "Worth £427.50 between" in own  # 9.5 hours × £45
    assert "at £45.00 an hour, 2026 prices" in own
    assert "at £36.51 an hour, 2014 prices" in everyone
    assert "Forces with their own cost of an officer hour use it: Sussex Police" in everyone
    assert (
        "Full cost of an officer hour £45.00 an hour Operator's setting 2026 Sussex Police" in own
    )
    assert "Full cost of an officer hour £36.51 an hour Modelled 2014 All forces" in own


def test_both_charts_are_accessible_svg_with_their_numbers_in_tables(clock, march, scheduler):
    response = signed_in(scheduler).get(PAGE, MARCH)
    html = response.content.decode()

    charts = re.findall(r"<svg\b[^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) == 2
    for chart, name in zip(charts, ("chart-months", "chart-suite"), strict=True):
        assert 'role="img"' in chart
        assert f'aria-labelledby="{name}-title {name}-desc"' in chart
        assert f'<title id="{name}-title">' in chart
        assert f'<desc id="{name}-desc">' in chart
    months, suites = charts
    # January, February (nothing) and March; the March bar and its whisker
    assert "Officer hours saved each month, 1 March 2027 to 31 March 2027" in months
    assert months.count('class="app-chart__bar"') == 1
    assert months.count('class="app-chart__whisker"') == 1
    assert "The most hours were saved in March 2027: 9.5 hours (4.5 to 14.5)." in months
    # one bar per suite with an attended officer, most hours first
    assert suites.count('class="app-chart__bar"') == 2
    assert suites.index("Lewes Community Hub") < suites.index("Hove Police Station")
    page = text(response)
    assert "Hours saved each month: the chart's figures" in page
    assert "March 2027 2 9.5 4.5 to 14.5 £346.85 £164.30 to £529.40" in page
    assert "Hours saved by suite: the chart's figures" in page


def test_the_page_shows_the_same_numbers_as_the_report_selector(clock, march, scheduler):
    for group_by in ("suite", "court", "force"):
        response = signed_in(scheduler).get(PAGE, {**MARCH, "group_by": group_by})
        page = text(response)

        report = hours_saved(
            bookings=booking_list(user=scheduler),
            period=Period(london(2027, 3, 1).date(), london(2027, 3, 31).date()),
            group_by=group_by,
        )
        totals = report["totals"]
        central, low, high = (totals["hours_saved"][k] for k in ("central", "low", "high"))
        assert f"{hours(central)} hours, between {hours(low)} and {hours(high)}" in page
        assert f"£{totals['value_gbp']['central']:,.2f}" in page
        for row in report["rows"]:
            saved, value = row["hours_saved"], row["value_gbp"]
            assert (
                f"{row['label']} {row['bookings_counted']} {hours(saved['central'])} "
                f"{hours(saved['low'])} to {hours(saved['high'])} £{value['central']:,.2f} "
                f"£{value['low']:,.2f} to £{value['high']:,.2f}"
            ) in page


def test_a_court_or_force_breakdown_is_added_when_chosen(clock, march, scheduler):
    response = signed_in(scheduler).get(PAGE, {**MARCH, "group_by": "force"})

    html = response.content.decode()
    assert 'id="chart-force"' in html
    assert "Hours saved by police force: the chart's figures" in text(response)
    assert "Sussex Police 2 9.5" in text(response)


def test_the_csv_link_asks_the_api_for_the_same_period_and_breakdown(clock, march, scheduler):
    client = signed_in(scheduler)
    html = client.get(PAGE, {**MARCH, "group_by": "court"}).content.decode()

    links = [unescape(href) for href in re.findall(r'href="([^"]*format=csv[^"]*)"', html)]
    assert links == [
        "/api/v1/reports/hours-saved/?from=2027-03-01&to=2027-03-31&group_by=court&format=csv"
    ]
    download = client.get(links[0])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "Brighton Magistrates' Court" in download.content.decode()


def test_management_information_per_suite(clock, march, scheduler):
    page = text(signed_in(scheduler).get(PAGE, MARCH))

    assert "How the suites are used" in page
    # open Mon–Fri 08:30–17:30: 23 weekdays × 9 h in March 2027; one 3-hour booking
    assert "Hove Police Station 1 3 of 207 1.4%" in page
    assert "100%" in page  # the suite whose officer did not come


def test_a_period_ending_before_it_starts_is_explained(clock, march, scheduler):
    response = signed_in(scheduler).get(
        PAGE, {**MARCH, "from_day": "31", "to_day": "1", "group_by": "month"}
    )

    assert response.status_code == 200
    page = text(response)
    assert page.startswith("Error: Reports")
    assert "There is a problem" in page
    assert "The end date must be the same as or after the start date" in page
    html = response.content.decode()
    assert 'href="#id_to_day"' in html
    assert "govuk-form-group--error" in html
    assert "<svg" not in html
    assert "Officer hours saved" not in page


def test_a_date_that_does_not_exist_is_explained(clock, scheduler):
    response = signed_in(scheduler).get(PAGE, {**MARCH, "from_day": "30", "from_month": "2"})

    assert "The start date must be a real date" in text(response)
    assert 'href="#id_from_day"' in response.content.decode()


def test_an_empty_period_says_so_in_words(clock, march, scheduler):
    response = signed_in(scheduler).get(
        PAGE, {**MARCH, "from_year": "2026", "to_year": "2026", "to_month": "3"}
    )

    page = text(response)
    assert "No police officer attended a suite from 1 March 2026 to 31 March 2026" in page
    assert "There were no bookings for police officers in this period." in page
    assert "<svg" not in response.content.decode()
    assert "There were no bookings at any suite in this period." in page
    assert "Hours saved each month" not in page  # said once, not once per chart


def test_a_period_with_only_uncounted_bookings_says_why(clock, march, scheduler):
    with time_machine.travel(london(2027, 3, 20, 9), tick=False):
        services.booking_create(
            actor=None,
            hearing=HearingFactory(court=march.court),  # Wednesday 24 March
            witness=WitnessFactory(force=scheduler.force),
            suite=SuiteFactory(force=scheduler.force),
        )

    page = text(signed_in(scheduler).get(PAGE, {**MARCH, "from_day": "22", "to_day": "26"}))

    assert "No police officer attended a suite from 22 March 2027 to 26 March 2027" in page
    assert "1 booking in the period is not counted" in page
    assert "No arrival recorded yet 1" in page


def test_the_default_is_this_month_and_the_two_before(clock, march, scheduler):
    response = signed_in(scheduler).get(PAGE)

    page = text(response)
    assert "1 January 2027 to 22 March 2027" in page
    html = response.content.decode()
    for name, value in (("from_day", 1), ("from_month", 1), ("from_year", 2027), ("to_day", 22)):
        assert re.search(rf'name="{name}" value="{value}"', html)
    months = re.search(r'<svg[^>]*id="chart-months".*?</svg>', html, flags=re.S)[0]
    assert [m for m in ("Jan", "Feb", "Mar") if f">{m}<" in months] == ["Jan", "Feb", "Mar"]
    assert "January 2027 0 0 0 to 0" in page


def test_a_court_user_sees_only_their_courts_bookings(clock, march, other_court_user):
    page = text(signed_in(other_court_user).get(PAGE, MARCH))

    assert "No police officer attended a suite from 1 March 2027 to 31 March 2027" in page
    assert "Officers counted" not in page


def test_the_report_costs_the_same_queries_however_many_bookings(
    clock, march, scheduler, sussex, court, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    params = {**MARCH, "group_by": "court"}  # the most: months, suites and courts

    def queries() -> int:
        # the session and user, three breakdowns of three queries each, the suites' use
        with django_assert_max_num_queries(18) as captured:
            assert client.get(PAGE, params).status_code == 200
        return len(captured)

    before = queries()
    attend_many(court, sussex, 8)

    assert queries() == before
    assert "Officers counted 10" in text(client.get(PAGE, params))
