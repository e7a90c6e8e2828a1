"""A booking's staff page and its actions' pages: what a scheduler, a suite manager and a court
user can see and do (move, cancel, check in, record the outcome, each on its own page; moving
and cancelling with "check your answers" first), in the browser's terms (GET pages, POST forms,
redirects)."""

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import AttentionFlag, BookingStatus, Outcome
from notifications import receipts
from notifications.models import Channel, Message
from tests.factories import SuiteFactory, london
from tests.helpers import move_form, text

pytestmark = pytest.mark.django_db


def booking_url(booking) -> str:
    return reverse("web:booking", args=[booking.pk])


def action_url(booking, action: str) -> str:
    return reverse(f"web:booking-{action}", args=[booking.pk])


def check_url(booking, action: str) -> str:
    return reverse(f"web:booking-{action}-check", args=[booking.pk])


def action_links(page: str, booking) -> set[str]:
    """The actions the booking page links to."""
    return {
        action
        for action in ("reschedule", "cancel", "check-in", "outcome")
        if f'href="{action_url(booking, action)}"' in page
    }


def follow(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url)


def test_the_booking_pages_need_a_signed_in_user(client, booking):
    for url in [reverse("web:book"), booking_url(booking), reverse("web:book-suite")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")


def test_a_scheduler_of_another_force_cannot_see_or_change_the_booking(
    client, kent_scheduler, booking
):
    client.force_login(kent_scheduler)

    assert client.get(booking_url(booking)).status_code == 404
    response = client.post(
        action_url(booking, "cancel"), {"cancel-reason": "x", "cancel-version": 1}
    )
    assert response.status_code == 404


def test_a_court_user_reads_the_booking_without_actions_or_contact_details(
    client, court_user, booking
):
    client.force_login(court_user)

    response = client.get(booking_url(booking))

    assert response.status_code == 200
    page = response.content.decode()
    assert action_links(page, booking) == set()
    for action in ("reschedule", "cancel", "check-in", "outcome"):
        assert client.get(action_url(booking, action)).status_code == 403
    assert str(booking.witness.phone) not in page
    assert booking.witness.full_name not in page
    assert "Booked" in text(response)


def test_a_court_user_cannot_post_an_action(client, court_user, booking):
    client.force_login(court_user)

    response = client.post(
        action_url(booking, "cancel"),
        {"cancel-reason": "Court says so", "cancel-version": booking.version},
    )

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_court_user_cannot_book(client, court_user):
    client.force_login(court_user)

    assert client.get(reverse("web:book")).status_code == 403


def test_a_suite_manager_can_check_in_but_not_cancel(client, suite_manager, booking):
    client.force_login(suite_manager)

    page = client.get(booking_url(booking)).content.decode()

    assert action_links(page, booking) == {"check-in", "outcome"}
    assert client.get(action_url(booking, "check-in")).status_code == 200
    assert client.get(action_url(booking, "cancel")).status_code == 403
    response = client.post(
        action_url(booking, "cancel"), {"cancel-reason": "No", "cancel-version": booking.version}
    )
    assert response.status_code == 403


def test_the_booking_page_shows_the_booking_its_messages_and_history(clock, browser, booking):
    sms = Message.objects.get(booking=booking, kind="confirmation", channel=Channel.SMS)
    receipts.message_status_update(
        message_id=sms.pk, provider_id="SM123", provider_status="undelivered", error_code="30005"
    )

    response = browser.get(booking_url(booking))

    assert response.status_code == 200
    page = text(response)
    assert booking.reference in page
    assert "Brighton Magistrates' Court" in page
    assert "Wednesday 24 March 2027 10:00 to 13:00" in page
    assert "+447700900" in page  # staff see the witness's number
    # messages: the undelivered text in red, with its error code
    content = response.content.decode()
    assert 'id="messages"' in content
    assert '<strong class="govuk-tag govuk-tag--red">Not delivered</strong>' in content
    assert "Error code 30005" in page
    # history, in words
    assert "Booked" in page and "by sussex.scheduler" in page
    assert "Text not delivered" in page
    assert "Suite: Brighton Police Station" in page
    # and the open attention item, with its button
    assert "Message not delivered" in page
    assert "Mark as dealt with" in page


def test_an_attention_item_can_be_marked_as_dealt_with(clock, browser, booking):
    flag = services.attention_flag_raise(
        booking=booking, kind="witness_cannot_attend", detail="The witness replied NO."
    )

    response = browser.post(reverse("web:booking-flag-resolve", args=[booking.pk, flag.pk]))

    page = text(follow(browser, response))
    assert "Marked as dealt with: Witness cannot attend." in page
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert not AttentionFlag.objects.filter(resolved_at__isnull=True).exists()


def test_a_booking_is_moved_to_another_suite_and_time(clock, browser, booking, far_suite):
    response = browser.post(
        action_url(booking, "reschedule"), move_form(booking, far_suite, "14:00", "15:30")
    )

    page = text(follow(browser, response))
    booking.refresh_from_db()
    assert booking.suite == far_suite
    assert booking.starts_at == london(2027, 3, 24, 14)
    assert (
        f"Booking {booking.reference} moved to Wednesday 24 March 2027, 14:00 to 15:30 at "
        "Arundel Police Station." in page
    )
    assert "Moved" in page and "From: Wednesday 24 March 2027, 10:00" in page


def test_a_move_the_rules_refuse_is_shown_on_the_form(
    clock, browser, scheduler, booking, hearing, other_officer, far_suite
):
    services.booking_create(
        actor=scheduler, hearing=hearing, witness=other_officer, suite=far_suite
    )

    response = browser.post(
        action_url(booking, "reschedule"), move_form(booking, far_suite, "10:00", "13:00")
    )

    assert response.status_code == 409
    page = text(response)
    assert "There is a problem" in page
    assert "Arundel Police Station is already booked then" in page
    assert 'href="#id_reschedule-suite"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.suite.code == "brighton"


def test_cancelling_needs_a_reason(clock, browser, booking):
    response = browser.post(
        action_url(booking, "cancel"), {"cancel-version": booking.version, "cancel-reason": " "}
    )

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Enter why the booking is cancelled" in page
    assert 'href="#id_cancel-reason"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_booking_is_cancelled_with_its_reason(clock, browser, booking):
    response = browser.post(
        action_url(booking, "cancel"),
        {"cancel-version": booking.version, "cancel-reason": "Defendant pleaded guilty"},
    )

    page = text(follow(browser, response))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Defendant pleaded guilty"
    assert f"Booking {booking.reference} cancelled." in page
    assert "Defendant pleaded guilty" in page
    assert "cancel" not in action_links(browser.get(booking_url(booking)).content.decode(), booking)


def test_the_witness_is_checked_in_and_the_outcome_recorded(clock, browser, scheduler, booking):
    # given: the morning of the hearing (a new day: sessions last a working day)
    clock.move_to(london(2027, 3, 24, 9, 50))
    browser.force_login(scheduler)

    response = browser.post(action_url(booking, "check-in"), {"check_in-version": booking.version})
    page = text(follow(browser, response))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert "Amelia Pond checked in at 09:50." in page

    # when: the court releases her after giving evidence (an hour on, signed in again: a
    # session ends after 30 minutes without a request)
    clock.move_to(london(2027, 3, 24, 11))
    browser.force_login(scheduler)
    response = browser.post(
        action_url(booking, "outcome"),
        {
            "outcome-version": booking.version,
            "outcome-outcome": Outcome.GAVE_EVIDENCE,
            "outcome-released_time": "10:40",
        },
    )

    # then
    page = text(follow(browser, response))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert booking.outcome == Outcome.GAVE_EVIDENCE
    assert booking.released_at == london(2027, 3, 24, 10, 40)
    assert f"Outcome recorded for booking {booking.reference}: Gave evidence" in page


def test_a_check_in_time_the_rules_refuse_is_shown_on_the_field(clock, browser, scheduler, booking):
    clock.move_to(london(2027, 3, 24, 9, 50))
    browser.force_login(scheduler)

    response = browser.post(
        action_url(booking, "check-in"),
        {"check_in-version": booking.version, "check_in-arrived_at": "23:00"},
    )

    assert response.status_code == 400
    assert "The arrival time cannot be in the future." in text(response)
    assert 'href="#id_check_in-arrived_at"' in response.content.decode()


def test_a_witness_not_checked_in_can_only_be_not_required_or_absent(clock, browser, booking):
    outcome_form = browser.get(action_url(booking, "outcome")).content.decode()

    assert 'value="not_required"' in outcome_form
    assert 'value="no_show"' in outcome_form
    assert 'value="gave_evidence"' not in outcome_form


def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(
    clock, browser, scheduler, booking
):
    # given: the page was loaded, then a colleague moved the booking
    seen_version = booking.version
    services.booking_reschedule(
        actor=scheduler,
        booking=booking,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 12),
    )

    # when: the cancel form from the old page is sent
    response = browser.post(
        action_url(booking, "cancel"),
        {"cancel-version": seen_version, "cancel-reason": "Not needed"},
    )

    # then
    assert response.status_code == 409
    page = text(response)
    assert "There is a problem" in page
    assert "changed by someone else" in page
    assert f'href="{booking_url(booking)}"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_booking_page_takes_a_fixed_number_of_queries(
    clock, browser, scheduler, booking, far_suite, django_assert_max_num_queries
):
    for hour in (11, 12, 14):
        booking = services.booking_reschedule(
            actor=scheduler,
            booking=booking,
            starts_at=london(2027, 3, 24, hour),
            ends_at=london(2027, 3, 24, hour, 30),
            suite=far_suite if hour % 2 else None,
        )
    services.attention_flag_raise(booking=booking, kind="suite_closed", detail="Closed.")
    SuiteFactory.create_batch(5)
    assert booking.messages.count() > 3

    with django_assert_max_num_queries(11):  # one is the audit log's record of the read
        response = browser.get(booking_url(booking))

    assert response.status_code == 200
