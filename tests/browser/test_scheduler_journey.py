"""A scheduler's day in a real browser: sign in, book a witness into the nearest free suite,
see the text delivered, move the booking, cancel it, and read the report with its chart.
Every page passes an automated accessibility check, and a screenshot is kept of each."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingStatus
from core.clock import LONDON, local
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, WitnessFactory

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday():
    day = local(timezone.now()).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def brighton_day(sussex):
    """Brighton Magistrates' Court sits tomorrow (or Monday); three suites around it."""
    court = CourtFactory(
        code="brighton-mc",
        name="Brighton Magistrates' Court",
        latitude=Decimal("50.82190"),
        longitude=Decimal("-0.13410"),
    )
    day = next_weekday()
    hearing = HearingFactory(
        court=court,
        case_reference="47SS1234523",
        starts_at=datetime.combine(day, time(10), tzinfo=LONDON),
        ends_at=datetime.combine(day, time(13), tzinfo=LONDON),
    )
    suites = {
        "Brighton Police Station": ("50.82250", "-0.13720"),
        "Worthing Police Station": ("50.81180", "-0.37120"),
        "Crawley Police Station": ("51.11240", "-0.18310"),
    }
    for name, (lat, lon) in suites.items():
        SuiteFactory(force=sussex, name=name, latitude=Decimal(lat), longitude=Decimal(lon))
    witness = WitnessFactory(force=sussex, full_name="Amelia Pond", phone="+447700900321")
    _officers_who_gave_evidence_last_fortnight(court, sussex)
    return hearing, witness


def _officers_who_gave_evidence_last_fortnight(court, force):
    """So the report has something to chart: three officers who attended a suite."""
    suite = SuiteFactory(force=force, name="Hove Police Station")
    day = local(timezone.now()).date() - timedelta(days=14)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    for hour in (9, 11, 14):
        starts = datetime.combine(day, time(hour), tzinfo=LONDON)
        past = HearingFactory(court=court, starts_at=starts, ends_at=starts + timedelta(hours=1))
        officer = WitnessFactory(force=force)
        with time_machine.travel(starts - timedelta(days=3), tick=False):
            booking = services.booking_create(
                actor=None, hearing=past, witness=officer, suite=suite
            )
        with time_machine.travel(starts, tick=False):
            booking = services.booking_check_in(actor=None, booking=booking)
        with time_machine.travel(starts + timedelta(minutes=45), tick=False):
            services.booking_complete(actor=None, booking=booking, outcome="gave_evidence")


def check(page, name):
    assert serious_accessibility_violations(page) == [], name
    screenshot(page, name)


def test_a_scheduler_books_moves_and_cancels_then_reads_the_report(
    page, scheduler, brighton_day, twilio
):
    hearing, witness = brighton_day
    sign_in(page, scheduler.username)
    check(page, "01-today")

    # book: the hearing and the witness
    page.get_by_role("link", name="Book a witness").click()
    page.get_by_label(re.compile(local(hearing.starts_at).strftime("%A %-d %B %Y"))).first.check()
    page.get_by_label("Amelia Pond").check()
    check(page, "02-book-hearing-and-witness")
    page.get_by_role("button", name="Continue").click()

    # the nearest free suite comes first and is already chosen
    first_choice = page.locator(".govuk-radios__input").first
    assert first_choice.is_checked()
    first_label = page.locator(".govuk-radios__label").first.inner_text()
    assert "Brighton Police Station" in first_label
    check(page, "03-book-choose-suite")
    page.get_by_role("button", name="Continue").click()

    check(page, "04-book-confirm")
    page.get_by_role("button", name="Confirm booking").click()
    banner = page.locator(".govuk-notification-banner")
    assert re.search(r"Booking VS-\w{6} made", banner.inner_text())
    booking = Booking.objects.get(witness=witness)
    assert booking.suite.name == "Brighton Police Station"

    # the witness's phone got the text, and the booking says it was delivered
    assert any(m["to"] == "+447700900321" for m in twilio.messages())
    for _ in range(50):
        page.reload()
        messages = page.locator("#messages")
        if "Delivered" in messages.inner_text():
            break
        page.wait_for_timeout(100)
    assert "Delivered" in page.locator("#messages").inner_text()
    check(page, "05-booking")

    # move it to the late morning: the form on its own page, then the answers and the text
    page.get_by_role("link", name=re.compile(r"^Move the booking VS-")).click()
    page.get_by_label("From").fill("11:00")
    page.get_by_label("Until").fill("12:00")
    page.get_by_role("button", name="Continue").click()
    assert "Time 11:00 to 12:00" in " ".join(
        page.locator(".govuk-summary-list").inner_text().split()
    )
    assert "11:00" in page.locator("#text-preview").inner_text()
    check(page, "05b-booking-move-check")
    booking.refresh_from_db()
    assert local(booking.starts_at).time() != time(11)  # nothing moves before the person confirms
    page.get_by_role("button", name="Move booking").click()
    assert "moved" in page.locator(".govuk-notification-banner").inner_text().lower()
    booking.refresh_from_db()
    assert local(booking.starts_at).time() == time(11)

    # cancel it, with a reason
    page.get_by_role("link", name=re.compile(r"^Cancel the booking VS-")).click()
    page.get_by_role("button", name="Continue").click()
    assert "Enter why the booking is cancelled" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why is the booking cancelled?").fill("Defence accepted the statement")
    page.get_by_role("button", name="Continue").click()
    assert "no longer needed" in page.locator("#text-preview").inner_text()
    page.get_by_role("button", name="Cancel booking").click()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Defence accepted the statement"
    for _ in range(50):
        if len([m for m in twilio.messages() if m["to"] == "+447700900321"]) >= 3:
            break
        page.wait_for_timeout(100)
    stand_down = next(m for m in twilio.messages() if m["to"] == "+447700900321")
    assert "no longer needed" in stand_down["body"]
    check(page, "06-booking-cancelled")

    # the report, with its chart
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name=re.compile("hours saved", re.I)).first.wait_for(
        state="visible"
    )
    chart = page.locator("svg.app-chart").first
    chart.wait_for(state="visible")
    assert chart.get_attribute("role") == "img"
    check(page, "07-report")


@pytest.mark.parametrize(
    "path", ["/hearings/", "/witnesses/", "/suites/", "/calendar-feeds/", "/reports/"]
)
def test_the_main_pages_pass_the_accessibility_check(page, scheduler, brighton_day, path):
    sign_in(page, scheduler.username)
    page.goto(f"{page.base}{path}")
    page.locator("h1").first.wait_for(state="visible")
    check(page, "page" + path.strip("/").replace("/", "-"))
