"""A calendar feed works only while the person who made it still may subscribe to it (issue 13,
finding 6): not once they are deactivated or deleted, or lose the role, court or force that let
them make it. Its address then answers 404, as a revoked one does, and the feed lists show it
as not working, so someone can revoke it and make a new one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from bookings import services
from bookings.models import FeedScope
from tests.factories import CourtFactory, ForceFactory, UserFactory

pytestmark = pytest.mark.django_db


def fetch(secret, **headers):
    return Client().get(f"/feeds/{secret}.ics", headers=headers)


def assert_gone(response):
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"  # the same answer as for a revoked token


@pytest.fixture
def court_feed(clock, court, court_user):
    return services.feed_token_create(actor=court_user, scope=FeedScope.COURT, subject=court)


def test_a_deactivated_court_users_calendar_feed_stops_working(court_user, court_feed):
    assert fetch(court_feed.secret).status_code == 200

    court_user.is_active = False
    court_user.save()

    assert_gone(fetch(court_feed.secret))


def test_a_court_user_moved_to_another_court_loses_the_old_courts_feed(court_user, court_feed):
    court_user.court = CourtFactory(code="hastings-mc")
    court_user.save()

    assert_gone(fetch(court_feed.secret))


def test_a_feed_whose_maker_was_deleted_stops_working(court_user, court_feed):
    court_user.delete()

    assert_gone(fetch(court_feed.secret))


def test_a_scheduler_moved_to_another_force_loses_their_old_forces_feeds(
    clock, scheduler, suite, officer
):
    suite_feed = services.feed_token_create(actor=scheduler, scope=FeedScope.SUITE, subject=suite)
    officer_feed = services.feed_token_create(
        actor=scheduler, scope=FeedScope.WITNESS, subject=officer
    )
    assert fetch(suite_feed.secret).status_code == 200

    scheduler.force = ForceFactory(code="kent")
    scheduler.save()

    assert_gone(fetch(suite_feed.secret))
    assert_gone(fetch(officer_feed.secret))


def test_a_suite_manager_made_a_court_user_loses_the_suites_feed(
    clock, court, suite, suite_manager
):
    feed = services.feed_token_create(actor=suite_manager, scope=FeedScope.SUITE, subject=suite)

    suite_manager.role = Role.COURT_USER
    suite_manager.court = court
    suite_manager.save()

    assert_gone(fetch(feed.secret))


def test_the_other_subscribers_of_the_same_court_keep_theirs(clock, court, court_user, court_feed):
    colleague = UserFactory(username="list.office", role=Role.COURT_USER, force=None, court=court)
    theirs = services.feed_token_create(actor=colleague, scope=FeedScope.COURT, subject=court)

    court_user.is_active = False
    court_user.save()

    assert_gone(fetch(court_feed.secret))
    assert fetch(theirs.secret).status_code == 200


def test_the_feed_lists_show_a_feed_whose_maker_lost_the_court_as_not_working(
    api_as, admin_user, court_user, court_feed
):
    court_user.court = CourtFactory(code="hastings-mc")
    court_user.save()

    mine = api_as(court_user).get("/api/v1/feed-tokens/").json()["results"]
    everyone = api_as(admin_user).get("/api/v1/feed-tokens/").json()["results"]
    client = Client()
    client.force_login(court_user)
    page = client.get("/calendar-feeds/").content.decode()

    assert [(row["id"], row["is_working"]) for row in mine] == [(court_feed.pk, False)]
    assert [(row["id"], row["is_working"]) for row in everyone] == [(court_feed.pk, False)]
    assert "Not working" in page


def test_a_working_feed_is_listed_as_working(api_as, court_user, court_feed):
    rows = api_as(court_user).get("/api/v1/feed-tokens/").json()["results"]

    assert [row["is_working"] for row in rows] == [True]


def test_checking_the_maker_costs_no_extra_query(court_feed):
    first = fetch(court_feed.secret)

    with CaptureQueriesContext(connection) as unchanged:
        again = fetch(court_feed.secret, If_None_Match=first["ETag"])

    assert again.status_code == 304
    # the token with its maker (one query), the fetch noted, the feed's version
    assert len(unchanged) <= 3
