"""A staff session ends after SESSION_IDLE_MINUTES without use, and SESSION_ABSOLUTE_HOURS after
signing in however busy it is; then the next page asks to sign in again."""

from datetime import timedelta

import pytest
import time_machine

from tests.accounts.conftest import PASSWORD
from tests.factories import london

pytestmark = pytest.mark.django_db

MORNING = london(2027, 3, 22, 8)


def signed_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith("/sign-in/")
    return response.status_code == 200


def sign_in(client, username: str) -> None:
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def test_a_session_left_alone_for_half_an_hour_ends(client, scheduler):
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, scheduler.username)
        clock.shift(timedelta(minutes=29))
        assert signed_in(client)

        clock.shift(timedelta(minutes=30, seconds=1))

        assert not signed_in(client)


def test_a_session_in_use_is_not_ended_by_the_idle_limit(client, scheduler):
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, scheduler.username)
        for _ in range(6):  # two hours, a page every twenty minutes
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)


def test_a_busy_session_still_ends_ten_hours_after_signing_in(client, scheduler, settings):
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, scheduler.username)
        for _ in range(29):  # a page every twenty minutes until 17:40
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)

        clock.shift(timedelta(minutes=20, seconds=1))  # 18:00:01, ten hours on

        assert settings.SESSION_ABSOLUTE_HOURS == 10
        assert not signed_in(client)
        # and signing in again starts a new day's session
        sign_in(client, scheduler.username)
        assert signed_in(client)


def test_the_idle_limit_is_a_setting(client, scheduler, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(MORNING, tick=False) as clock:
        sign_in(client, scheduler.username)
        clock.shift(timedelta(minutes=5, seconds=1))

        assert not signed_in(client)


def test_the_admin_session_ends_the_same_way(client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    with time_machine.travel(MORNING, tick=False) as clock:
        client.force_login(admin_user)
        for _ in range(29):
            clock.shift(timedelta(minutes=20))
            assert client.get("/admin/").status_code == 200
        clock.shift(timedelta(minutes=20, seconds=1))
        response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
