"""What a witness's page tells them before the day, for a booking still ahead: their booking
reference (for when they phone), "Add to calendar" (an .ics of what their invite says, in the
page's language), directions on OpenStreetMap (none for a confidential suite) and what happens
on the day. Plain links and words: it all works without JavaScript. A booking stood down or
over has nothing to add to a calendar, and the page says so.

Each .ics is read back with `vobject`, as a calendar would."""

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import vobject
from django.test import Client

from bookings.calendar import booking_uid
from bookings.services import booking_cancel, booking_create, booking_reschedule
from bookings.services.video_link import booking_set_video_link
from notifications.links import witness_link_issue
from notifications.models import Channel, Kind, Message
from tests.factories import london as london_time
from tests.helpers import text

from .conftest import POLICE_ONLY

pytestmark = pytest.mark.django_db

COURT_LINK = "https://join.example.court/meet/8841"
COURT_PIN = "739104"


@pytest.fixture
def booking(clock, hearing, officer, suite):
    """Amelia Pond, a Sussex officer, at Brighton Police Station on Wednesday 24 March 2027 at
    10:00 (arrive by 09:45); the court has sent its link and PIN."""
    suite.video_endpoint = "sip:brighton-suite-1@video.example.police.uk"
    suite.save()
    booking = booking_create(
        actor=None, hearing=hearing, witness=officer, suite=suite, **POLICE_ONLY
    )
    return booking_set_video_link(
        actor=None, booking=booking, video_url=COURT_LINK, video_pin=COURT_PIN
    )


def link_path(booking) -> str:
    """The path of the link in the booking's confirmation text, issued as the sender does."""
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    return urlsplit(witness_link_issue(message=message)).path


def links(response) -> dict[str, str]:
    """The page's links by their words: {words: the whole <a> tag}."""
    html = response.content.decode()
    return {
        " ".join(re.sub(r"<[^>]+>", " ", words).split()): tag
        for tag, words in re.findall(r"(<a\b[^>]*>)(.*?)</a>", html, flags=re.S)
    }


def href(tag: str) -> str:
    return re.search(r'href="([^"]*)"', tag).group(1).replace("&amp;", "&")


def download(client, page, path: str, words: str = "Add to calendar"):
    """Press the page's "Add to calendar" link, as a browser resolves it."""
    return client.get(urljoin(path, href(links(page)[words])))


def calendar_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return vobject.readOne(response.content.decode(), validate=True)


# --- The booking reference ---------------------------------------------------------------------


def test_the_page_gives_the_booking_reference_to_quote_when_they_phone(booking, client):
    response = client.get(link_path(booking))

    assert f"Your booking reference: {booking.reference}" in text(response)


def test_a_witness_stood_down_still_sees_the_reference_to_quote(booking, client):
    path = link_path(booking)
    booking_cancel(actor=None, booking=booking, reason="Hearing vacated.")

    response = client.get(path)

    assert "You are no longer needed" in text(response)
    assert f"Your booking reference: {booking.reference}" in text(response)


# --- Add to calendar ---------------------------------------------------------------------------


def test_add_to_calendar_downloads_the_booking_as_their_invite_gives_it(booking, client, settings):
    path = link_path(booking)
    page = client.get(path)

    response = download(client, page, path)

    assert response["Content-Disposition"] == f'attachment; filename="{booking.reference}.ics"'
    assert response["Content-Language"] == "en-GB"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    calendar = calendar_of(response)
    assert calendar.method.value == "PUBLISH"  # an event to keep, not a meeting to answer
    event = calendar.vevent
    assert event.summary.value == "Give evidence by video link at Brighton Police Station"
    assert event.summary.params["LANGUAGE"] == ["en-GB"]
    assert event.dtstart.value == london_time(2027, 3, 24, 10)
    assert "DTSTART;TZID=Europe/London:20270324T100000" in response.content.decode()
    assert event.dtend.value == london_time(2027, 3, 24, 13)
    assert event.location.value == "Brighton Police Station, John Street, Brighton, BN2 0LA"
    assert event.description.value.splitlines() == [
        "When: Wednesday 24 March 2027 at 10:00.",
        "Please arrive at Brighton Police Station by 09:45.",
        "You will give evidence to Brighton Magistrates' Court.",
        f"Case reference (URN): {booking.hearing.case_reference}.",
        f"Booking reference: {booking.reference}.",
        f"Questions: {settings.WITNESS_CARE_PHONE}.",
    ]
    assert event.uid.value == booking_uid(booking)
    assert not hasattr(event, "attendee")
    everything = response.content.decode()
    for private in (
        COURT_LINK,
        COURT_PIN,
        "sip:brighton-suite-1",
        "CONFERENCE",
        "Polish",
        "John Smith",
        "anxious",
        "Amelia",
        path.split("/")[2],  # the link's secret stays out of calendars that sync elsewhere
    ):
        assert private not in everything, private


def test_adding_it_again_after_the_booking_moved_updates_the_one_event(
    booking, client, mailoutbox, django_capture_on_commit_callbacks
):
    path = link_path(booking)
    first = calendar_of(download(client, client.get(path), path)).vevent

    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_reschedule(
            actor=None,
            booking=booking,
            starts_at=london_time(2027, 3, 24, 11),
            ends_at=london_time(2027, 3, 24, 12),
        )
    again = calendar_of(download(client, client.get(path), path)).vevent

    assert again.uid.value == first.uid.value
    assert int(again.sequence.value) > int(first.sequence.value)
    assert again.dtstart.value == london_time(2027, 3, 24, 11)
    # ...and it is the event of the invite they were emailed about the move, not a second one.
    [invite] = [
        vobject.readOne(part.get_payload(decode=True).decode()).vevent
        for email in mailoutbox
        if email.to == [moved.witness.email]
        for part in email.message().walk()
        if part.get_content_type() == "text/calendar"
    ][-1:]
    assert invite.uid.value == again.uid.value
    assert invite.sequence.value == again.sequence.value


