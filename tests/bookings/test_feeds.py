"""What the calendar feeds courts, suites and officers subscribe to (`/feeds/<token>.ics`) hold,
read the way a calendar reads them (tests/bookings/calendar_feeds.py): each booking once, in
London time, for the window they show, and nothing a court may not see. The feeds over HTTP:
test_feed_http.py."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
import vobject

from bookings import services
from bookings.calendar import booking_uid
from bookings.models import Booking, FeedScope, WitnessType
from tests.bookings.calendar_feeds import events, fetch, parse, subscribe, unfolded
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import book

pytestmark = pytest.mark.django_db

LONDON_TZID = "Europe/London"
# UK numbers in any common form: +44 7700 900123, 07700 900123, 01273 900000.
PHONE = re.compile(r"\+44|\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def tzid(prop) -> str:
    """The zone vobject resolved a time in, built from the feed's own VTIMEZONE."""
    return vobject.icalendar.TimezoneComponent.pickTzid(prop.value.tzinfo)


@pytest.fixture
def second_suite(sussex):
    return SuiteFactory(code="hove", name="Hove Community Hub", force=sussex)


@pytest.fixture
def civilian(sussex):
    return WitnessFactory(
        force=sussex, full_name="Donna Noble", witness_type=WitnessType.CIVILIAN, collar_number=""
    )


# --- What a feed holds ------------------------------------------------------------------------


def test_a_courts_feed_has_one_event_per_booking_written_for_the_court(
    clock, court, hearing, suite, second_suite, officer, civilian
):
    # given: two witnesses booked for the court's hearing, from two suites
    first = book(hearing, officer, suite)
    second = book(hearing, civilian, second_suite)
    secret = subscribe(FeedScope.COURT, court)

    # when: the court's calendar fetches the feed
    calendar = parse(fetch(secret))

    # then: a named, refreshing calendar in London time, with both bookings
    assert calendar.x_wr_calname.value == "Video-link witnesses: Brighton Magistrates' Court"
    assert calendar.refresh_interval.value == "PT15M"
    assert calendar.refresh_interval.params["VALUE"] == ["DURATION"]
    assert calendar.x_published_ttl.value == "PT15M"
    assert calendar.vtimezone.tzid.value == LONDON_TZID
    found = events(calendar)
    assert set(found) == {booking_uid(first), booking_uid(second)}
    for booking, initials, witness_type in [
        (first, "AP", "police officer"),
        (second, "DN", "civilian"),
    ]:
        event = found[booking_uid(booking)]
        assert int(event.sequence.value) == booking.version == 1
        assert tzid(event.dtstart) == LONDON_TZID
        assert event.dtstart.value == booking.starts_at
        assert event.dtend.value == booking.ends_at
        assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 24, 10, tzinfo=UTC)
        assert event.status.value == "CONFIRMED"
        assert event.summary.value == (
            f"Video-link witness {initials} ({witness_type}): {hearing.case_reference}"
        )
        description = event.description.value
        assert f"Case reference (URN): {hearing.case_reference}." in description
        assert "Hearing: Trial, Court 1." in description
        assert f"Witness: {witness_type}, initials {initials}." in description
        assert f"Gives evidence from: {booking.suite.name}." in description
        assert event.location.value == booking.suite.name  # the suite, never its address
        for stamp in ("dtstamp", "created", "last_modified"):
            assert getattr(event, stamp).value.tzinfo is not None


def test_a_suites_feed_shows_the_booking_the_court_and_the_times(
    clock, court, hearing, suite, officer
):
    booking = book(hearing, officer, suite)

    calendar = parse(fetch(subscribe(FeedScope.SUITE, suite)))

    assert calendar.x_wr_calname.value == "Video-link bookings: Brighton Police Station"
    (event,) = events(calendar).values()
    assert event.uid.value == booking_uid(booking)
    assert int(event.sequence.value) == 1
    assert tzid(event.dtstart) == LONDON_TZID
    assert event.summary.value == f"Video link {booking.reference}: Brighton Magistrates' Court"
    assert event.description.value.splitlines() == [
        f"Booking {booking.reference} at Brighton Police Station.",
        "Court: Brighton Magistrates' Court, Court 1.",
        "Witness in the suite 10:00–13:00; the room is kept from 09:45 to 13:15 for set-up "
        "and turnaround.",
    ]
    assert event.location.value == "Brighton Police Station, John Street, Brighton, BN2 0LA"
    assert event.status.value == "CONFIRMED"


