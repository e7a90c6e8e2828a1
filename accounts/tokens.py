"""API tokens (django-rest-knox): stored only as hashes, each with an expiry (API_TOKEN_TTL_HOURS,
not sliding), revocable by whoever holds one, and all of a user's ended when their password
changes or they are switched off (accounts.receivers)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import AuthToken

from .models import User


class ApiTokenAuthentication(TokenAuthentication):
    """knox's, without its sweep of every other token of the caller on every request: knox
    makes a token per sign-in, so a client that signs in often would make each of its requests
    read all of them (a query, and an extra read per live token, on the hot path; the booking
    benchmark's HTTP floor doubled). The presented token's own expiry is still checked here;
    other expired tokens go in the hourly purge (`api_tokens_purge_expired`)."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ApiTokenScheme(KnoxTokenScheme):
    """The schema says the same of our subclass as of knox's own (`Authorization: Token ...`)."""

    target_class = ApiTokenAuthentication


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token for a signed-in user: (the stored record, the token itself). The token is
    shown to the caller once; only its hash is kept."""
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token: AuthToken) -> None:
    token.delete()


def api_tokens_purge_expired() -> int:
    """Expired tokens no longer work (ApiTokenAuthentication); this deletes their rows."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def api_tokens_revoke_all(*, user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
