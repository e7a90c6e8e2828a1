"""Moving or cancelling a booking texts the witness, so the staff pages ask the person to check
their answers first, and show the very text the witness will get; "Change" goes back to the
form as it was left; nothing changes and no one is texted until the person confirms."""

import re

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import BookingStatus
from tests.factories import london
from tests.helpers import assert_stood_down, move_form, text, texts_to

pytestmark = pytest.mark.django_db


def action_url(booking, action: str) -> str:
    return reverse(f"web:booking-{action}", args=[booking.pk])


def check_url(booking, action: str) -> str:
    return reverse(f"web:booking-{action}-check", args=[booking.pk])


def hidden_fields(response) -> dict[str, str]:
    """The answers the check page carries, as its hidden inputs hold them."""
    html = response.content.decode()
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def previewed(response) -> str:
    """The text the check page says the witness will get, as a person reads it."""
    html = response.content.decode()
    [preview] = re.findall(
        r'<div class="govuk-inset-text app-text-preview"[^>]*>(.*?)</div>', html, re.S
    )
    return " ".join(re.sub(r"<br>", " ", preview).split())


def as_read(sms: str) -> str:
    """A text as the check page shows it: the witness's own link cut short."""
    return " ".join(re.sub(r"/w/[^/\s]+/", "/w/…/", sms).split())


def test_the_booking_page_links_to_each_action_on_its_own_page(clock, browser, booking):
    page = browser.get(reverse("web:booking", args=[booking.pk])).content.decode()

    for action, heading in [
        ("reschedule", "Move the booking"),
        ("cancel", "Cancel the booking"),
        ("check-in", "Check the witness in"),
        ("outcome", "Record the outcome"),
    ]:
        assert f'href="{action_url(booking, action)}"' in page
        response = browser.get(action_url(booking, action))
        assert response.status_code == 200
        assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in response.content.decode()
        assert f"Back to booking {booking.reference}" in text(response)


