"""The page a witness opens from the link in their SMS: when and where to go, and two buttons.
No account: the link's secret is the key, so the page gives away nothing else and expires."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from bookings.models import AttentionKind, BookingEvent
from bookings.services import booking_cancel, booking_create
from notifications.links import witness_link_issue
from notifications.models import Channel, Kind, Message

from .conftest import POLICE_ONLY

LINK_PATTERN = re.compile(r"http://testserver(/w/[A-Za-z0-9_-]{22}/)")


@pytest.fixture
def booking(clock, hearing, officer, suite):
    suite.accessibility_notes = "Step-free entrance from the rear car park."
    suite.save()
    return booking_create(actor=None, hearing=hearing, witness=officer, suite=suite, **POLICE_ONLY)


def link_path(booking) -> str:
    """The path of the link in the booking's confirmation SMS, issued as the sender issues it."""
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    return urlsplit(witness_link_issue(message=message)).path


def buttons(html: str) -> list[str]:
    return re.findall(r"<button[^>]*>([^<]*)</button>", html)


# --- What the page shows ---------------------------------------------------------------------


def test_the_link_in_the_sms_opens_a_page_saying_when_and_where_to_go(
    clock, hearing, officer, suite, fake_twilio, django_capture_on_commit_callbacks, client
):
    fake_twilio.configure(callbacks_enabled=False)
    suite.accessibility_notes = "Step-free entrance from the rear car park."
    suite.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(
            actor=None, hearing=hearing, witness=officer, suite=suite, **POLICE_ONLY
        )
    [sms] = fake_twilio.messages()
    [path] = LINK_PATTERN.findall(sms["body"])

    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Wednesday 24 March 2027 at 10:00" in page
    assert "Please arrive by" in page and "09:45" in page
    assert "Brighton Police Station" in page
    assert "John Street" in page and "BN2 0LA" in page
    assert "Step-free entrance" in page
    assert booking.hearing.court.name in page.replace("&#x27;", "'")
    assert buttons(page) == ["I will attend", "I cannot attend"]
    for private in (
        "Amelia",
        "Pond",
        hearing.case_reference,
        str(officer.phone),
        officer.email,
        "Polish",
        "John Smith",
        "anxious",
    ):
        assert private not in page, private


def test_a_confidential_suites_page_gives_no_address_and_says_they_will_be_told(
    clock, hearing, officer, secret_suite, client
):
    booking = booking_create(actor=None, hearing=hearing, witness=officer, suite=secret_suite)

    response = client.get(link_path(booking))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Sussex Witness Suite A" in page
    assert "will tell you how to get there" in page
    for secret_detail in ("Hidden Lane", "Lewes", "BN7 9ZZ", "BN7"):
        assert secret_detail not in page, secret_detail


def test_the_page_is_never_cached_and_never_sends_its_address_on(booking, client):
    path = link_path(booking)

    pages = [
        client.get(path),
        client.post(path, {"answer": "attend"}, follow=True),
    ]
    booking_cancel(actor=None, booking=booking, reason="Hearing vacated.")
    pages.append(client.get(path))

    for response in pages:
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"


# --- The witness's answer --------------------------------------------------------------------


def test_i_will_attend_records_the_witnesss_confirmation(booking, client):
    path = link_path(booking)

    response = client.post(path, {"answer": "attend"}, follow=True)

    assert response.redirect_chain == [(f"{path}?answered=attend", 302)]
    page = response.content.decode()
    assert "You have told us you will attend" in page
    assert "You have confirmed you will attend" in page
    assert buttons(page) == ["I cannot attend"]
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is not None
    assert abs(booking.witness_confirmed_at - timezone.now()) < timedelta(minutes=1)
    [event] = BookingEvent.objects.filter(booking=booking, action="witness_confirmed")
    assert event.actor is None
    assert event.actor_label == "witness (web page)"


