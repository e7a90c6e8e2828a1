"""How a staff page turns a role away: the abilities are accounts.permissions' (the API's)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accounts.permissions import may


def require(user, ability: str) -> None:
    """Refuse (403) a user whose role does not have `ability`."""
    if not may(user, ability):
        raise PermissionDenied("Your role does not allow this.")
