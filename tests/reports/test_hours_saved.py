"""The officer hours saved report: arithmetic a person can check by hand, the range with its
sources, and the same numbers in JSON, CSV and the Monday email."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import Booking, BookingStatus, Outcome, WitnessType
from reports.models import AssumptionKey, ReportRecipient
from reports.tasks import send_weekly_summaries
from tests.factories import ForceFactory, HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import attend, attend_many

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/hours-saved/"


@pytest.fixture
def week(sussex, court):
    """Tue 2 March 2027: five witnesses booked for one trial in five suites."""
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    suites = [SuiteFactory(force=sussex) for _ in range(5)]
    officer_timed = WitnessFactory(force=sussex, full_name="Officer Timed")
    officer_untimed = WitnessFactory(force=sussex, full_name="Officer Untimed")
    civilian = WitnessFactory(force=sussex, witness_type=WitnessType.CIVILIAN, collar_number="")
    no_show = WitnessFactory(force=sussex, full_name="Officer Absent")
    stood_down = WitnessFactory(force=sussex, full_name="Officer Stood Down")

    # an officer who arrived 09:50 and was released 10:50: one hour at the suite
    attend(
        hearing,
        officer_timed,
        suites[0],
        arrive=london(2027, 3, 2, 9, 50),
        release=london(2027, 3, 2, 10, 50),
    )
    # an officer who arrived but whose release was never recorded: the default half hour
    attend(hearing, officer_untimed, suites[1], arrive=london(2027, 3, 2, 9, 55))
    # a civilian who gave evidence: not police time
    attend(
        hearing,
        civilian,
        suites[2],
        arrive=london(2027, 3, 2, 9, 40),
        release=london(2027, 3, 2, 11, 0),
    )
    with time_machine.travel(london(2027, 2, 26, 9), tick=False):
        absent = services.booking_create(
            actor=None, hearing=hearing, witness=no_show, suite=suites[3]
        )
        cancelled = services.booking_create(
            actor=None, hearing=hearing, witness=stood_down, suite=suites[4]
        )
        services.booking_cancel(actor=None, booking=cancelled, reason="Statement agreed")
    with time_machine.travel(london(2027, 3, 2, 14), tick=False):
        services.booking_complete(actor=None, booking=absent, outcome=Outcome.NO_SHOW)
    return hearing


def test_hand_computed_hours_and_value(api, week):
    response = api.get(URL, {"from": "2027-03-01", "to": "2027-03-31", "group_by": "force"})

    assert response.status_code == 200
    totals = response.json()["totals"]
    # two officers attended: 1.0 h recorded + 0.5 h default = 1.5 h at the suites
    assert totals["bookings_counted"] == 2
    assert totals["times_not_recorded"] == 1
    assert totals["remote_hours"] == 1.5
    # in person they would have spent 2 × 3.0 / 5.5 / 8.0 hours
    assert totals["hours_saved"] == {"low": 4.5, "central": 9.5, "high": 14.5}
    # at £36.51 an hour
    assert totals["value_gbp"] == {"low": 164.30, "central": 346.85, "high": 529.40}
    excluded = {item["reason"]: item["bookings"] for item in totals["excluded"]}
    assert excluded == {
        "not_a_police_officer": 1,
        "cancelled": 1,
        "did_not_attend": 1,
        "attendance_not_recorded": 0,
    }
    assert totals["bookings_excluded"] == 3


def test_every_assumption_is_shown_with_its_value_source_and_year(api, week):
    assumptions = api.get(URL, {"from": "2027-03-01", "to": "2027-03-31"}).json()["assumptions"]

    by_key = {a["key"]: a for a in assumptions}
    assert set(by_key) == set(AssumptionKey.values)
    assert by_key["cost_per_officer_hour"]["value"] == 36.51
    assert by_key["cost_per_officer_hour"]["year"] == 2014
    assert "PQ 216460" in by_key["cost_per_officer_hour"]["source"]
    assert by_key["counterfactual_central_hours"]["value"] == 5.5
    assert "Sussex" in by_key["counterfactual_central_hours"]["source"]
    assert all(a["source"] and a["year"] and a["unit"] for a in assumptions)


def test_a_quarter_of_267_attended_officers_is_shown_as_a_sourced_range(api, sussex, court):
    # given: Hertfordshire's Jan–Mar figure, 267 officers, none with times recorded
    suites = [SuiteFactory(force=sussex) for _ in range(5)]
    witnesses = WitnessFactory.create_batch(267, force=sussex)
    day, made = london(2027, 1, 4, 10), []
    while len(made) < 267:
        if day.weekday() < 5:
            hearing = HearingFactory(court=court, starts_at=day, ends_at=day + timedelta(hours=3))
            for suite in suites[: 267 - len(made)]:
                made.append(
                    Booking(
                        reference=f"VS-Q{len(made):05d}",
                        hearing=hearing,
                        witness=witnesses[len(made)],
                        suite=suite,
                        starts_at=day,
                        ends_at=day + timedelta(hours=3),
                        occupied_from=day - timedelta(minutes=15),
                        occupied_until=day + timedelta(hours=3, minutes=15),
                        status=BookingStatus.CHECKED_IN,
                        checked_in_at=day,
                    )
                )
        day += timedelta(days=1)
    Booking.objects.bulk_create(made)

    report = api.get(URL, {"from": "2027-01-01", "to": "2027-03-31", "group_by": "month"}).json()

    totals = report["totals"]
    assert totals["bookings_counted"] == 267
    assert totals["hours_saved"] == {"low": 667.5, "central": 1335.0, "high": 2002.5}
    # Hertfordshire measured 792 hours for 267 officers: inside the range shown
    assert totals["hours_saved"]["low"] <= 792 <= totals["hours_saved"]["high"]
    assert [row["key"] for row in report["rows"]] == ["2027-01", "2027-02", "2027-03"]
    assert sum(row["bookings_counted"] for row in report["rows"]) == 267
    assert all(a["source"] for a in report["assumptions"])


def test_csv_and_json_agree(api, week):
    params = {"from": "2027-03-01", "to": "2027-03-31", "group_by": "suite"}
    report = api.get(URL, params).json()
    response = api.get(URL, {**params, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    table = lines[: lines.index([])]
    header, *rows = table
    assert header[:3] == ["suite", "label", "bookings_counted"]
    as_json = [*report["rows"], {**report["totals"], "key": "total"}]
    assert len(rows) == len(as_json)
    for csv_row, json_row in zip(rows, as_json, strict=True):
        record = dict(zip(header, csv_row, strict=True))
        assert int(record["bookings_counted"]) == json_row["bookings_counted"]
        assert float(record["hours_saved_central"]) == json_row["hours_saved"]["central"]
        assert float(record["value_gbp_high"]) == json_row["value_gbp"]["high"]
    assert any("PQ 216460" in cell for line in lines for cell in line)


def test_a_force_can_use_its_own_figures(api, week, sussex_cost):
    totals = api.get(URL, {"from": "2027-03-01", "to": "2027-03-31"}).json()["totals"]

    assert totals["value_gbp"]["central"] == 427.50  # 9.5 hours × £45


def test_the_report_costs_the_same_queries_however_many_bookings(api, week, sussex, court):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert (
                api.get(
                    URL, {"from": "2027-03-01", "to": "2027-03-31", "group_by": "suite"}
                ).status_code
                == 200
            )
        return len(captured)

    before = queries()
    attend_many(court, sussex, 10)
    assert queries() == before <= 6


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2027-03-31"}, "from"),
        ({"from": "2027-03-31", "to": "2027-03-01"}, "to"),
        ({"from": "2027-03-01", "to": "2027-03-31", "group_by": "witness"}, "group_by"),
        ({"from": "yesterday", "to": "2027-03-31"}, "from"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_court_user_sees_only_their_courts_bookings(api_as, week, other_court_user):
    totals = (
        api_as(other_court_user)
        .get(URL, {"from": "2027-03-01", "to": "2027-03-31"})
        .json()["totals"]
    )

    assert totals["bookings_counted"] == 0


def test_management_information_per_suite(api, week):
    rows = api.get(
        "/api/v1/reports/management-information/", {"from": "2027-03-01", "to": "2027-03-07"}
    ).json()["rows"]

    first = rows[0]
    # open Mon–Fri 08:30–17:30: 45 hours that week; one 3-hour booking
    assert first["open_hours"] == 45.0
    assert first["booked_hours"] == 3.0
    assert first["utilisation"] == round(3 / 45, 3)
    no_show_rows = [r for r in rows if r["no_show_rate"] == 1.0]
    assert len(no_show_rows) == 1


def test_the_monday_email_goes_to_each_force_about_that_force_only(mailoutbox, court):
    sussex, kent = ForceFactory(code="sussex"), ForceFactory(code="kent", name="Kent Police")
    ReportRecipient.objects.create(force=sussex, email="chief@sussex.police.example")
    ReportRecipient.objects.create(force=kent, email="chief@kent.police.example")
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    attend(
        hearing,
        WitnessFactory(force=sussex),
        SuiteFactory(force=sussex),
        arrive=london(2027, 3, 2, 9, 50),
        release=london(2027, 3, 2, 10, 50),
    )

    with time_machine.travel(london(2027, 3, 8, 7), tick=False):  # the following Monday
        assert send_weekly_summaries() == 2

    emails = {tuple(m.to): m for m in mailoutbox}
    sussex_email = emails[("chief@sussex.police.example",)]
    kent_email = emails[("chief@kent.police.example",)]
    assert "Hours saved: 4.5 (range 2.0 to 7.0)" in sussex_email.body
    assert "Officers counted: 1" in sussex_email.body
    assert "Officers counted: 0" in kent_email.body
    name, content, mimetype = sussex_email.attachments[0]
    assert mimetype == "text/csv"
    assert name == "hours-saved-sussex-2027-03-01.csv"
    assert "Total" in content  # text attachments come back decoded


def test_counting_is_limited_to_police_officers_who_attended(api, week):
    rows = api.get(URL, {"from": "2027-03-01", "to": "2027-03-31", "group_by": "suite"}).json()[
        "rows"
    ]
    assert sorted(r["bookings_counted"] for r in rows) == [1, 1]
