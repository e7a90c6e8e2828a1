"""The court's link in the calendar feeds, read the way a calendar reads them
(tests/bookings/calendar_feeds.py): the court's and the suite's events carry the suite's dial
address and the court's link or room and PIN, so whoever dials can; an officer's feed never
does. A new link is a new ETag, so a calendar that asks "changed since?" gets it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.calendar import booking_uid
from bookings.models import FeedScope
from evidence_suites.models import VideoPlatform
from tests.bookings.calendar_feeds import events, fetch, parse, subscribe, unfolded
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import book

pytestmark = pytest.mark.django_db

SUITE_ADDRESS = "sip:brighton-suite-1@video.sussex.police.example"
ROOM, PIN = "3051", "48213"
LINK = "https://join.video.hmcts.example/court-4"


@pytest.fixture
def dialled_suite(suite):
    suite.video_endpoint = SUITE_ADDRESS
    suite.video_platform = VideoPlatform.CVP
    suite.save()
    return suite


def link(booking, **values):
    return services.booking_set_video_link(actor=None, booking=booking, **values)


def event_of(secret, booking):
    return events(parse(fetch(secret)))[booking_uid(booking)]


def conferences(event) -> dict[str, str]:
    """The event's CONFERENCE properties (RFC 7986), label → the URI a client joins."""
    return {c.params["LABEL"][0]: c.value for c in event.contents.get("conference", [])}


def test_the_courts_feed_shows_the_room_the_pin_and_where_to_dial_the_suite(
    clock, court, hearing, dialled_suite, officer
):
    booking = link(book(hearing, officer, dialled_suite), video_room=ROOM, video_pin=PIN)

    event = event_of(subscribe(FeedScope.COURT, court), booking)

    description = event.description.value
    assert f"The court's video room: {ROOM}." in description
    assert f"Guest PIN: {PIN}." in description
    assert f"The suite's video address (HMCTS Cloud Video Platform): {SUITE_ADDRESS}" in description
    # the suite's address is a SIP URI: a client can dial it from the event
    assert conferences(event) == {"The suite's video address": SUITE_ADDRESS}


def test_the_courts_join_link_is_in_the_feed_as_text_and_as_a_conference_to_open(
    clock, court, hearing, dialled_suite, officer
):
    booking = link(book(hearing, officer, dialled_suite), video_url=LINK, video_pin=PIN)

    for scope, subject in ((FeedScope.COURT, court), (FeedScope.SUITE, dialled_suite)):
        event = event_of(subscribe(scope, subject), booking)
        assert f"The court's video link: {LINK}" in event.description.value
        assert f"Guest PIN: {PIN}." in event.description.value
        assert conferences(event)["The court's video link"] == LINK


def test_an_officers_feed_never_shows_the_link_room_pin_or_the_suites_address(
    clock, court, hearing, dialled_suite, officer
):
    booking = link(book(hearing, officer, dialled_suite), video_url=LINK, video_pin=PIN)
    other = HearingFactory(court=court, starts_at=london(2027, 3, 25, 10))
    link(book(other, officer, dialled_suite), video_room=ROOM, video_pin="7777")

    response = fetch(subscribe(FeedScope.WITNESS, officer))

    body = unfolded(response)
    assert len(events(parse(response))) == 2
    for secret in (LINK, "join.video", ROOM, PIN, "7777", SUITE_ADDRESS, "CONFERENCE", "PIN"):
        assert secret not in body
    assert booking_uid(booking) in body


def test_a_new_link_is_a_new_etag_and_a_higher_sequence(
    clock, court, hearing, dialled_suite, officer
):
    booking = book(hearing, officer, dialled_suite)
    secret = subscribe(FeedScope.COURT, court)
    before = fetch(secret)
    assert fetch(secret, If_None_Match=before["ETag"]).status_code == 304
    sequence = int(events(parse(before))[booking_uid(booking)].sequence.value)

    # when: the court gives its room
    booking = link(booking, video_room=ROOM)

    # then: the calendar asking "changed since?" gets the feed with it
    after = fetch(secret, If_None_Match=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    event = events(parse(after))[booking_uid(booking)]
    assert f"The court's video room: {ROOM}." in event.description.value
    assert int(event.sequence.value) > sequence

    # when: only the PIN changes
    link(booking, video_room=ROOM, video_pin=PIN)
    again = fetch(secret, If_None_Match=after["ETag"])
    assert again.status_code == 200
    assert f"Guest PIN: {PIN}." in unfolded(again)


def test_a_cancelled_booking_keeps_no_link_in_the_feed(
    clock, court, hearing, dialled_suite, officer
):
    booking = link(book(hearing, officer, dialled_suite), video_url=LINK, video_pin=PIN)
    services.booking_cancel(actor=None, booking=booking, reason="Defence accepted the statement")

    event = event_of(subscribe(FeedScope.COURT, court), booking)

    assert event.status.value == "CANCELLED"
    assert LINK not in event.description.value and PIN not in event.description.value
    assert conferences(event) == {}


def test_a_feed_of_linked_bookings_costs_no_more_queries_for_more_of_them(
    clock, court, hearing, sussex
):
    secret = subscribe(FeedScope.COURT, court)

    def linked_bookings(count):
        # each officer at a suite of their own, every suite dialled on its own address
        for _ in range(count):
            suite = SuiteFactory(
                force=sussex, video_endpoint=SUITE_ADDRESS, video_platform=VideoPlatform.SIP
            )
            booked = book(hearing, WitnessFactory(force=sussex), suite)
            link(booked, video_room=ROOM, video_pin=PIN)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = fetch(secret)
        assert response.status_code == 200
        return len(captured), unfolded(response).count("Guest PIN")

    linked_bookings(2)
    few, shown = queries()
    assert shown == 2
    linked_bookings(12)
    many, shown = queries()
    assert shown == 14
    assert many == few
