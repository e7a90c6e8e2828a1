"""Who may send a court's list, who may decide what it proposes, and what a list's metadata must
be: the court lists' rules, stated once for the API, the staff pages, the command and the
inbox."""

from __future__ import annotations

import re

from accounts.models import Role, User
from accounts.permissions import is_admin, may
from bookings import rules as booking_rules
from bookings.models import Court, Hearing, ListChangesPolicy
from core.errors import DomainError

from .models import ChangeKind, ListChange, ListLanguage, Sensitivity

#: A source system's name (`x-provenance`), as CaTH spells them: COMMON_PLATFORM, SNL.
PROVENANCE = re.compile(r"[A-Z][A-Z0-9_]{0,39}\Z")


def metadata_faults(*, language: str, provenance: str, sensitivity: str) -> dict[str, list[str]]:
    """What is wrong with a list's language, provenance and sensitivity, by the header that
    carries each (`x-language`, ...); empty when nothing is."""
    faults = {}
    if language not in ListLanguage.values:
        faults["x-language"] = [f"One of {', '.join(ListLanguage.values)}."]
    if not PROVENANCE.match(provenance or ""):
        faults["x-provenance"] = ["A source system's name in capitals, e.g. COMMON_PLATFORM."]
    if sensitivity not in Sensitivity.values:
        faults["x-sensitivity"] = [f"One of {', '.join(Sensitivity.values)}."]
    return faults


def change_decision_refusal(
    *, user: User | None, change: ListChange, court: Court, hearing: Hearing | None
) -> DomainError | None:
    """Why `user` may not apply or dismiss `change` (a change of `court`'s list, moving or
    vacating `hearing`), or None when they may.

    A change that moves or vacates a hearing is decided by whoever may change that hearing
    (`bookings.rules.hearing_change_refusal`): an admin, a court user of its court, a
    scheduler only while every active booking on it is their force's (else 409
    `hearing_shared`). One that adds a hearing (or whose hearing is gone) is decided by whoever
    may list a hearing at the court, as `POST /api/v1/hearings/` allows: an admin, a
    scheduler, a court user of that court. Suite managers decide none; the system (`user`
    None) decides any."""
    if change.kind != ChangeKind.ADDED and hearing is not None:
        return booking_rules.hearing_change_refusal(user=user, hearing=hearing)
    if user is None or is_admin(user):
        return None
    if not may(user, "change_hearings") or (
        user.role == Role.COURT_USER and user.court_id != court.pk
    ):
        return DomainError(
            "permission_denied",
            "Only an admin, a scheduler or the court's own users may list its hearings.",
            status_code=403,
        )
    return None


def applies_at_once(*, court: Court, listed: int, kinds: list[str]) -> bool:
    """Whether a list's changes are applied at once rather than proposed to staff.

    The court's policy decides (`list_changes`), with one exception: a list that lists no
    hearing at all (`listed` is 0) yet would vacate more than one hearing the service has for
    that day is held for staff whatever the policy. A day's one trial cracking can leave an
    empty list; an empty list standing down a whole day of trials is more likely a fault at
    the source, and a person should say so before anyone is texted."""
    if court.list_changes != ListChangesPolicy.APPLY:
        return False
    return listed > 0 or kinds.count(ChangeKind.MISSING) < 2


def sender_check(*, user: User, court: Court) -> None:
    """An admin sends any court's list; a court user only their own court's (403)."""
    if is_admin(user) or (user.role == Role.COURT_USER and user.court_id == court.pk):
        return
    raise DomainError(
        "permission_denied",
        "A court user sends only their own court's lists.",
        status_code=403,
    )