def test_i_cannot_attend_puts_the_booking_on_the_schedulers_attention_list(booking, client, api):
    path = link_path(booking)

    response = client.post(path, {"answer": "cannot_attend"}, follow=True)

    assert "The witness care team will contact you" in response.content.decode()
    attention = api.get("/api/v1/attention/")
    assert attention.status_code == 200
    [flag] = [row for row in attention.json()["results"] if row["booking"] == booking.pk]
    assert flag["kind"] == AttentionKind.WITNESS_CANNOT_ATTEND == "witness_cannot_attend"
    assert flag["booking_reference"] == booking.reference
    [event] = BookingEvent.objects.filter(booking=booking, action="witness_cannot_attend")
    assert event.actor_label == "witness (web page)"


@pytest.mark.parametrize(
    ("answer", "browser"),
    [
        # Chrome, Firefox and Safari post a form from a `Referrer-Policy: no-referrer` page with
        # `Origin: null` and no Referer (Fetch standard, "append a request Origin header").
        ("attend", {"HTTP_ORIGIN": "null"}),
        ("cannot_attend", {"HTTP_ORIGIN": "null"}),
        # An older browser over HTTPS sends neither header.
        ("attend", {"secure": True}),
    ],
    ids=["attend-origin-null", "cannot-attend-origin-null", "attend-https-no-referer"],
)
def test_the_buttons_work_when_pressed_in_a_real_browser(booking, answer, browser):
    browser = dict(browser)
    secure = browser.pop("secure", False)
    witness = Client(enforce_csrf_checks=True)
    path = link_path(booking)
    page = witness.get(path, secure=secure)
    assert page["Referrer-Policy"] == "no-referrer"
    form = dict(re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]+)"', page.content.decode()))

    pressed = witness.post(path, {"answer": answer, **form}, secure=secure, **browser)

    assert pressed.status_code == 302, "refused: see the django.security.csrf warning"
    booking.refresh_from_db()
    if answer == "attend":
        assert booking.witness_confirmed_at is not None
    else:
        assert booking.flags.filter(kind=AttentionKind.WITNESS_CANNOT_ATTEND).exists()


def test_a_cancelled_booking_tells_the_witness_they_are_not_needed_and_offers_no_buttons(
    booking, client
):
    path = link_path(booking)
    booking_cancel(actor=None, booking=booking, reason="Hearing vacated: guilty plea.")

    response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are no longer needed" in page
    assert "You do not need to go to Brighton Police Station on Wednesday 24 March" in page
    assert buttons(page) == []
    assert "<form" not in page
    assert "guilty plea" not in page
    # A late press of a button left open in another tab changes nothing.
    client.post(path, {"answer": "attend"})
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is None


# --- Links that do not open ------------------------------------------------------------------


def test_an_unknown_link_is_not_found_and_says_whom_to_call(booking, client, settings):
    link_path(booking)  # a real link exists; this is not it

    response = client.get(f"/w/{'A' * 22}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "expired or is not recognised" in page
    assert settings.WITNESS_CARE_PHONE in page
    assert "Brighton Police Station" not in page


def test_a_link_stops_working_once_it_expires(booking, client, clock, settings):
    path = link_path(booking)
    expires_at = booking.ends_at + timedelta(days=settings.WITNESS_LINK_DAYS_AFTER_HEARING)

    clock.move_to(expires_at - timedelta(minutes=1))
    assert client.get(path).status_code == 200

    clock.move_to(expires_at + timedelta(seconds=1))
    response = client.get(path)
    assert response.status_code == 404
    assert "Brighton Police Station" not in response.content.decode()
    assert client.post(path, {"answer": "attend"}).status_code == 404
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is None


# --- Rate limiting ---------------------------------------------------------------------------


def test_more_than_30_requests_a_minute_from_one_address_are_refused_for_a_minute(booking, clock):
    path = link_path(booking)
    guesser = Client(REMOTE_ADDR="198.51.100.23")
    neighbour = Client(REMOTE_ADDR="198.51.100.24")

    answers = [guesser.get(path).status_code for _ in range(30)]
    refused = guesser.get(path)
    guessing = guesser.get(f"/w/{'B' * 22}/")

    assert answers == [200] * 30
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Brighton Police Station" not in refused.content.decode()
    assert guessing.status_code == 429  # guessing tokens is what the limit is for
    assert neighbour.get(path).status_code == 200
    clock.shift(timedelta(seconds=61))
    assert guesser.get(path).status_code == 200
