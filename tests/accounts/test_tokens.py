"""API tokens are safe at rest and end when they should (issue 13, finding 4): stored only as a
hash, expiring API_TOKEN_TTL_HOURS after sign-in whatever the use, revoked by their holder, and
all of a user's ended by a password change or by switching the account off."""

import hashlib
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from tests.accounts.conftest import ME, PASSWORD, TOKEN, api_sign_in, client_with

pytestmark = pytest.mark.django_db


def token_for(username: str = "sussex.scheduler") -> str:
    response = api_sign_in(username)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def works(token: str) -> bool:
    response = client_with(token).get(ME)
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def test_a_token_is_stored_only_as_a_hash(scheduler, admin_browser):
    token = token_for()

    # a copy of the whole database holds nothing that works as the token
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert token not in dump.getvalue()
    assert hashlib.sha512(token.encode()).hexdigest() in dump.getvalue()
    # nor does the admin's list of tokens show it
    listing = admin_browser.get("/admin/knox/authtoken/")
    assert listing.status_code == 200
    assert "sussex.scheduler" in listing.content.decode()
    assert token not in listing.content.decode()
    assert works(token)


def test_a_token_expires_after_the_set_hours_however_much_it_is_used(scheduler, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        response = api_sign_in("sussex.scheduler")
        token = response.json()["token"]
        expiry = datetime.fromisoformat(response.json()["expiry"])
        assert expiry == start + timedelta(hours=settings.API_TOKEN_TTL_HOURS)

        # used every hour of the working day, it still ends when it said it would
        for _ in range(settings.API_TOKEN_TTL_HOURS - 1):
            clock.shift(timedelta(hours=1))
            assert works(token)
        clock.shift(timedelta(minutes=59))
        assert works(token)
        clock.shift(timedelta(minutes=2))
        refused = client_with(token).get(ME)

    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_a_revoked_token_is_refused(scheduler):
    token, other = token_for(), token_for()

    response = client_with(token).delete(TOKEN)

    assert response.status_code == 204
    assert response.content == b""
    assert not works(token)
    assert client_with(token).delete(TOKEN).status_code == 401
    assert works(other)  # the same user's other sign-ins are not touched


def test_revoking_needs_the_token_itself(scheduler, client):
    assert client_with("not-a-token").delete(TOKEN).status_code == 401
    # a signed-in browser session is not a token to revoke
    client.force_login(scheduler)
    assert client.delete(TOKEN).status_code == 401
    assert client.delete(TOKEN).json()["code"] == "not_authenticated"


def test_a_password_change_ends_every_token(scheduler, kent):
    tokens = [token_for(), token_for()]
    someone_else = User.objects.create_user("kent.person", password=PASSWORD, force=kent)
    theirs = token_for("kent.person")

    scheduler.set_password("a-brand-new-passphrase")
    scheduler.save()

    assert not any(works(token) for token in tokens)
    assert works(theirs)
    assert AuthToken.objects.filter(user=someone_else).count() == 1


def test_a_password_reset_with_createuser_ends_every_token(scheduler):
    token = token_for()

    call_command(
        "createuser",
        "sussex.scheduler",
        "--password",
        "another-long-phrase-7",
        "--role",
        "scheduler",
        "--force",
        "sussex",
        "--update",
    )

    assert not works(token)


def test_a_password_changed_in_the_admin_ends_every_token(admin_browser, scheduler):
    token = token_for()

    response = admin_browser.post(
        f"/admin/accounts/user/{scheduler.pk}/password/",
        {"password1": "set-by-the-admin-99", "password2": "set-by-the-admin-99"},
    )

    assert response.status_code == 302, response.content.decode()
    assert not works(token)


def test_switching_an_account_off_ends_every_token(scheduler):
    token = token_for()

    scheduler.is_active = False
    scheduler.save(update_fields=["is_active"])
    scheduler.is_active = True  # even if switched back on, the old token stays dead
    scheduler.save()

    assert not works(token)
    assert not AuthToken.objects.filter(user=scheduler).exists()


def test_other_changes_to_a_user_keep_their_tokens(scheduler):
    token = token_for()

    scheduler.email = "new.address@sussex.police.example"
    scheduler.save()
    token_for()  # signing in again (last_login is saved) keeps the first token too

    assert works(token)


def test_a_routine_rehash_of_the_password_at_sign_in_keeps_tokens(scheduler):
    # given: a password hashed with an older, cheaper setting, which Django upgrades at sign-in
    old_hash = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt1234567", iterations=1000)
    User.objects.filter(pk=scheduler.pk).update(password=old_hash)
    token = token_for()

    token_for()  # this sign-in re-hashes the same password

    assert User.objects.get(pk=scheduler.pk).password != old_hash
    assert works(token)


def test_a_token_sign_in_starts_no_session(scheduler):
    response = api_sign_in("sussex.scheduler")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_an_expired_token_is_refused_and_the_hourly_purge_removes_expired_tokens(client, db):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone
    from knox.models import AuthToken

    from accounts.tasks import purge_expired_api_tokens
    from tests.factories import UserFactory

    user = UserFactory(username="amelia.api")
    _, old = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    _, fresh = AuthToken.objects.create(user=user, expiry=timedelta(hours=20))
    AuthToken.objects.create(user=user, expiry=timedelta(hours=1))  # never used again

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        refused = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old}")
        accepted = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {fresh}")
        purged = purge_expired_api_tokens()

    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert purged == 1  # the unused expired one; the refused one went when it was refused
    assert AuthToken.objects.filter(user=user).count() == 1
