"""Guessing passwords is slowed and then stopped (issue 13, finding 3): on the API's token
sign-in, the staff sign-in and the admin's sign-in, by username and by client address, with
the address taken only as far as the trusted proxies vouch for it."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import Role
from core.net import client_ip
from tests.accounts.conftest import PASSWORD, api_sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed sign-in attempts"


def rotating(n: int) -> dict:
    """A header the client writes itself: a different claimed address on every request."""
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250 + 1}"}


@pytest.fixture
def staff_admin(db):
    return UserFactory(
        username="site.admin", role=Role.ADMIN, force=None, is_staff=True, is_superuser=True
    )


# --- The API's token sign-in --------------------------------------------------------------------


def test_thirty_guesses_with_a_rotating_forwarded_for_are_locked_out_then_the_password_fails(
    scheduler,
):
    # when: thirty wrong passwords, each claiming to come from another address
    answers = [api_sign_in("sussex.scheduler", f"guess-{n}", **rotating(n)) for n in range(30)]

    # then: the fifth wrong guess locks the sign-in, and it stays locked
    codes = [answer.json()["code"] for answer in answers]
    assert codes[:4] == ["invalid_credentials"] * 4
    assert codes[4] == "locked_out"
    assert set(codes[4:]) <= {"locked_out", "throttled"}
    assert all(answer.status_code == 429 for answer in answers[4:])
    # and the right password, from yet another claimed address, gets no token
    right = api_sign_in("sussex.scheduler", PASSWORD, **rotating(31))
    assert right.status_code == 429, right.content
    assert "token" not in right.json()
    assert not AuthToken.objects.exists()


def test_a_locked_out_api_sign_in_says_so_in_the_error_shape_with_retry_after(scheduler):
    for n in range(5):
        api_sign_in("sussex.scheduler", f"guess-{n}")

    response = api_sign_in("sussex.scheduler", PASSWORD)

    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "locked_out"
    assert body["detail"].startswith(LOCKED_OUT)
    assert "15 minutes" in body["detail"]
    assert response["Retry-After"] == "900"


def test_the_per_minute_sign_in_limit_counts_a_client_however_it_fills_in_forwarded_for(
    scheduler, settings
):
    # given: lockout out of the way, to see the per-minute limit on its own
    settings.AXES_ENABLED = False
    for n in range(10):
        assert api_sign_in("sussex.scheduler", "guess", **rotating(n)).status_code == 400

    response = api_sign_in("sussex.scheduler", PASSWORD, **rotating(10))

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_guesses_at_many_usernames_from_one_address_lock_that_address_out(scheduler):
    for n in range(5):
        api_sign_in(f"someone-{n}", "guess", **rotating(n))

    # the real user, from the same address, has to wait too
    response = api_sign_in("sussex.scheduler", PASSWORD, **rotating(99))

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"


def test_guesses_at_one_username_from_many_addresses_lock_that_username_out(scheduler, settings):
    # given: one proxy in front, so each guess really comes from another address
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        api_sign_in("sussex.scheduler", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")

    # when: the right password, from an address that never guessed
    locked = api_sign_in("sussex.scheduler", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")
    # then: that username is locked, but another user there signs in
    other = UserFactory(username="kent.person", force=scheduler.force)
    fine = api_sign_in(other.username, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")

    assert locked.json()["code"] == "locked_out"
    assert fine.status_code == 200, fine.content


def test_behind_a_trusted_proxy_only_the_address_it_saw_counts(scheduler, settings):
    # given: one proxy, which appends the address it saw; what the client put before it varies
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        api_sign_in(f"someone-{n}", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7")

    from_the_guesser = api_sign_in(
        "sussex.scheduler", PASSWORD, HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.7"
    )
    from_someone_else = api_sign_in(
        "sussex.scheduler", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.8"
    )

    assert from_the_guesser.status_code == 429
    assert from_someone_else.status_code == 200, from_someone_else.content


def test_a_lockout_ends_after_the_cool_off(scheduler):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            api_sign_in("sussex.scheduler", f"guess-{n}")
        clock.shift(timedelta(minutes=14))
        assert api_sign_in("sussex.scheduler", PASSWORD).status_code == 429

        # each attempt while locked out starts the wait again
        clock.shift(timedelta(minutes=14))
        assert api_sign_in("sussex.scheduler", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=15, seconds=1))
        assert api_sign_in("sussex.scheduler", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote", "seen"),
    [
        pytest.param(0, "198.51.100.1", "127.0.0.1", "127.0.0.1", id="no-proxy-ignores-header"),
        pytest.param(1, "198.51.100.1, 203.0.113.7", "10.0.0.2", "203.0.113.7", id="one-proxy"),
        pytest.param(2, "1.1.1.1, 203.0.113.7, 10.0.0.3", "10.0.0.2", "203.0.113.7", id="two"),
        pytest.param(2, "203.0.113.7", "10.0.0.2", "10.0.0.2", id="fewer-entries-than-proxies"),
        pytest.param(1, "", "10.0.0.2", "10.0.0.2", id="proxy-sent-none"),
        pytest.param(1, "unknown", "10.0.0.2", "10.0.0.2", id="not-an-address"),
        pytest.param(1, "203.0.113.7:51234", "10.0.0.2", "203.0.113.7", id="with-a-port"),
        pytest.param(1, "[2001:db8::7]:443", "10.0.0.2", "2001:db8::7", id="ipv6-with-port"),
    ],
)
def test_the_client_address_trusts_only_as_many_forwarded_for_entries_as_there_are_proxies(
    settings, proxies, forwarded_for, remote, seen
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote)

    assert client_ip(request) == seen


# --- The staff sign-in ---------------------------------------------------------------------------


def test_the_staff_sign_in_locks_out_after_five_wrong_passwords(client, scheduler):
    answers = [
        client.post("/sign-in/", {"username": "sussex.scheduler", "password": f"guess-{n}"})
        for n in range(5)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    page = answers[-1].content.decode()
    assert "govuk-error-summary" in page
    assert LOCKED_OUT in page
    assert "<title>Error: Sign in" in page
    assert answers[-1]["Retry-After"] == "900"

    # the right password now is refused the same way, and signs nobody in
    right = client.post("/sign-in/", {"username": "sussex.scheduler", "password": PASSWORD})
    assert right.status_code == 429
    assert LOCKED_OUT in right.content.decode()
    assert SESSION_KEY not in client.session


def test_the_staff_sign_in_ignores_a_spoofed_forwarded_for(client, scheduler):
    for n in range(5):
        client.post("/sign-in/", {"username": f"someone-{n}", "password": "guess"}, **rotating(n))

    right = client.post(
        "/sign-in/", {"username": "sussex.scheduler", "password": PASSWORD}, **rotating(77)
    )

    assert right.status_code == 429
    assert SESSION_KEY not in client.session


# --- The admin's sign-in -------------------------------------------------------------------------


def test_the_admin_sign_in_locks_out_after_five_wrong_passwords(client, staff_admin):
    answers = [
        client.post(
            "/admin/login/",
            {"username": "site.admin", "password": f"guess-{n}", "next": "/admin/"},
            **rotating(n),
        )
        for n in range(5)
    ]
    right = client.post(
        "/admin/login/", {"username": "site.admin", "password": PASSWORD, "next": "/admin/"}
    )

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert LOCKED_OUT in right.content.decode()
    assert right["Retry-After"] == "900"
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302  # still asked to sign in


def test_the_admin_signs_in_with_the_right_password(client, staff_admin):
    response = client.post(
        "/admin/login/", {"username": "site.admin", "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302, response.content.decode()
    assert client.get("/admin/").status_code == 200


# --- What is recorded ----------------------------------------------------------------------------


def test_every_sign_in_success_failure_and_lockout_is_recorded(client, scheduler, caplog):
    # a success on each path
    client.post("/sign-in/", {"username": "sussex.scheduler", "password": PASSWORD})
    api_sign_in("sussex.scheduler", PASSWORD)
    assert list(AccessLog.objects.values_list("username", "ip_address", "path_info")) == [
        ("sussex.scheduler", "127.0.0.1", "/sign-in/"),
        ("sussex.scheduler", "127.0.0.1", "/api/v1/auth/token/"),
    ]

    # failures, up to a lockout
    with caplog.at_level(logging.WARNING, logger="accounts.sign_in"):
        for n in range(5):
            api_sign_in("sussex.scheduler", f"guess-{n}")

    failures = AccessFailureLog.objects.order_by("attempt_time")
    assert failures.count() == 5
    assert {f.username for f in failures} == {"sussex.scheduler"}
    assert [f.locked_out for f in failures] == [False] * 4 + [True]
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("sussex.scheduler", 5)
    assert "guess" not in attempt.post_data  # no password kept
    assert any(
        "Sign-in locked out" in r.getMessage() and "sussex.scheduler" in r.getMessage()
        for r in caplog.records
    )


def test_a_successful_sign_in_does_not_wipe_the_count_of_guesses_from_that_address(
    scheduler,
):
    # given: four guesses at other accounts from one address
    for n in range(4):
        api_sign_in(f"someone-{n}", "guess")
    # when: the person at that address signs in to their own account
    assert api_sign_in("sussex.scheduler", PASSWORD).status_code == 200
    # then: the next guess still locks the address out
    assert api_sign_in("someone-9", "guess").status_code == 429


# --- Passwords -----------------------------------------------------------------------------------


def test_a_password_shorter_than_twelve_characters_is_refused(sussex):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command(
            "createuser", "new.person", "--password", "Tr1cky-pass", "--role", "admin"
        )  # eleven characters

    call_command("createuser", "new.person", "--password", "Tr1cky-passw", "--role", "admin")
    assert api_sign_in("new.person", "Tr1cky-passw").status_code == 200
