"""The staff pages for booking a witness and for a booking: what a scheduler, a suite manager
and a court user can see and do, in the browser's terms (GET pages, POST forms, redirects)."""

import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from accounts.models import Role
from bookings import services
from bookings.models import AttentionFlag, Booking, BookingStatus, Hearing, Outcome, Witness
from notifications import receipts
from notifications.models import Channel, Message
from tests.factories import (
    CourtFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
    london,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(page))


@pytest.fixture
def browser(client, scheduler):
    client.force_login(scheduler)
    return client


@pytest.fixture
def far_suite(sussex):
    """Arundel: first by name, but about 25 km from Brighton's court."""
    return SuiteFactory(
        code="arundel",
        name="Arundel Police Station",
        force=sussex,
        address="The Causeway, Arundel",
        postcode="BN18 9JL",
        latitude=Decimal("50.85480"),
        longitude=Decimal("-0.55460"),
        kit_notes="CVP, document camera",
        accessibility_notes="Step-free entrance",
    )


@pytest.fixture
def booking(clock, scheduler, hearing, officer, suite):
    """Amelia Pond at Brighton on Wednesday 24 March 2027, 10:00–13:00."""
    return services.booking_create(actor=scheduler, hearing=hearing, witness=officer, suite=suite)


def booking_url(booking) -> str:
    return reverse("web:booking", args=[booking.pk])


def action_url(booking, action: str) -> str:
    return reverse(f"web:booking-{action}", args=[booking.pk])


def follow(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url)


# --- Signing in and who sees what -------------------------------------------------------------


