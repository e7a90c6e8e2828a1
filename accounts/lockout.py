"""Sign-in lockout (django-axes): what a locked-out person is told, on every sign-in path.

Axes counts failures by username and by client address (settings, "Sign-in"). A sign-in form
or the token endpoint asks `is_locked_out` after authenticating and says so in its own terms:
the staff and admin pages show it in their error summary, the API answers 429 `locked_out`.
AxesMiddleware then hands the page to `lockout_response`, which gives it the 429 status and a
Retry-After header.
"""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse


def cool_off_seconds() -> int:
    return int(get_cool_off().total_seconds())


def locked_out_message() -> str:
    minutes = max(1, cool_off_seconds() // 60)
    return (
        "Too many failed sign-in attempts for this account or from this address. Wait "
        f"{minutes} minutes, then try again, or ask an administrator to unlock the account."
    )


def is_locked_out(request) -> bool:
    """Whether axes refused (or has just locked out) this request's sign-in."""
    return bool(getattr(request, "axes_locked_out", False))


def sign_in_failed(request, *, username: str) -> None:
    """Count a wrong two-factor code like a wrong password: the password alone was right, and
    guessing the code must be locked out as surely as guessing the password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE. The view has already rendered the lockout in its own form (a
    page with the error summary, or the API's error shape): keep it, as a 429 saying when to
    try again. Anything else (a sign-in path that did not say so) gets a plain 429."""
    response = original_response
    if response is None or response.status_code not in (200, 429):
        response = HttpResponse(locked_out_message(), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    already = response.get("Retry-After", "")  # the per-minute limit may have set one
    wait = max(cool_off_seconds(), int(already) if already.isdigit() else 0)
    response["Retry-After"] = str(wait)
    return response
