"""Subscribing to a calendar feed and reading it the way a calendar does: a token made by an
admin, the fetch of `/feeds/<secret>.ics`, and the feed parsed by vobject, an iCalendar parser
independent of the icalendar library that writes it."""

import vobject
from django.test import Client

from accounts.models import Role, User
from bookings import services
from tests.factories import UserFactory


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
