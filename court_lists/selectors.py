"""Who sees which lists and changes: as with hearings, a court user their own court's, everyone
else signed in every court's (a list as kept holds nothing about the parties)."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.permissions import is_admin

from .models import CourtList, ListChange


def _own_court_only(user: User) -> bool:
    return user.role == Role.COURT_USER and not is_admin(user)


def court_list_list(*, user: User) -> QuerySet[CourtList]:
    """The lists read, newest first, each with its changes."""
    lists = CourtList.objects.select_related("court").prefetch_related("changes")
    if _own_court_only(user):
        lists = lists.filter(court_id=user.court_id)
    return lists.order_by("-received_at", "-id")


def list_change_list(*, user: User) -> QuerySet[ListChange]:
    """Every change the lists brought, the newest list's first."""
    changes = ListChange.objects.select_related("court_list")
    if _own_court_only(user):
        changes = changes.filter(court_list__court_id=user.court_id)
    return changes.order_by("-court_list_id", "id")
