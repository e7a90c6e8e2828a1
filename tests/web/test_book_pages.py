"""The staff pages for booking a witness: the three steps (a hearing and a witness, a suite,
confirm), what they refuse and say, and what they cost, in the browser's terms (GET pages,
POST forms, redirects)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Booking, Hearing, Witness
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import text

pytestmark = pytest.mark.django_db


def new_hearing_and_witness(court, **fields) -> dict:
    """Step one with a hearing and a witness added there: a trial at `court` (Court 3, Thursday
    25 March 2027, 14:00 to 16:30) and Donna Noble, a civilian; `fields` change or add some."""
    return {
        "hearing": "new",
        "hearing_court": court.pk,
        "hearing_case_reference": "47SS9999923",
        "hearing_type": "trial",
        "hearing_courtroom": "Court 3",
        "hearing_date_day": "25",
        "hearing_date_month": "3",
        "hearing_date_year": "2027",
        "hearing_starts": "14:00",
        "hearing_ends": "16:30",
        "witness": "new",
        "witness_full_name": "Donna Noble",
        "witness_type": "civilian",
        **fields,
    }


def test_a_scheduler_books_a_witness_in_three_steps(
    clock, browser, hearing, officer, suite, far_suite
):
    # given: step 1 lists the court's hearings that day and the force's witnesses
    step_one = browser.get(reverse("web:book"), {"court": hearing.court_id, "date": "2027-03-24"})
    assert step_one.status_code == 200
    assert hearing.case_reference in step_one.content.decode()
    assert "Wednesday 24 March 2027, 10:00 to 13:00" in text(step_one)
    assert "Amelia Pond" in text(step_one)

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
    assert "Check and confirm the booking" in text(step_three)
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
    assert response.url == reverse("web:booking", args=[made.pk])
    assert made.suite == suite
    assert (made.starts_at, made.ends_at) == (london(2027, 3, 24, 10), london(2027, 3, 24, 11, 30))
    assert made.needs_supporter and made.interpreter_language == "Polish"
    page = text(browser.get(response.url))
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
    words = text(response)
    assert "Brighton Police Station , 0.2 km" in words
    assert "Kit: CVP, document camera" in words
    assert "Access: Step-free entrance" in words


def test_a_hearing_and_a_witness_can_be_added_while_booking(clock, browser, court, sussex):
    response = browser.post(
        reverse("web:book"),
        new_hearing_and_witness(
            court,
            hearing_case_reference="47ss9999923",
            hearing_ends="16.30",
            witness_phone="07700 900 456",
            witness_email="",
        ),
    )

    assert response.status_code == 302, text(response)
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
    page = text(response)
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
        new_hearing_and_witness(
            court, hearing_case_reference="47SS\n9999923", witness_full_name="Donna\tNoble"
        ),
    )

    # then: the error summary says what to fix and links to each field; nothing is added
    assert response.status_code == 400
    page = text(response)
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

    page = text(response)
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
    page = text(response)
    assert "There is a problem" in page
    assert "Brighton Police Station is already booked then" in page
    assert 'href="#suite"' in response.content.decode()
    assert "Bring the body-worn video log" in page
    assert Booking.objects.count() == 1


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

    assert "Choose the witness's police force" in text(refused)
    assert response.status_code == 302
    assert Witness.objects.get(full_name="Martha Jones").force == kent