def test_a_stood_down_booking_has_nothing_to_add_and_the_download_says_why(booking, client):
    path = link_path(booking)
    booking_cancel(actor=None, booking=booking, reason="Hearing vacated.")

    page = client.get(path)
    response = client.get(f"{path}calendar.ics")

    assert "Add to calendar" not in text(page)
    assert "What happens on the day" not in text(page)
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    words = text(response)
    assert "You are no longer needed" in words
    assert "You do not need to go to Brighton Police Station on Wednesday 24 March" in words
    assert "There is nothing to add to your calendar." in words
    assert href(links(response)["See your booking"]) == "./"
    assert "BEGIN:VCALENDAR" not in response.content.decode()


def test_a_booking_that_is_over_has_nothing_to_add(booking, client, clock):
    path = link_path(booking)
    clock.move_to(booking.ends_at + timedelta(hours=1))  # the link still works for a few days

    page = client.get(path)
    response = client.get(f"{path}calendar.ics")

    assert page.status_code == 200
    assert "Add to calendar" not in text(page)
    assert "Directions on OpenStreetMap" not in text(page)
    assert response.status_code == 410
    assert "This booking is over There is nothing to add to your calendar." in text(response)


def test_an_expired_or_unknown_link_downloads_nothing(booking, client, clock, settings):
    path = link_path(booking)
    clock.move_to(
        booking.ends_at + timedelta(days=settings.WITNESS_LINK_DAYS_AFTER_HEARING, hours=1)
    )

    expired = client.get(f"{path}calendar.ics")
    unknown = client.get(f"/w/{'A' * 22}/calendar.ics")

    for response in (expired, unknown):
        assert response.status_code == 404
        assert "This link has expired or is not recognised" in text(response)
        assert "BEGIN:VCALENDAR" not in response.content.decode()


def test_the_download_counts_against_the_pages_rate_limit(booking, clock):
    path = link_path(booking)
    guesser = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(30):
        guesser.get(path)

    refused = guesser.get(f"{path}calendar.ics")
    guessing = guesser.get(f"/w/{'B' * 22}/calendar.ics")

    assert refused.status_code == guessing.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "BEGIN:VCALENDAR" not in refused.content.decode()


# --- Directions --------------------------------------------------------------------------------


def test_directions_are_a_plain_link_to_openstreetmap_with_no_tracking(booking, client):
    response = client.get(link_path(booking))

    tag = links(response)["Directions on OpenStreetMap"]
    assert href(tag) == "https://www.openstreetmap.org/directions?to=50.82250%2C-0.13720"
    assert 'rel="noreferrer"' in tag
    assert "target=" not in tag
    assert "Where Brighton Police Station John Street, Brighton BN2 0LA Directions" in text(
        response
    )


def test_a_confidential_suite_has_no_directions_and_no_address_on_the_page_or_in_the_calendar(
    clock, hearing, officer, secret_suite, client
):
    booking = booking_create(actor=None, hearing=hearing, witness=officer, suite=secret_suite)
    path = link_path(booking)

    page = client.get(path)
    response = client.get(f"{path}calendar.ics")

    assert "Directions" not in text(page)
    event = calendar_of(response).vevent
    assert event.location.value == "Sussex Witness Suite A"
    assert "The witness care team will tell you where to go." in event.description.value
    assert f"Your booking reference: {booking.reference}" in text(page)
    assert "Add to calendar" in text(page)
    for where in (page.content.decode(), response.content.decode()):
        for secret in (
            "openstreetmap",
            "50.8225",
            "-0.1372",
            "Hidden Lane",
            "Lewes",
            "BN7",
            "Ramp at the back",
        ):
            assert secret.lower() not in where.lower(), secret


# --- What happens on the day -------------------------------------------------------------------


def test_the_page_says_what_happens_on_the_day_in_plain_words(booking, client):
    response = client.get(link_path(booking))

    words = text(response)
    assert (
        "What happens on the day "
        "Arriving "
        "Arrive by 09:45. At the front desk, say you are a witness giving evidence by video "
        f"link, and give your booking reference: {booking.reference}. "
        "ID "
        "Bring photo ID with you. "
        "The room "
        "You will give evidence from a quiet room with a screen and a camera. Someone from the "
        "suite will set up the video link for you. "
        "Waiting "
        "You may have to wait. The court will call you when it is ready for you. "
        "Leaving "
        "The court will tell you when you may go. You can leave then."
    ) in words
    html = response.content.decode()
    assert re.findall(r"<h[23]>([^<]+)</h[23]>", html)[-6:] == [
        "What happens on the day",
        "Arriving",
        "ID",
        "The room",
        "Waiting",
        "Leaving",
    ]


def test_it_all_works_without_javascript(booking, client):
    html = client.get(link_path(booking)).content.decode()

    assert "<script" not in html
    assert "onclick" not in html
    assert href(links(client.get(link_path(booking)))["Add to calendar"]) == "calendar.ics"
