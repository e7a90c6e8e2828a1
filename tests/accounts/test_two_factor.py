"""Two-factor sign-in (TOTP with recovery codes): for anyone enrolled, a password alone opens no
session and gets no token, on the API, the staff sign-in and the admin's sign-in; the roles in
OTP_REQUIRED_ROLES must enrol; `createuser --otp` enrols and prints the secret once."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from knox.models import AuthToken

from accounts.models import Role, User
from accounts.two_factor import two_factor_enrol
from tests.accounts.conftest import PASSWORD, api_sign_in, app_code, device_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in_page(client, username, password=PASSWORD, otp=None, path="/sign-in/"):
    data = {"username": username, "password": password}
    if otp is not None:
        data["otp"] = otp
    if path.startswith("/admin/"):
        data["next"] = "/admin/"
    return client.post(path, data)


# --- The API ---------------------------------------------------------------------------------


def test_an_officer_with_two_factor_cannot_get_a_token_with_the_password_alone(enrolled):
    response = api_sign_in("sussex.scheduler")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "otp_required"
    assert "authenticator app" in body["detail"]
    assert set(body["fields"]) == {"otp"}
    assert not AuthToken.objects.exists()


def test_an_officer_with_two_factor_gets_a_token_with_the_apps_code(enrolled, scheduler):
    response = api_sign_in("sussex.scheduler", otp=device_code(scheduler))

    assert response.status_code == 200, response.content
    assert response.json()["token"]


def test_a_wrong_code_gets_no_token(enrolled, scheduler):
    right = device_code(scheduler)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = api_sign_in("sussex.scheduler", otp=wrong)

    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    assert not AuthToken.objects.exists()


def test_an_apps_code_works_only_once(enrolled, scheduler):
    code = device_code(scheduler)
    assert api_sign_in("sussex.scheduler", otp=code).status_code == 200

    again = api_sign_in("sussex.scheduler", otp=code)

    assert again.status_code == 400
    assert again.json()["code"] == "otp_invalid"


def test_a_recovery_code_works_once(enrolled):
    code = enrolled.recovery_codes[0]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = api_sign_in("sussex.scheduler", otp=code.upper())  # as someone might type it
        again = api_sign_in("sussex.scheduler", otp=code)
        clock.shift(timedelta(seconds=2))  # django-otp's pause after a wrong code
        another = api_sign_in("sussex.scheduler", otp=enrolled.recovery_codes[1])

    assert first.status_code == 200, first.content
    assert again.json()["code"] == "otp_invalid"
    assert another.status_code == 200, another.content


def test_guessing_codes_is_locked_out_like_guessing_passwords(enrolled, scheduler):
    right = device_code(scheduler)
    guesses = [code for code in (f"{n:06d}" for n in range(6)) if code != right][:5]
    answers = [api_sign_in("sussex.scheduler", otp=guess) for guess in guesses]

    assert [a.json()["code"] for a in answers] == ["otp_invalid"] * 4 + ["locked_out"]
    right = api_sign_in("sussex.scheduler", otp=device_code(scheduler))
    assert right.status_code == 429
    assert not AuthToken.objects.exists()


def test_a_role_that_must_use_two_factor_is_refused_until_enrolled_and_told_how(settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    UserFactory(username="site.admin", role=Role.ADMIN, force=None, is_superuser=True)

    response = api_sign_in("site.admin")

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "otp_enrolment_required"
    assert "createuser site.admin --update --otp" in body["detail"]
    assert not AuthToken.objects.exists()


def test_roles_not_listed_sign_in_with_a_password(settings, scheduler):
    settings.OTP_REQUIRED_ROLES = ["admin"]

    assert api_sign_in("sussex.scheduler").status_code == 200


# --- The staff sign-in -------------------------------------------------------------------------


def test_the_staff_sign_in_asks_an_enrolled_user_for_their_code(client, enrolled, scheduler):
    without = sign_in_page(client, "sussex.scheduler")

    assert without.status_code == 200
    page = without.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'href="#id_otp"' in page
    assert SESSION_KEY not in client.session

    with_code = sign_in_page(client, "sussex.scheduler", otp=device_code(scheduler))

    assert with_code.status_code == 302
    assert with_code["Location"] == "/"
    assert client.session[SESSION_KEY] == str(scheduler.pk)
    assert DEVICE_ID_SESSION_KEY in client.session  # the session knows it was verified


def test_the_staff_sign_in_takes_a_recovery_code_once(client, enrolled):
    code = enrolled.recovery_codes[3]
    assert sign_in_page(client, "sussex.scheduler", otp=code).status_code == 302
    client.post("/sign-out/")

    again = sign_in_page(client, "sussex.scheduler", otp=code)

    assert again.status_code == 200
    assert "That code is not right, or has already been used." in again.content.decode()


def test_the_staff_sign_in_shows_the_code_field_to_everyone_as_optional(client, db):
    page = client.get("/sign-in/").content.decode()

    assert 'name="otp"' in page
    assert "Only if your account uses two-factor sign-in" in page
    assert 'autocomplete="one-time-code"' in page


def test_the_staff_sign_in_tells_an_unenrolled_admin_how_to_enrol(client, settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]
    UserFactory(username="site.admin", role=Role.ADMIN, force=None, is_superuser=True)

    response = sign_in_page(client, "site.admin")

    page = response.content.decode()
    assert response.status_code == 200
    assert "must sign in with two-factor authentication" in page
    assert "createuser site.admin --update --otp" in page
    assert SESSION_KEY not in client.session


# --- The admin's sign-in -----------------------------------------------------------------------


@pytest.fixture
def enrolled_admin(db):
    admin = UserFactory(
        username="site.admin", role=Role.ADMIN, force=None, is_staff=True, is_superuser=True
    )
    two_factor_enrol(user=admin)
    return admin


def test_the_admin_sign_in_needs_the_code_too(client, enrolled_admin):
    without = sign_in_page(client, "site.admin", path="/admin/login/")

    assert without.status_code == 200
    assert "Enter the 6-digit code" in without.content.decode()
    assert 'name="otp"' in without.content.decode()
    assert client.get("/admin/").status_code == 302

    with_code = sign_in_page(
        client, "site.admin", otp=device_code(enrolled_admin), path="/admin/login/"
    )

    assert with_code.status_code == 302, with_code.content.decode()
    assert client.get("/admin/").status_code == 200


def test_the_admin_never_shows_a_secret_or_a_recovery_code(admin_browser, enrolled):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    totp = TOTPDevice.objects.get(user__username="sussex.scheduler")
    static = StaticDevice.objects.get(user__username="sussex.scheduler")
    pages = [
        admin_browser.get(f"/admin/otp_totp/totpdevice/{totp.pk}/change/"),
        admin_browser.get(f"/admin/otp_static/staticdevice/{static.pk}/change/"),
    ]

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert totp.key not in text
        assert not any(code in text for code in enrolled.recovery_codes)


# --- Enrolling with createuser -----------------------------------------------------------------


OFFICER = ("new.officer", "--password", PASSWORD, "--role", "scheduler", "--force", "sussex")


def createuser(*args: str) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_createuser_otp_enrols_and_prints_the_secret_and_ten_recovery_codes_once(sussex):
    output = createuser(*OFFICER, "--otp")

    secret = re.search(r"^\s+([A-Z2-7]{32})$", output, re.MULTILINE).group(1)
    uri = re.search(r"^\s+(otpauth://totp/\S+)$", output, re.MULTILINE).group(1)
    codes = re.findall(r"^\s+([a-z2-7]{8})$", output, re.MULTILINE)
    assert f"secret={secret}" in uri
    assert "issuer=Evidence%20suites" in uri and "new.officer" in uri
    assert len(set(codes)) == 10
    assert "Shown this once only" in output

    # the printed secret, typed into an app, gives codes that sign in; so do the codes
    assert api_sign_in("new.officer", otp=app_code(secret)).status_code == 200
    assert api_sign_in("new.officer", otp=codes[0]).status_code == 200
    # and it is never printed again
    again = createuser(*OFFICER, "--update")
    assert secret not in again and not any(code in again for code in codes)


def test_enrolling_again_replaces_the_old_secret_and_codes(sussex):
    first = createuser(*OFFICER, "--otp")
    old_codes = re.findall(r"^\s+([a-z2-7]{8})$", first, re.MULTILINE)

    createuser(*OFFICER, "--update", "--otp")

    assert api_sign_in("new.officer", otp=old_codes[0]).json()["code"] == "otp_invalid"


def test_createuser_warns_when_the_role_needs_two_factor_and_none_was_set_up(settings):
    settings.OTP_REQUIRED_ROLES = ["admin"]

    output = createuser("boss", "--password", PASSWORD, "--role", "admin")

    assert "must use two-factor sign-in" in output
    assert "--update --otp" in output
    assert User.objects.filter(username="boss").exists()


# --- Who must use it ---------------------------------------------------------------------------


def test_development_needs_no_code_so_the_demo_sign_ins_work_as_printed():
    assert django_settings.OTP_REQUIRED_ROLES == []


def test_production_requires_it_of_admins_by_default():
    environment = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "example.org",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
    }
    environment.pop("OTP_REQUIRED_ROLES", None)

    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.OTP_REQUIRED_ROLES)"],
        env=environment,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "['admin']"


def test_a_misspelt_role_in_the_setting_stops_the_checks(settings):
    from accounts.checks import otp_required_roles_are_roles

    settings.OTP_REQUIRED_ROLES = ["admin", "schedular"]

    errors = otp_required_roles_are_roles(None)

    assert [e.id for e in errors] == ["accounts.E001"]
    assert "schedular" in errors[0].msg