def test_moving_shows_the_answers_and_the_witness_s_text_then_moves_and_texts_them(
    clock, browser, officer, booking, far_suite, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    form = browser.get(action_url(booking, "reschedule"))
    assert f'action="{check_url(booking, "reschedule")}"' in form.content.decode()

    # when: the move is filled in and sent on
    check = browser.post(
        check_url(booking, "reschedule"), move_form(booking, far_suite, "14:00", "15:30")
    )

    # then: the answers and the text, and nothing changed yet
    assert check.status_code == 200
    page = text(check)
    assert "Check your answers" in page
    assert "Date Wednesday 24 March 2027" in page
    assert "Time 14:00 to 15:30" in page
    assert "Suite Arundel Police Station" in page
    preview = previewed(check)
    assert "Arundel Police Station" in preview and "14:00" in preview
    booking.refresh_from_db()
    assert (booking.suite.code, booking.starts_at) == ("brighton", london(2027, 3, 24, 10))
    assert texts_to(fake_twilio, officer.phone) == []

    # when: they confirm
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(action_url(booking, "reschedule"), hidden_fields(check), follow=True)

    # then: the booking moved, and the witness got the text they were shown
    assert f"Booking {booking.reference} moved to Wednesday 24 March 2027, 14:00 to 15:30" in text(
        done
    )
    booking.refresh_from_db()
    assert booking.suite == far_suite
    got = texts_to(fake_twilio, officer.phone)
    assert as_read(got[-1]) == preview


def test_change_goes_back_to_the_form_as_it_was_left(clock, browser, booking, far_suite):
    check = browser.post(
        check_url(booking, "reschedule"), move_form(booking, far_suite, "14:00", "15:30")
    )
    assert 'formaction="' + check_url(booking, "reschedule") + '#id_reschedule-suite"' in (
        check.content.decode()
    )

    back = browser.post(
        check_url(booking, "reschedule"), {**hidden_fields(check), "change": "suite"}
    )

    assert back.status_code == 200
    html = back.content.decode()
    assert '<h1 class="govuk-heading-xl">Move the booking</h1>' in html
    assert 'value="14:00"' in html and 'value="15:30"' in html
    assert f'<option value="{far_suite.pk}" selected>' in html
    booking.refresh_from_db()
    assert booking.suite.code == "brighton"


def test_a_mistake_goes_back_to_the_form_with_the_error_summary(clock, browser, booking, suite):
    response = browser.post(
        check_url(booking, "reschedule"), move_form(booking, suite, "15:00", "14:00")
    )

    assert response.status_code == 400
    page = text(response)
    assert page.startswith("Error: Move the booking")
    assert "There is a problem The end time must be after the start time" in page
    assert 'href="#id_reschedule-end_time"' in response.content.decode()


def test_a_move_to_the_time_and_suite_it_has_says_nothing_will_change(
    clock, browser, booking, suite
):
    check = browser.post(
        check_url(booking, "reschedule"), move_form(booking, suite, "10:00", "13:00")
    )

    page = text(check)
    assert "nothing will change and the witness will not be texted" in page
    assert "The text the witness will get" not in page


def test_cancelling_shows_the_stand_down_text_then_stands_the_witness_down(
    clock, browser, officer, booking, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    reason = {"cancel-version": booking.version, "cancel-reason": "Defendant pleaded guilty"}

    check = browser.post(check_url(booking, "cancel"), reason)

    page = text(check)
    assert "Why it is cancelled Defendant pleaded guilty" in page
    assert_stood_down(previewed(check), on="Wed 24 Mar at 10:00", suite="Brighton Police Station")
    assert '<button type="submit" class="govuk-button govuk-button--warning"' in (
        check.content.decode()
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(action_url(booking, "cancel"), hidden_fields(check), follow=True)

    assert f"Booking {booking.reference} cancelled. The witness will get a text" in text(done)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    stand_down = texts_to(fake_twilio, officer.phone)[-1]
    assert_stood_down(stand_down, on="Wed 24 Mar at 10:00", suite="Brighton Police Station")
    assert as_read(stand_down) == previewed(check)


def test_a_witness_with_no_number_is_told_of_on_the_check_page(clock, browser, officer, booking):
    officer.phone = ""
    officer.save()

    check = browser.post(
        check_url(booking, "cancel"), {"cancel-version": booking.version, "cancel-reason": "Plea"}
    )

    page = text(check)
    assert "We hold no number we can text for this witness, so they will not get a text." in page
    assert "Tell them yourself." in page
    assert "The text the witness will get" not in page


def test_confirming_after_someone_else_changed_the_booking_changes_nothing(
    clock, browser, scheduler, booking
):
    check = browser.post(
        check_url(booking, "cancel"),
        {"cancel-version": booking.version, "cancel-reason": "Not needed"},
    )
    services.booking_reschedule(
        actor=scheduler,
        booking=booking,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 12),
    )

    response = browser.post(action_url(booking, "cancel"), hidden_fields(check))

    assert response.status_code == 409
    assert "changed by someone else" in text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_an_action_the_booking_no_longer_allows_says_so(clock, browser, scheduler, booking):
    services.booking_cancel(actor=scheduler, booking=booking, reason="Plea")

    for action, words in [
        ("reschedule", "cannot be moved"),
        ("cancel", "cannot be cancelled"),
        ("check-in", "cannot be checked in"),
    ]:
        response = browser.get(action_url(booking, action))
        assert response.status_code == 409
        assert f"Booking {booking.reference} {words}" in text(response)
        assert "It is cancelled now." in text(response)


def test_a_move_the_rules_refuse_is_refused_before_the_check_page(
    clock, browser, scheduler, booking, hearing, other_officer, far_suite
):
    services.booking_create(
        actor=scheduler, hearing=hearing, witness=other_officer, suite=far_suite
    )

    response = browser.post(
        check_url(booking, "reschedule"), move_form(booking, far_suite, "10:00", "13:00")
    )

    assert response.status_code == 409
    page = text(response)
    assert "Check your answers" not in page
    assert "There is a problem Arundel Police Station is already booked then" in page
    assert 'href="#id_reschedule-suite"' in response.content.decode()


def test_moving_into_the_witness_s_dates_to_avoid_asks_why_before_the_check_page(
    clock, browser, scheduler, officer, booking, suite
):
    services.unavailability_add(
        actor=scheduler,
        witness=officer,
        starts_at=london(2027, 3, 24, 13),
        ends_at=london(2027, 3, 24, 18),
        reason="course",
        note="Taser refresher",
    )
    move = move_form(booking, suite, "14:00", "16:00")

    asked = browser.post(check_url(booking, "reschedule"), move)
    check = browser.post(
        check_url(booking, "reschedule"),
        {**move, "reschedule-override_unavailability": "Course moved to the next day"},
    )

    assert asked.status_code == 409
    assert "To move the booking there anyway, enter why" in text(asked)
    assert check.status_code == 200
    assert "Why move it into the witness's dates to avoid Course moved to the next day" in text(
        check
    )
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 10)
