"""Two-factor sign-in: a TOTP authenticator app, with one-use recovery codes (django-otp).

Who must use it is a setting (OTP_REQUIRED_ROLES); anyone enrolled uses it, whatever their
role. The staff sign-in, the admin sign-in and `POST /api/v1/auth/token/` all call
`two_factor_check` after the password, so a password alone never opens a session or a token
for someone enrolled.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import status

from core.errors import DomainError

from . import audit
from .models import Role, User

RECOVERY_CODE_COUNT = 10

CODE_HELP = "the 6-digit code from your authenticator app, or one of your recovery codes"


@dataclass(frozen=True)
class Enrolment:
    """What the person needs to set up their app, shown once: it is not kept readable."""

    secret: str  # base32, as authenticator apps take it typed in
    uri: str  # otpauth://, as they take it from a QR code or a link
    recovery_codes: list[str]


def two_factor_required(user: User) -> bool:
    """Whether the user's role must sign in with a second factor (an admin's superusers too)."""
    roles = set(settings.OTP_REQUIRED_ROLES)
    return user.role in roles or (Role.ADMIN in roles and user.is_superuser)


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def _normalised(code: str | None) -> str:
    """As people type codes: with spaces or dashes, recovery codes in capitals."""
    return "".join((code or "").split()).replace("-", "").lower()


def two_factor_check(*, user: User, code: str | None) -> Device | None:
    """The second factor, after a right password. Returns the device that accepted the code,
    or None for someone who is not enrolled and whose role does not need it.

    Refuses (DomainError): a role that needs two-factor sign-in without an enrolment (403
    `otp_enrolment_required`, saying how to enrol), no code (400 `otp_required`), a wrong or
    already used code (400 `otp_invalid`). A recovery code is used up by signing in with it; an
    app's code cannot be used twice either.
    """
    if not has_two_factor(user):
        if two_factor_required(user):
            raise DomainError(
                "otp_enrolment_required",
                "Your role must sign in with two-factor authentication, and this account is "
                "not set up for it yet. Ask an administrator to enrol you: `manage.py "
                f"createuser {user.get_username()} --update --otp ...` gives you an "
                "authenticator app secret and recovery codes.",
                status_code=status.HTTP_403_FORBIDDEN,
            )
        return None
    code = _normalised(code)
    if not code:
        raise DomainError(
            "otp_required",
            f"This account uses two-factor sign-in: also give {CODE_HELP}.",
            fields={"otp": [f"Enter {CODE_HELP}."]},
        )
    # An app's code is digits; a recovery code is letters and digits. Each is tried only
    # against its own kind of device, so a mistyped app code never counts against (and, by
    # django-otp's throttling, delays) the recovery codes, or the other way round.
    model = TOTPDevice if code.isdigit() else StaticDevice
    accepted, throttled = None, False
    # Verified and recorded in a transaction of its own (select_for_update: two sign-ins with
    # one code cannot both win); the refusal is raised after it commits, so django-otp's count
    # of wrong codes is kept.
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
            elif device.verify_token(code):
                accepted = device
                break
    if accepted is None:
        detail = (
            "Too many wrong codes in a row: wait a few seconds, then enter the newest code."
            if throttled
            else "That code is not right, or has already been used."
        )
        raise DomainError("otp_invalid", detail, fields={"otp": [detail]})
    return accepted


@transaction.atomic
def two_factor_enrol(*, user: User) -> Enrolment:
    """Give the user a new authenticator secret and ten new recovery codes, replacing any they
    had (a lost phone: enrol again). They take effect at once."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    app = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    # Who enrolled whom, when and from where; never the secret or the codes.
    audit.record(user, event="two-factor sign-in enrolled")
    return Enrolment(
        secret=b32encode(app.bin_key).decode(), uri=app.config_url, recovery_codes=codes
    )