def test_an_officers_feed_shows_their_own_bookings_when_where_and_which_court(
    clock, court, hearing, suite, officer, other_officer, second_suite
):
    mine = book(hearing, officer, suite)
    book(hearing, other_officer, second_suite)

    calendar = parse(fetch(subscribe(FeedScope.WITNESS, officer)))

    assert calendar.x_wr_calname.value == "My video-link evidence"
    (event,) = events(calendar).values()
    assert event.uid.value == booking_uid(mine)
    assert int(event.sequence.value) == 1
    assert tzid(event.dtstart) == LONDON_TZID
    assert event.summary.value == "Give evidence by video link at Brighton Police Station"
    assert event.description.value.splitlines() == [
        "Arrive at Brighton Police Station by 09:45 on Wednesday 24 March 2027.",
        "You will give evidence to Brighton Magistrates' Court, Court 1, 10:00–13:00.",
        f"Case reference (URN): {hearing.case_reference}.",
        f"Booking reference: {mine.reference}.",
    ]
    assert event.status.value == "CONFIRMED"


def test_a_confidential_suite_gives_no_location_in_any_feed(clock, court, hearing, sussex, officer):
    secret_suite = SuiteFactory(
        force=sussex,
        name="Suite S",
        address="7 Hidden Lane, Lewes",
        postcode="BN7 1AA",
        location_confidential=True,
    )
    book(hearing, officer, secret_suite)

    for scope, subject in [
        (FeedScope.COURT, court),
        (FeedScope.SUITE, secret_suite),
        (FeedScope.WITNESS, officer),
    ]:
        response = fetch(subscribe(scope, subject))
        (event,) = events(parse(response)).values()
        assert "location" not in event.contents, scope
        assert "Hidden Lane" not in unfolded(response)
        assert "BN7 1AA" not in unfolded(response)
    (event,) = events(parse(fetch(subscribe(FeedScope.WITNESS, officer)))).values()
    assert "The witness care team will tell you where to go." in event.description.value


def test_a_booking_moved_across_the_clock_change_shows_the_right_local_time(
    clock, court, suite, officer
):
    # given: booked for Friday 26 March 2027 at 10:00 GMT
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 26, 10), ends_at=london(2027, 3, 26, 13)
    )
    booking = book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)
    event = events(parse(fetch(secret)))[booking_uid(booking)]
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 26, 10, tzinfo=UTC)

    # when: the court relists the hearing for Monday 29 March at 10:00, after BST began
    services.hearing_relist(
        actor=None,
        hearing=hearing,
        starts_at=london(2027, 3, 29, 10),
        ends_at=london(2027, 3, 29, 13),
    )

    # then: the same event, updated, at 10:00 London time, which is 09:00Z
    response = fetch(secret)
    assert "DTSTART;TZID=Europe/London:20270329T100000" in unfolded(response)
    event = events(parse(response))[booking_uid(booking)]
    assert int(event.sequence.value) == 2
    assert tzid(event.dtstart) == LONDON_TZID
    assert event.dtstart.value.strftime("%H:%M") == "10:00"
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 29, 9, tzinfo=UTC)
    assert event.dtend.value.astimezone(UTC) == datetime(2027, 3, 29, 12, tzinfo=UTC)


