"""Officers a scheduler booked on their rest day, overriding their dates to avoid, cost the force
overtime even when the evidence is given by video: the hours-saved report counts them, in its
JSON, its CSV and on the reports page, and its notes say why, with the rule's source."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine

from bookings import services
from reports.models import ReportRecipient
from reports.tasks import send_weekly_summaries
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import attend, attend_many, book, queries_for, signed_in, text
from tests.web.test_report_pages import MARCH as MARCH_BOXES
from tests.web.test_report_pages import PAGE

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/hours-saved/"
MARCH = {"from": "2027-03-01", "to": "2027-03-31"}
OVERRIDE = "The only day the court can hear them"


def on_leave(witness, reason, day):
    """`witness` cannot do `day` (London), entered by their force's scheduler."""
    services.unavailability_add(
        actor=None,
        witness=witness,
        starts_at=london(day.year, day.month, day.day),
        ends_at=london(day.year, day.month, day.day) + timedelta(days=1),
        reason=reason,
    )


def booked_over(hearing, witness, suite, reason):
    """Two days ahead, the scheduler books `witness` over their `reason` day, saying why."""
    with time_machine.travel(hearing.starts_at - timedelta(days=2), tick=False):
        on_leave(witness, reason, hearing.starts_at)
        return book(hearing, witness, suite, override_unavailability=OVERRIDE)


def arrives(booking):
    """The officer arrives at the suite ten minutes before the start."""
    moment = booking.starts_at - timedelta(minutes=10)
    with time_machine.travel(moment, tick=False):
        services.booking_check_in(actor=None, booking=booking, at=moment)


@pytest.fixture
def rest_days(sussex, court):
    """Tue 2 March 2027: two officers booked on their rest day (one at Hove, one at Lewes)
    attend; one booked over annual leave attends (Crawley); one booked on a rest day is stood
    down; one officer attends on an ordinary working day (Worthing)."""
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    hove = SuiteFactory(force=sussex, name="Hove Police Station")
    lewes = SuiteFactory(force=sussex, name="Lewes Community Hub")
    for suite in (hove, lewes):
        arrives(booked_over(hearing, WitnessFactory(force=sussex), suite, "rest_day"))
    crawley = SuiteFactory(force=sussex, name="Crawley Police Station")
    arrives(booked_over(hearing, WitnessFactory(force=sussex), crawley, "annual_leave"))
    stood_down = booked_over(
        hearing, WitnessFactory(force=sussex), SuiteFactory(force=sussex), "rest_day"
    )
    services.booking_cancel(actor=None, booking=stood_down, reason="Statement agreed")
    attend(
        hearing,
        WitnessFactory(force=sussex),
        SuiteFactory(force=sussex, name="Worthing Police Station"),
        arrive=london(2027, 3, 2, 9, 50),
        release=london(2027, 3, 2, 11),
    )
    return hearing


def test_two_officers_booked_on_their_rest_day_are_counted(api, rest_days):
    report = api.get(URL, {**MARCH, "group_by": "suite"}).json()

    assert report["totals"]["bookings_counted"] == 4
    # the stood-down officer worked no rest day; annual leave is not a rest day
    assert report["totals"]["rest_day_overrides"] == 2
    by_suite = {row["label"]: row["rest_day_overrides"] for row in report["rows"]}
    assert by_suite == {
        "Hove Police Station": 1,
        "Lewes Community Hub": 1,
        "Crawley Police Station": 0,
        "Worthing Police Station": 0,
    }


def test_the_notes_say_each_costs_at_least_four_hours_overtime_and_where_that_comes_from(
    api, rest_days
):
    [note] = api.get(URL, MARCH).json()["notes"]

    assert note["key"] == "rest_day_overrides"
    assert note["bookings"] == 2
    assert note["text"].startswith("2 of the officers counted were booked on a rest day")
    assert "at least 4 hours at time and a half" in note["text"]
    assert "less than 15 days' notice" in note["text"]
    assert note["value"] == 4.0
    assert "Police Regulations 2003, Annex G" in note["source"]


def test_the_csv_counts_them_per_row_and_in_total_and_carries_the_note(api, rest_days):
    response = api.get(URL, {**MARCH, "group_by": "suite", "format": "csv"})

    lines = list(csv.reader(io.StringIO(response.content.decode())))
    header, *rows = lines[: lines.index([])]
    table = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert table["Total"]["rest_day_overrides"] == "2"
    assert table["Hove Police Station"]["rest_day_overrides"] == "1"
    assert table["Worthing Police Station"]["rest_day_overrides"] == "0"
    notes = lines[lines.index(["note", "bookings", "value", "unit", "text", "source"]) + 1 :]
    assert notes[0][:3] == ["Booked on a rest day", "2", "4.0"]
    assert "Police Regulations 2003, Annex G" in notes[0][5]


def test_the_reports_page_says_how_many_and_why(clock, rest_days, scheduler):
    page = signed_in(scheduler).get(PAGE, MARCH_BOXES)

    words = text(page)
    assert "2 of the officers counted were booked on a rest day" in words
    assert "at least 4 hours at time and a half" in words
    assert "Source: Police Regulations 2003, Annex G" in words


def test_no_rest_day_booking_says_so(api, sussex, court):
    attend_many(court, sussex, 1)

    report = api.get(URL, MARCH).json()

    assert report["totals"]["rest_day_overrides"] == 0
    assert report["notes"][0]["text"].startswith("No officer counted was booked on a rest day.")


def test_counting_them_costs_no_query_per_booking(api, rest_days, sussex, court):
    url = f"{URL}?from=2027-03-01&to=2027-03-31&group_by=suite"
    before = queries_for(api, url)
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 9, 10), ends_at=london(2027, 3, 9, 13)
    )
    for _ in range(5):
        witness = WitnessFactory(force=sussex)
        arrives(booked_over(hearing, witness, SuiteFactory(force=sussex), "rest_day"))

    assert queries_for(api, url) == before <= 6
    assert api.get(URL, MARCH).json()["totals"]["rest_day_overrides"] == 7


def test_the_monday_email_says_how_many_were_booked_on_a_rest_day(mailoutbox, rest_days, sussex):
    ReportRecipient.objects.create(force=sussex, email="chief@sussex.police.example")

    with time_machine.travel(london(2027, 3, 8, 7), tick=False):  # the following Monday
        send_weekly_summaries()

    [email] = mailoutbox
    assert "Officers booked on a rest day: 2 (each costs overtime" in email.body
