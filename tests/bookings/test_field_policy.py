"""What each role sees of a booking (issue 13, finding 2): one policy, bookings.visibility, and
the same answer on every surface. A court user sees what the court needs (the witness's type
and initials, special measures, interpreter, suite, times, whether each text went), never staff
notes, what a message said, or a witness's name or contact details. The police roles see all."""

import pytest

from accounts.models import Role
from bookings import services
from notifications.models import Channel, Kind, Message
from tests.factories import UserFactory, london
from tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db

NOTE = "Officer on nights the day before: call after 14:00"
PROVIDER_WORDS = "Carrier rejected +447700900123: handset unreachable"


@pytest.fixture
def noted_booking(clock, scheduler, hearing, officer, suite):
    """Amelia Pond's booking, with a staff note written after it was made (so the history has
    it) and a delivery report on her confirmation text that quotes her number."""
    booking = services.booking_create(
        actor=scheduler,
        hearing=hearing,
        witness=officer,
        suite=suite,
        interpreter_language="Polish",
        needs_supporter=True,
    )
    booking = services.booking_update_details(actor=scheduler, booking=booking, notes=NOTE)
    Message.objects.filter(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS).update(
        status_detail=PROVIDER_WORDS
    )
    return booking


def court_reads(api_as, court_user, booking) -> dict:
    client = api_as(court_user)
    base = f"/api/v1/bookings/{booking.pk}/"
    answers = {
        "detail": client.get(base),
        "list": client.get("/api/v1/bookings/"),
        "history": client.get(f"{base}history/"),
        "notifications": client.get(f"{base}notifications/"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.content)
    return answers


def test_a_court_user_never_sees_a_bookings_staff_notes(api_as, court_user, noted_booking):
    answers = court_reads(api_as, court_user, noted_booking)

    # not in the booking, in the list, in the history, nor anywhere in any answer
    assert "notes" not in answers["detail"].json()
    assert all("notes" not in row for row in answers["list"].json()["results"])
    assert all("notes" not in e["changes"] for e in answers["history"].json()["results"])
    for name, response in answers.items():
        assert NOTE not in response.content.decode(), name


def test_a_court_user_sees_that_each_text_went_but_not_what_it_said(
    api_as, court_user, noted_booking, officer
):
    messages = court_reads(api_as, court_user, noted_booking)["notifications"]

    rows = messages.json()["results"]
    assert rows, "the booking's messages"
    assert {row["kind"] for row in rows} >= {"confirmation"}
    assert all({"channel", "status", "created_at"} <= set(row) for row in rows)
    assert all("body" not in row and "status_detail" not in row for row in rows)
    text = messages.content.decode()
    assert str(officer.phone) not in text and officer.email not in text
    assert PROVIDER_WORDS not in text
    body = Message.objects.filter(booking=noted_booking, channel=Channel.SMS).first().body
    assert body not in text


def test_a_court_user_sees_what_the_court_needs_of_the_booking(api_as, court_user, noted_booking):
    booking = api_as(court_user).get(f"/api/v1/bookings/{noted_booking.pk}/").json()

    assert booking["witness_type"] == "police_officer"
    assert booking["witness_initials"] == "AP"
    assert booking["interpreter_language"] == "Polish"
    assert booking["needs_supporter"] is True
    assert booking["starts_at"] == "2027-03-24T10:00:00Z"
    assert booking["suite_code"] == "brighton"
    assert "Amelia Pond" not in str(booking)


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.SUITE_MANAGER, Role.ADMIN])
def test_police_staff_see_everything_they_saw_before(api_as, sussex, role, noted_booking):
    user = UserFactory(role=role, force=None if role == Role.ADMIN else sussex)
    client = api_as(user)
    base = f"/api/v1/bookings/{noted_booking.pk}/"

    detail = client.get(base).json()
    history = client.get(f"{base}history/").json()["results"]
    messages = client.get(f"{base}notifications/").json()["results"]

    assert detail["notes"] == NOTE
    assert any(e["changes"].get("notes") == ["", NOTE] for e in history)
    assert all("body" in row and "status_detail" in row for row in messages)
    assert PROVIDER_WORDS in {row["status_detail"] for row in messages}


# --- The staff pages give the same answer ------------------------------------------------------


def test_a_court_users_booking_page_shows_what_the_api_gives_them(
    court_user, noted_booking, officer
):
    page = text(signed_in(court_user).get(f"/bookings/{noted_booking.pk}/"))

    assert "Witness AP" in page and "Police officer" in page
    assert "Polish" in page
    # that the texts went, as the API says, but not what they said nor the provider's words
    assert "Messages" in page and "Booking confirmed" in page
    for hidden in (NOTE, PROVIDER_WORDS, officer.full_name, str(officer.phone), officer.email):
        assert hidden not in page, hidden
    assert "sussex.scheduler" not in page.split("History")[0]  # who booked it is the police's


def test_a_schedulers_booking_page_still_shows_the_notes_and_the_providers_words(
    scheduler, noted_booking
):
    page = text(signed_in(scheduler).get(f"/bookings/{noted_booking.pk}/"))

    assert NOTE in page
    assert PROVIDER_WORDS in page
    assert "Amelia Pond" in page


def test_a_court_users_today_page_names_witnesses_by_their_initials(
    clock, court_user, noted_booking
):
    clock.move_to(london(2027, 3, 24, 8))

    page = text(signed_in(court_user).get("/"))

    assert noted_booking.reference in page
    assert "AP Police officer" in page
    assert "Amelia Pond" not in page


# --- The schema promises only what every caller gets ------------------------------------------


def test_the_schema_does_not_promise_a_field_some_callers_do_not_get(client):
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]

    assert "notes" in schemas["Booking"]["properties"]
    assert "notes" not in schemas["Booking"].get("required", [])
    for field in ("body", "status_detail"):
        assert field in schemas["Message"]["properties"]
        assert field not in schemas["Message"].get("required", [])