def test_a_cancelled_booking_stays_as_cancelled_for_a_while_then_ages_out(
    clock, settings, court, hearing, suite, officer
):
    settings.FEED_CANCELLED_DAYS = 14
    booking = book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)
    assert events(parse(fetch(secret)))[booking_uid(booking)].status.value == "CONFIRMED"

    # when: it is cancelled on Monday 22 March
    booking = services.booking_cancel(actor=None, booking=booking, reason="Guilty plea")

    # then: calendars are told, with a higher SEQUENCE, so they remove the event
    event = events(parse(fetch(secret)))[booking_uid(booking)]
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 2
    assert event.summary.value.startswith("Cancelled: ")
    assert "Guilty plea" not in unfolded(fetch(secret))  # free text stays with staff

    # still there 14 days on (Monday 5 April)...
    clock.move_to(london(2027, 4, 5, 23, 59))
    assert booking_uid(booking) in events(parse(fetch(secret)))
    # ...and gone the day after
    clock.move_to(london(2027, 4, 6, 0, 1))
    assert booking_uid(booking) not in events(parse(fetch(secret)))


def test_the_window_runs_from_30_days_back_to_180_days_ahead(
    settings, court, suite, officer, other_officer
):
    settings.FEED_DAYS_BACK, settings.FEED_DAYS_AHEAD = 30, 180
    hearing = HearingFactory(court=court)  # Wednesday 24 March 2027
    booking = Booking.objects.create(
        reference="VS-WINDOW",
        hearing=hearing,
        witness=officer,
        suite=suite,
        starts_at=hearing.starts_at,
        ends_at=hearing.ends_at,
        occupied_from=hearing.starts_at,
        occupied_until=hearing.ends_at,
    )
    secret = subscribe(FeedScope.COURT, court)
    uid = booking_uid(booking)

    for today, shown in [
        (london(2026, 9, 24, 23), False),  # 181 days before
        (london(2026, 9, 25, 0, 1), True),  # 180 days before
        (london(2027, 4, 23, 23), True),  # 30 days after
        (london(2027, 4, 24, 0, 1), False),  # 31 days after
    ]:
        with time_machine.travel(today, tick=False):
            assert (uid in events(parse(fetch(secret)))) is shown, today


# --- Privacy ----------------------------------------------------------------------------------


def test_a_courts_feed_never_shows_another_courts_bookings_a_phone_an_email_or_a_full_name(
    clock, court, hearing, suite, second_suite, officer, civilian, sussex
):
    # given: contact details everywhere they could leak from
    suite.contact_phone, suite.contact_email = "01273 900000", "brighton.suite@sussex.example"
    suite.save()
    court.contact_phone, court.contact_email = "01273 811222", "listing@brighton.justice.example"
    court.save()
    civilian.phone, civilian.email = "+447700900555", "donna@example.org"
    civilian.save()
    book(hearing, officer, suite)
    book(hearing, civilian, second_suite)
    other_court = CourtFactory(name="Hastings Magistrates' Court")
    other_hearing = HearingFactory(court=other_court, case_reference="47HH9999999")
    other_witness = WitnessFactory(force=sussex, full_name="River Song")
    book(other_hearing, other_witness, SuiteFactory(force=sussex))

    for scope, subject in [
        (FeedScope.COURT, court),
        (FeedScope.SUITE, suite),
        (FeedScope.WITNESS, officer),
    ]:
        response = fetch(subscribe(scope, subject))
        calendar = parse(response)
        text = unfolded(response)
        # when the text is read line by line, past the UIDs (which are user@host in form)
        readable = "\n".join(line for line in text.splitlines() if not line.startswith("UID:"))
        # then
        assert not PHONE.search(readable), (scope, PHONE.search(readable))
        assert not EMAIL.search(readable), (scope, EMAIL.search(readable))
        for witness in (officer, civilian, other_witness):
            assert witness.full_name not in text
            assert witness.full_name.split()[-1] not in text  # not even the surname
            assert str(witness.phone) not in text
            assert witness.email not in text
        assert "47HH9999999" not in text
        assert "Hastings" not in text
        for event in events(calendar).values():
            for field in ("summary", "description", "location"):
                if field in event.contents:
                    value = event.contents[field][0].value
                    assert not PHONE.search(value) and not EMAIL.search(value)

    court_text = unfolded(fetch(subscribe(FeedScope.COURT, court)))
    assert suite.address not in court_text  # a court sees the suite, not its address
    assert len(events(parse(fetch(subscribe(FeedScope.COURT, court))))) == 2