def test_the_booking_pages_need_a_signed_in_user(client, booking):
    for url in [reverse("web:book"), booking_url(booking), reverse("web:book-suite")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")


def test_a_scheduler_of_another_force_cannot_see_or_change_the_booking(client, kent, booking):
    client.force_login(UserFactory(role=Role.SCHEDULER, force=kent))

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
    for section in ('id="reschedule"', 'id="cancel"', 'id="check-in"', 'id="outcome"'):
        assert section not in page
    assert str(booking.witness.phone) not in page
    assert booking.witness.full_name not in page
    assert "Booked" in text_of(response)


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

    assert 'id="check-in"' in page
    assert 'id="cancel"' not in page
    response = client.post(
        action_url(booking, "cancel"), {"cancel-reason": "No", "cancel-version": booking.version}
    )
    assert response.status_code == 403


# --- Book a witness ---------------------------------------------------------------------------


def test_a_scheduler_books_a_witness_in_three_steps(
    clock, browser, hearing, officer, suite, far_suite
):
    # given: step 1 lists the court's hearings that day and the force's witnesses
    step_one = browser.get(reverse("web:book"), {"court": hearing.court_id, "date": "2027-03-24"})
    assert step_one.status_code == 200
    assert hearing.case_reference in step_one.content.decode()
    assert "Wednesday 24 March 2027, 10:00 to 13:00" in text_of(step_one)
    assert "Amelia Pond" in text_of(step_one)

    # when: the hearing and witness are chosen, for the morning only
    response = browser.post(
        reverse("web:book"),
        {"hearing": hearing.pk, "witness": officer.pk, "start_time": "10:00", "end_time": "11:30"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:book-suite"))
    step_two = browser.get(response.url)
    assert step_two.status_code == 200

    # step 2 offers the free suites; step 3 confirms the nearest
    query = {k: v[0] for k, v in parse_qs(urlparse(response.url).query).items()}
    step_three = browser.get(reverse("web:book-confirm"), {**query, "suite": suite.pk})
    assert step_three.status_code == 200
    assert "Check and confirm the booking" in text_of(step_three)
    response = browser.post(
        reverse("web:book-confirm"),
        {
            **query,
            "suite": suite.pk,
            "live_link_basis": "cja_2003_s51",
            "needs_supporter": "on",
            "interpreter_language": "Polish",
        },
    )

    # then: the booking exists, with the chosen suite and window, and the page says so
    made = Booking.objects.get()
    assert response.status_code == 302
    assert response.url == booking_url(made)
    assert made.suite == suite
    assert (made.starts_at, made.ends_at) == (london(2027, 3, 24, 10), london(2027, 3, 24, 11, 30))
    assert made.needs_supporter and made.interpreter_language == "Polish"
    page = text_of(browser.get(response.url))
    assert f"Booking {made.reference} made. The witness will get a text." in page


def test_the_nearest_suite_to_the_court_is_listed_first_and_chosen(
    clock, browser, hearing, officer, suite, far_suite
):
    response = browser.get(
        reverse("web:book-suite"), {"hearing": hearing.pk, "witness": officer.pk}
    )

    page = response.content.decode()
    assert page.index("Brighton Police Station") < page.index("Arundel Police Station")
    checked = re.findall(r'<input[^>]*name="suite"[^>]*>', page)
    assert f'value="{suite.pk}" aria-describedby="suite-1-item-hint" checked' in checked[0]
    assert "checked" not in checked[1]
    words = text_of(response)
    assert "Brighton Police Station , 0.2 km" in words
    assert "Kit: CVP, document camera" in words
    assert "Access: Step-free entrance" in words


def test_a_hearing_and_a_witness_can_be_added_while_booking(clock, browser, court, sussex):
    response = browser.post(
        reverse("web:book"),
        {
            "hearing": "new",
            "hearing_court": court.pk,
            "hearing_case_reference": "47ss9999923",
            "hearing_type": "trial",
            "hearing_courtroom": "Court 3",
            "hearing_date_day": "25",
            "hearing_date_month": "3",
            "hearing_date_year": "2027",
            "hearing_starts": "14:00",
            "hearing_ends": "16.30",
            "witness": "new",
            "witness_full_name": "Donna Noble",
            "witness_type": "civilian",
            "witness_phone": "07700 900 456",
            "witness_email": "",
        },
    )

    assert response.status_code == 302, text_of(response)
    hearing = Hearing.objects.get(case_reference="47SS9999923")
    assert (hearing.starts_at, hearing.ends_at) == (
        london(2027, 3, 25, 14),
        london(2027, 3, 25, 16, 30),
    )
    witness = Witness.objects.get(full_name="Donna Noble")
    assert str(witness.phone) == "+447700900456"
    assert witness.force == sussex
    assert f"hearing={hearing.pk}" in response.url
    assert f"witness={witness.pk}" in response.url


def test_step_one_says_what_is_missing_and_keeps_what_was_typed(clock, browser, court):
    response = browser.post(
        reverse("web:book"),
        {
            "hearing": "new",
            "hearing_case_reference": "47SS1234523",
            "hearing_date_day": "31",
            "hearing_date_month": "2",
            "hearing_date_year": "2027",
            "witness": "new",
            "witness_full_name": "PC Rose Tyler",
            "witness_type": "police_officer",
            "witness_phone": "12345",
        },
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    for message in [
        "Choose the court",
        "The date of the hearing must be a real date",
        "Enter the time the hearing starts",
        "Enter the officer's collar number",
        "Enter a phone number a text can reach",
    ]:
        assert message in page
    assert 'value="47SS1234523"' in response.content.decode()
    assert 'value="PC Rose Tyler"' in response.content.decode()
    assert 'href="#id_hearing_date_day"' in response.content.decode()
    assert Hearing.objects.count() == 0 and Witness.objects.count() == 0


def test_a_witness_name_or_case_reference_with_hidden_characters_is_refused_on_its_field(
    clock, browser, court
):
    # given: a name pasted with a tab in it, and a reference with a line break in it
    response = browser.post(
        reverse("web:book"),
        {
            "hearing": "new",
            "hearing_court": court.pk,
            "hearing_case_reference": "47SS\n9999923",
            "hearing_type": "trial",
            "hearing_courtroom": "Court 3",
            "hearing_date_day": "25",
            "hearing_date_month": "3",
            "hearing_date_year": "2027",
            "hearing_starts": "14:00",
            "hearing_ends": "16:30",
            "witness": "new",
            "witness_full_name": "Donna\tNoble",
            "witness_type": "civilian",
        },
    )

    # then: the error summary says what to fix and links to each field; nothing is added
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter the witness's full name on one line, without tabs or other hidden characters" in (
        page
    )
    assert "Enter the case reference on one line, without tabs or other hidden characters" in page
    assert 'href="#id_witness_full_name"' in response.content.decode()
    assert 'href="#id_hearing_case_reference"' in response.content.decode()
    assert Hearing.objects.count() == 0 and Witness.objects.count() == 0


def test_nothing_chosen_is_asked_for(clock, browser):
    response = browser.post(reverse("web:book"), {})

    page = text_of(response)
    assert "Choose a hearing, or add one" in page
    assert "Choose a witness, or add one" in page
    assert 'href="#id_hearing"' in response.content.decode()


def test_a_clash_shows_the_rule_and_books_nothing(
    clock, browser, scheduler, hearing, officer, other_officer, suite
):
    # given: Rory already has Brighton for the hearing
    services.booking_create(actor=scheduler, hearing=hearing, witness=other_officer, suite=suite)

    # when: Amelia is booked into the same suite at the same time
    response = browser.post(
        reverse("web:book-confirm"),
        {
            "hearing": hearing.pk,
            "witness": officer.pk,
            "suite": suite.pk,
            "live_link_basis": "cja_2003_s51",
            "notes": "Bring the body-worn video log",
        },
    )

    # then: the rule's words in an error summary linked to the suite, nothing lost or booked
    assert response.status_code == 409
    page = text_of(response)
    assert "There is a problem" in page
    assert "Brighton Police Station is already booked then" in page
    assert 'href="#suite"' in response.content.decode()
    assert "Bring the body-worn video log" in page
    assert Booking.objects.count() == 1


# --- A booking's page -------------------------------------------------------------------------


def test_the_booking_page_shows_the_booking_its_messages_and_history(clock, browser, booking):
    sms = Message.objects.get(booking=booking, kind="confirmation", channel=Channel.SMS)
    receipts.message_status_update(
        message_id=sms.pk, provider_id="SM123", provider_status="undelivered", error_code="30005"
    )

    response = browser.get(booking_url(booking))

    assert response.status_code == 200
    page = text_of(response)
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

    page = text_of(follow(browser, response))
    assert "Marked as dealt with: Witness cannot attend." in page
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert not AttentionFlag.objects.filter(resolved_at__isnull=True).exists()


def test_a_booking_is_moved_to_another_suite_and_time(clock, browser, booking, far_suite):
    response = browser.post(
        action_url(booking, "reschedule"),
        {
            "reschedule-version": booking.version,
            "reschedule-date_day": "24",
            "reschedule-date_month": "3",
            "reschedule-date_year": "2027",
            "reschedule-start_time": "14:00",
            "reschedule-end_time": "15:30",
            "reschedule-suite": far_suite.pk,
        },
    )

    page = text_of(follow(browser, response))
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
        action_url(booking, "reschedule"),
        {
            "reschedule-version": booking.version,
            "reschedule-date_day": "24",
            "reschedule-date_month": "3",
            "reschedule-date_year": "2027",
            "reschedule-start_time": "10:00",
            "reschedule-end_time": "13:00",
            "reschedule-suite": far_suite.pk,
        },
    )

    assert response.status_code == 409
    page = text_of(response)
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
    page = text_of(response)
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

    page = text_of(follow(browser, response))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Defendant pleaded guilty"
    assert f"Booking {booking.reference} cancelled." in page
    assert "Defendant pleaded guilty" in page
    assert 'id="cancel"' not in browser.get(booking_url(booking)).content.decode()


def test_the_witness_is_checked_in_and_the_outcome_recorded(clock, browser, scheduler, booking):
    # given: the morning of the hearing (a new day: sessions last a working day)
    clock.move_to(london(2027, 3, 24, 9, 50))
    browser.force_login(scheduler)

    response = browser.post(action_url(booking, "check-in"), {"check_in-version": booking.version})
    page = text_of(follow(browser, response))
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
    page = text_of(follow(browser, response))
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
    assert "The arrival time cannot be in the future." in text_of(response)
    assert 'href="#id_check_in-arrived_at"' in response.content.decode()


def test_a_witness_not_checked_in_can_only_be_not_required_or_absent(clock, browser, booking):
    page = browser.get(booking_url(booking)).content.decode()
    outcome_form = page[page.index('id="outcome"') :]

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
    page = text_of(response)
    assert "There is a problem" in page
    assert "changed by someone else" in page
    assert f'href="{booking_url(booking)}"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# --- Bounded queries -------------------------------------------------------------------------


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


def test_the_book_pages_take_a_fixed_number_of_queries(
    clock, browser, court, sussex, suite, far_suite, django_assert_max_num_queries
):
    hearings = HearingFactory.create_batch(8, court=court)
    HearingFactory.create_batch(3, court=CourtFactory())
    witnesses = WitnessFactory.create_batch(8, force=sussex)
    SuiteFactory.create_batch(4, force=sussex)

    with django_assert_max_num_queries(9):  # one is the audit log's record of the witnesses
        assert browser.get(reverse("web:book")).status_code == 200
    with django_assert_max_num_queries(8):
        response = browser.get(
            reverse("web:book-suite"), {"hearing": hearings[0].pk, "witness": witnesses[0].pk}
        )
        assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = browser.get(
            reverse("web:book-confirm"),
            {"hearing": hearings[0].pk, "witness": witnesses[0].pk, "suite": suite.pk},
        )
        assert response.status_code == 200


def test_an_admin_adding_a_witness_chooses_their_force(clock, client, admin_user, hearing, kent):
    client.force_login(admin_user)
    fields = {
        "hearing": hearing.pk,
        "witness": "new",
        "witness_full_name": "Martha Jones",
        "witness_type": "expert",
    }

    refused = client.post(reverse("web:book"), fields)
    response = client.post(reverse("web:book"), {**fields, "witness_force": kent.pk})

    assert "Choose the witness's police force" in text_of(refused)
    assert response.status_code == 302
    assert Witness.objects.get(full_name="Martha Jones").force == kent
