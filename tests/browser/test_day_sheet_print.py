"""A suite host prints the day sheet: the printed page is the sheet alone (no header, menu,
day chooser or links to other days), its bookings still a table with every column."""

from datetime import datetime, time

import pytest

from bookings import services
from core.clock import LONDON
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_scheduler_journey import next_weekday
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, UserFactory, WitnessFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_printed_day_sheet_is_the_sheet_alone(page, sussex):
    manager = UserFactory(username="sussex.suites", role="suite_manager", force=sussex)
    suite = SuiteFactory(force=sussex, name="Brighton Police Station")
    day = next_weekday()
    hearing = HearingFactory(
        court=CourtFactory(),
        starts_at=datetime.combine(day, time(10), tzinfo=LONDON),
        ends_at=datetime.combine(day, time(13), tzinfo=LONDON),
    )
    witness = WitnessFactory(force=sussex, full_name="Amelia Pond")
    services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)
    sign_in(page, manager.username)

    page.goto(
        f"{page.base}/suites/{suite.pk}/day-sheet/"
        f"?on_day={day.day}&on_month={day.month}&on_year={day.year}"
    )
    page.emulate_media(media="print")

    for hidden in (
        ".govuk-header",
        ".govuk-footer",
        "form",
        "nav[aria-label='Other days and downloads']",
    ):
        assert page.locator(hidden).first.is_hidden(), hidden
    table = page.locator("table.app-table--stack")
    assert table.is_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table thead')).display") != "none"
    )
    assert "Amelia Pond (police officer)" in table.inner_text()
    reference = page.locator("table a.govuk-link").first
    # a booking reference is printed as itself, not followed by its address
    assert reference.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
    screenshot(page, "day-sheet-print")
