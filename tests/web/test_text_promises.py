"""The staff pages promise a witness a text only when one will go: a number that replied STOP
is on the opt-out ledger (kept by number, not by witness), so a witness with that number is
not promised one even while their own record has not caught up."""

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from notifications.models import SmsOptOut
from tests.helpers import move_form, text

pytestmark = pytest.mark.django_db

PROMISE = "The witness will get a text"


@pytest.fixture
def stopped(officer):
    """Amelia Pond's number replied STOP; her witness record still says she may be texted."""
    SmsOptOut.objects.create(phone=str(officer.phone), keyword="STOP", changed_at=timezone.now())
    assert officer.phone and not officer.sms_opt_out
    return officer


def test_booking_a_witness_whose_number_is_on_the_ledger_promises_no_text(
    clock, browser, hearing, stopped, suite
):
    choice = {"hearing": hearing.pk, "witness": stopped.pk, "suite": suite.pk}

    confirm = browser.get(reverse("web:book-confirm"), choice)
    response = browser.post(
        reverse("web:book-confirm"), {**choice, "live_link_basis": "cja_2003_s51"}
    )

    assert "they will not get a text" in text(confirm)
    assert PROMISE not in text(confirm)
    made = Booking.objects.get()
    page = text(browser.get(response.url))
    assert f"Booking {made.reference} made. We hold no number we can text" in page
    assert f"Booking {made.reference} made. {PROMISE}" not in page


def test_moving_or_cancelling_their_booking_promises_no_text(
    clock, browser, scheduler, hearing, stopped, suite
):
    booking = services.booking_create(
        actor=scheduler, hearing=hearing, witness=stopped, suite=suite
    )

    cancel_page = text(browser.get(reverse("web:booking-cancel", args=[booking.pk])))
    assert "Cancel the booking" in cancel_page
    assert "check the text" not in cancel_page  # the cancel page promises no stand-down text
    check = text(
        browser.post(
            reverse("web:booking-cancel-check", args=[booking.pk]),
            {"cancel-version": booking.version, "cancel-reason": "Defendant pleaded guilty"},
        )
    )
    assert "The witness replied STOP to our texts, so they will not get one." in check
    assert "The text the witness will get" not in check

    moved = browser.post(
        reverse("web:booking-reschedule", args=[booking.pk]),
        move_form(booking, suite, "14:00", "15:30"),
    )
    moved_page = text(browser.get(moved.url))
    booking.refresh_from_db()
    cancelled = browser.post(
        reverse("web:booking-cancel", args=[booking.pk]),
        {"cancel-version": booking.version, "cancel-reason": "Defendant pleaded guilty"},
    )
    cancelled_page = text(browser.get(cancelled.url))

    moved_to = f"Booking {booking.reference} moved to Wednesday 24 March 2027, 14:00 to 15:30"
    assert f"{moved_to} at {suite.name}." in moved_page
    assert f"{moved_to} at {suite.name}. {PROMISE}" not in moved_page
    assert f"Booking {booking.reference} cancelled." in cancelled_page
    assert f"Booking {booking.reference} cancelled. {PROMISE}" not in cancelled_page
