"""API tokens (django-rest-knox): stored only as hashes, each with an expiry (API_TOKEN_TTL_HOURS,
not sliding), revocable by whoever holds one, and all of a user's ended when their password
changes or they are switched off (accounts.receivers)."""

from __future__ import annotations

from knox.models import AuthToken

from .models import User


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token for a signed-in user: (the stored record, the token itself). The token is
    shown to the caller once; only its hash is kept."""
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, token: AuthToken) -> None:
    token.delete()


def api_tokens_revoke_all(*, user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
