"""Signing in over the API: a token for a username and password, sent as `Authorization: Token`
(API.md, "Conventions"), and `/me/` to learn what the token may see."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PASSWORD = "correct-horse-battery"  # what UserFactory sets


def sign_in(username: str, password: str):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def test_a_token_from_good_credentials_opens_the_api(scheduler, sussex):
    # when
    response = sign_in("sussex.scheduler", PASSWORD)

    # then: the token works as `Authorization: Token ...`
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(ME)
    assert me.status_code == 200, me.content
    assert me.json()["username"] == "sussex.scheduler"
    assert me.json()["role"] == "scheduler"
    assert me.json()["force"] == sussex.pk
    assert client.get("/api/v1/bookings/").status_code == 200


def test_signing_in_twice_gives_two_tokens_that_both_work(scheduler):
    first = sign_in("sussex.scheduler", PASSWORD).json()["token"]
    second = sign_in("sussex.scheduler", PASSWORD).json()["token"]

    # Each client (or each run of one) holds its own, and can revoke it alone.
    assert first != second
    for token in (first, second):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get(ME).status_code == 200
    assert AuthToken.objects.filter(user=scheduler).count() == 2


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("sussex.scheduler", "wrong-password", id="bad-password"),
        pytest.param("nobody", PASSWORD, id="unknown-user"),
        pytest.param("SUSSEX.SCHEDULER", "wrong-password", id="bad-password-other-case"),
    ],
)
def test_bad_credentials_are_a_400_invalid_credentials_and_give_no_token(
    scheduler, username, password
):
    response = sign_in(username, password)

    body = assert_error(response, 400, "invalid_credentials")
    assert "token" not in body
    assert not AuthToken.objects.exists()


def test_a_wrong_password_and_an_unknown_user_read_the_same(scheduler):
    # No telling which usernames exist.
    wrong_password = sign_in("sussex.scheduler", "wrong").json()
    unknown_user = sign_in("nobody", "wrong").json()

    assert wrong_password == unknown_user


def test_a_deactivated_user_gets_no_token(scheduler):
    scheduler.is_active = False
    scheduler.save()

    assert_error(sign_in("sussex.scheduler", PASSWORD), 400, "invalid_credentials")
    assert not AuthToken.objects.exists()


def test_a_deactivated_users_old_token_stops_working(scheduler):
    token = sign_in("sussex.scheduler", PASSWORD).json()["token"]
    scheduler.is_active = False
    scheduler.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(ME)

    assert response.status_code == 401, response.content


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username", "password"}),
        ({"username": "sussex.scheduler"}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
        ({"username": "", "password": ""}, {"username", "password"}),
    ],
)
def test_a_sign_in_without_username_or_password_is_a_400_naming_them(scheduler, body, fields):
    response = APIClient().post(TOKEN, body, format="json")

    assert_error(response, 400, "invalid", fields=fields)


def test_a_sign_in_sent_as_a_form_is_a_415(scheduler):
    response = APIClient().post(
        TOKEN,
        data=f"username=sussex.scheduler&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    assert_error(response, 415, "unsupported_media_type")


def test_getting_the_token_url_is_a_405(db):
    assert_error(APIClient().get(TOKEN), 405, "method_not_allowed")


def test_too_many_sign_in_attempts_are_a_429_in_the_error_shape(scheduler):
    # given: the sign-in limit (10 a minute) is used up with wrong guesses
    for _ in range(10):
        sign_in("sussex.scheduler", "guess")

    # when: even the right password is tried now
    response = sign_in("sussex.scheduler", PASSWORD)

    # then
    assert_error(response, 429, "throttled")
    assert "Retry-After" in response


@pytest.mark.parametrize(
    ("role", "extra"),
    [
        (Role.SCHEDULER, "force"),
        (Role.SUITE_MANAGER, "force"),
        (Role.COURT_USER, "court"),
    ],
)
def test_me_shows_the_role_and_what_scopes_it(api_as, sussex, court, role, extra):
    user = UserFactory(
        username=f"someone.{role}",
        role=role,
        force=sussex if extra == "force" else None,
        court=court if extra == "court" else None,
    )

    response = api_as(user).get(ME)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["role"] == role
    assert body["username"] == f"someone.{role}"
    assert body[extra] == (sussex.pk if extra == "force" else court.pk)
    assert "password" not in body


def test_me_for_an_admin(api_as, admin_user):
    body = api_as(admin_user).get(ME).json()

    assert body["role"] == "admin"
    assert body["force"] is None


def test_me_without_credentials_is_a_401(db):
    assert_error(APIClient().get(ME), 401, "not_authenticated")


def test_a_token_for_a_user_that_was_deleted_is_a_401(scheduler):
    token = sign_in("sussex.scheduler", PASSWORD).json()["token"]
    scheduler.delete()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get(ME)

    assert_error(response, 401, "authentication_failed")
