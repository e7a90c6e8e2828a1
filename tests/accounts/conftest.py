"""Helpers for the sign-in and audit tests: API sign-ins, the codes a person's authenticator app
would show them, and the audit log's entries about an object."""

import time
from base64 import b32decode

import pytest
from django.contrib.contenttypes.models import ContentType
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from accounts.two_factor import two_factor_enrol

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
PASSWORD = "correct-horse-battery"  # what UserFactory sets
#: A request from another desk: its address and browser, as the audit log should keep them.
FROM_THE_LIST_OFFICE = {
    "REMOTE_ADDR": "203.0.113.9",
    "HTTP_USER_AGENT": "Mozilla/5.0 (List office)",
}


def entries_about(model, pk, *actions) -> list[AuditEntry]:
    """The audit log's entries about one object (of `actions` only, if given), oldest first."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=pk
    )
    if actions:
        entries = entries.filter(action__in=actions)
    return list(entries.order_by("timestamp", "id"))


def api_sign_in(username: str, password: str = PASSWORD, *, otp: str | None = None, **meta):
    """POST /api/v1/auth/token/, from 127.0.0.1 unless `REMOTE_ADDR` (or `HTTP_...` headers)
    say otherwise."""
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return APIClient().post(TOKEN, body, format="json", **meta)


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def app_code(secret_base32: str, *, digits: int = 6, step: int = 30) -> str:
    """The code an authenticator app set up with this secret shows now."""
    totp = TOTP(b32decode(secret_base32), step=step, digits=digits)
    totp.time = time.time()
    return f"{totp.token():0{digits}d}"


def device_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def enrolled(scheduler):
    """The Sussex scheduler, set up with an authenticator app and ten recovery codes."""
    return two_factor_enrol(user=scheduler)
