"""The calendar feeds courts, suites and officers subscribe to (`/feeds/<token>.ics`), read the
way a calendar reads them: parsed by vobject, an iCalendar parser independent of the icalendar
library that writes them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
import vobject
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from bookings import services
from bookings.calendar import booking_uid
from bookings.feeds import token_hash
from bookings.models import Booking, BookingStatus, FeedScope, FeedToken, WitnessType
from tests.factories import (
    CourtFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
    london,
)
from tests.helpers import book

pytestmark = pytest.mark.django_db

LONDON_TZID = "Europe/London"
# UK numbers in any common form: +44 7700 900123, 07700 900123, 01273 900000.
PHONE = re.compile(r"\+44|\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def feed_admin() -> User:
    """Who makes the feeds here: an admin, who may subscribe to anything (a token works only
    while its maker may: tests/bookings/test_feed_token_owner.py)."""
    admin = User.objects.filter(username="feeds.admin").first()
    return admin or UserFactory(username="feeds.admin", role=Role.ADMIN, force=None)


def make_token(scope, subject):
    return services.feed_token_create(actor=feed_admin(), scope=scope, subject=subject)


def subscribe(scope, subject) -> str:
    """A feed token for `subject`; returns the secret in its address."""
    return make_token(scope, subject).secret


def fetch(secret, method="get", **headers):
    return getattr(Client(), method)(f"/feeds/{secret}.ics", headers=headers)


def unfolded(response) -> str:
    """The body with iCalendar's 75-octet line folding undone, so no text hides across a fold."""
    return response.content.decode().replace("\r\n ", "")


def parse(response):
    assert response.status_code == 200, response.content
    return vobject.readOne(response.content.decode())


def events(calendar) -> dict:
    """The feed's events by UID."""
    return {event.uid.value: event for event in calendar.contents.get("vevent", [])}


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


def test_the_secret_is_not_stored_anywhere_in_clear(clock, court):
    token = make_token(FeedScope.COURT, court)
    assert fetch(token.secret).status_code == 200

    stored = FeedToken.objects.get(pk=token.pk)
    assert stored.token_hash == token_hash(token.secret) != token.secret
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lookup = {f"{field.name}__contains": token.secret}
                assert not model.objects.filter(**lookup).exists(), (model, field.name)


# --- HTTP -------------------------------------------------------------------------------------


def test_an_unknown_or_revoked_token_is_a_404_and_other_tokens_keep_working(
    clock, court, hearing, suite, officer
):
    book(hearing, officer, suite)
    list_office = make_token(FeedScope.COURT, court)
    usher = subscribe(FeedScope.COURT, court)

    services.feed_token_revoke(actor=None, token=list_office)

    revoked = fetch(list_office.secret)
    assert revoked.status_code == 404
    assert revoked.json()["code"] == "not_found"
    assert fetch("not-a-token").status_code == 404
    assert Client().get("/feeds/").status_code == 404
    still = fetch(usher)
    assert still.status_code == 200
    assert len(events(parse(still))) == 1


def test_the_feed_is_a_cacheable_calendar_with_no_session_or_cookie(
    clock, court, hearing, suite, officer
):
    book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)

    response = fetch(secret)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])  # strong: no W/
    assert response["Last-Modified"].endswith(" GMT")
    assert response["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert int(response["Content-Length"]) == len(response.content)
    # the same feed with the token in the query, for clients that strip paths
    by_query = Client().get(f"/feeds/?token={secret}")
    assert by_query.status_code == 200
    assert by_query.content == response.content
    assert by_query["ETag"] == response["ETag"]


def test_an_unchanged_feed_is_a_304_and_a_changed_one_a_200_with_a_new_etag(
    clock, court, hearing, suite, officer
):
    booking = book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)
    first = fetch(secret)
    etag = first["ETag"]

    # when: nothing changed
    unchanged = fetch(secret, If_None_Match=etag)
    # then: 304, no body, the same validators
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert unchanged["Cache-Control"] == "private, max-age=300"
    assert fetch(secret).content == first.content  # byte for byte: the ETag is strong

    # when: the booking is moved to the afternoon
    services.booking_reschedule(
        actor=None,
        booking=booking,
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )
    changed = fetch(secret, If_None_Match=etag)
    # then: the new feed, with a new ETag
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    event = events(parse(changed))[booking_uid(booking)]
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 24, 14, tzinfo=UTC)
    assert int(event.sequence.value) == 2
    assert fetch(secret, If_None_Match=changed["ETag"]).status_code == 304


