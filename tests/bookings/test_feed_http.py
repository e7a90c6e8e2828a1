"""The calendar feeds over HTTP, as calendar clients fetch them: only a live token opens one,
and none is stored in clear; a cacheable calendar with no session, 304s while nothing
changed, HEAD like GET; each fetch noted; and a feed of thousands of events costs the same few
queries as one of five."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.calendar import booking_uid
from bookings.feeds import token_hash
from bookings.models import Booking, BookingStatus, FeedScope, FeedToken
from tests.bookings.calendar_feeds import events, fetch, make_token, parse, subscribe, unfolded
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import book

pytestmark = pytest.mark.django_db


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
