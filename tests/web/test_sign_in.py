"""Signing in to the staff pages."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_a_scheduler_signs_in_and_lands_on_today(client, scheduler):
    response = client.post(
        "/sign-in/", {"username": scheduler.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Today" in client.get("/").content.decode()


def test_a_wrong_password_is_shown_in_the_error_summary(client, scheduler):
    response = client.post("/sign-in/", {"username": scheduler.username, "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password." in page
    assert "<title>Error: Sign in" in page


def test_guessing_passwords_is_slowed_down(client, scheduler):
    """On a stopped clock: the limit is a sliding minute, so Retry-After is the whole minute
    when no time has passed since the first attempt (the password checks take seconds)."""
    with time_machine.travel(datetime(2027, 3, 22, 9, tzinfo=UTC), tick=False):
        for _ in range(10):
            client.post("/sign-in/", {"username": scheduler.username, "password": "guess"})

        response = client.post(
            "/sign-in/", {"username": scheduler.username, "password": "correct-horse-battery"}
        )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client, scheduler):
    client.force_login(scheduler)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to sign in