def test_the_etag_changes_when_the_day_rolls_over_or_the_suite_is_renamed(
    clock, court, hearing, suite, officer
):
    book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)
    etag = fetch(secret)["ETag"]

    suite.name = "Brighton Live Link Suite"
    suite.save()
    renamed = fetch(secret, If_None_Match=etag)
    assert renamed.status_code == 200
    assert "Brighton Live Link Suite" in unfolded(renamed)

    clock.move_to(london(2027, 3, 23, 0, 1))
    assert fetch(secret, If_None_Match=renamed["ETag"]).status_code == 200


def test_a_suites_feed_changes_when_a_court_in_it_is_renamed(clock, court, hearing, suite, officer):
    book(hearing, officer, suite)
    secret = subscribe(FeedScope.SUITE, suite)
    etag = fetch(secret)["ETag"]

    court.name = "Brighton and Hove Magistrates' Court"
    court.save()
    renamed = fetch(secret, If_None_Match=etag)

    assert renamed.status_code == 200
    assert "Brighton and Hove Magistrates' Court" in unfolded(renamed)


def test_head_gives_the_same_headers_as_get_and_no_body(clock, court, hearing, suite, officer):
    book(hearing, officer, suite)
    secret = subscribe(FeedScope.COURT, court)

    got = fetch(secret)
    head = fetch(secret, method="head")

    assert head.status_code == 200
    assert head.content == b""
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Content-Length"):
        assert head[header] == got[header], header
    assert fetch(secret, method="head", If_None_Match=got["ETag"]).status_code == 304
    assert fetch(secret, method="post").status_code == 405


# --- Subscriber telemetry ---------------------------------------------------------------------


def test_each_fetch_records_when_and_which_calendar_client_even_a_304(clock, court):
    token = make_token(FeedScope.COURT, court)
    assert token.last_fetched_at is None

    response = fetch(token.secret, User_Agent="Microsoft Office/16.0")
    token.refresh_from_db()
    assert token.last_user_agent == "Microsoft Office/16.0"
    first_fetch = token.last_fetched_at
    assert first_fetch is not None

    clock.shift(timedelta(hours=1))
    not_modified = fetch(
        token.secret, User_Agent="Google-Calendar-Importer", If_None_Match=response["ETag"]
    )
    assert not_modified.status_code == 304
    token.refresh_from_db()
    assert token.last_user_agent == "Google-Calendar-Importer"
    assert token.last_fetched_at >= first_fetch + timedelta(hours=1)


# --- Bounded work -----------------------------------------------------------------------------


def _bulk_bookings(count, *, court, force, start_index=0):
    """`count` bookings for the court, made in bulk: 50 suites, one booking a day in each, one
    officer per suite, no two overlapping."""
    suites = SuiteFactory.create_batch(50, force=force)
    witnesses = WitnessFactory.create_batch(50, force=force)
    first_day = london(2027, 3, 24, 10)
    hearings = [
        HearingFactory(
            court=court,
            starts_at=first_day + timedelta(days=day),
            ends_at=first_day + timedelta(days=day, hours=3),
        )
        for day in range(-(-count // 50))
    ]
    bookings = []
    for index in range(count):
        day, slot = divmod(index, 50)
        starts = hearings[day].starts_at
        bookings.append(
            Booking(
                reference=f"VS-B{start_index + index:06d}",
                hearing=hearings[day],
                witness=witnesses[slot],
                suite=suites[slot],
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                occupied_from=starts - timedelta(minutes=15),
                occupied_until=starts + timedelta(hours=1, minutes=15),
                status=BookingStatus.CONFIRMED,
            )
        )
    Booking.objects.bulk_create(bookings, batch_size=500)


def _feed_queries(secret) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = fetch(secret)
    assert response.status_code == 200
    return len(captured), len(events(parse(response)))


def test_a_feed_of_5000_events_costs_the_same_few_queries_as_one_of_5(clock, court, sussex):
    secret = subscribe(FeedScope.COURT, court)
    _bulk_bookings(5, court=court, force=sussex)
    few, shown = _feed_queries(secret)
    assert shown == 5

    _bulk_bookings(4995, court=court, force=sussex, start_index=5)
    many, shown = _feed_queries(secret)

    assert shown == 5000
    assert many == few
    assert many <= 5
