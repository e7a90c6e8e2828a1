"""Who may do what: one table for the API and the staff pages.

What a role may *see* is decided by selectors (querysets); what it may *do* is decided here.
`ABILITIES` names each thing a user may do and the roles that may do it (admins always may);
the API's views name an ability (`write_ability`, per action `action_abilities`) and the staff
pages ask `may(user, ability)`, so a role's rights are read in one place. Rules that depend on
the object as well (a suite manager changes only their own force's suites, a court user only
their court's hearings) are the object's own policy (`may_manage_suite` here,
`bookings.rules.hearing_change_refusal`).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role

#: ability -> the roles that have it (admins have every ability).
ABILITIES: dict[str, tuple[str, ...]] = {
    # Book, move and cancel witnesses; add and edit witnesses; deal with attention items.
    "schedule": (Role.SCHEDULER,),
    # Check a witness in and record how it ended: schedulers, and suite managers at their
    # force's suites (the only bookings the selectors show them).
    "attend": (Role.SCHEDULER, Role.SUITE_MANAGER),
    # List, move and vacate hearings (a court user only their court's, a scheduler only while
    # every witness on it is their force's: bookings.rules.hearing_change_refusal).
    "change_hearings": (Role.SCHEDULER, Role.COURT_USER),
    # Add and change suites, their hours and closures (their own force's only).
    "manage_suites": (Role.SUITE_MANAGER,),
    # Send a court's published list (POST /api/v1/court-lists/): a court user only their own
    # court's (court_lists.rules.sender_check).
    "send_court_lists": (Role.COURT_USER,),
    # Follow the courts' lists on the staff pages: the lists received and the changes they
    # bring (a court user only their own court's). Deciding a change is the rule's to say
    # (court_lists.rules.change_decision_refusal); setting a court's policy is `administer`.
    "follow_court_lists": (Role.SCHEDULER, Role.COURT_USER),
    # Set the court's side of a booking's live link (video link or room, and PIN): schedulers
    # of the booking's force and court users of its court (bookings.rules.video_link_refusal).
    "set_video_link": (Role.SCHEDULER, Role.COURT_USER),
    # Record, import and remove witnesses' dates to avoid: their own force's schedulers only
    # (the reasons and notes are that force's to see).
    "manage_unavailability": (Role.SCHEDULER,),
    # Make and revoke calendar feeds (bookings.feeds.may_subscribe says which subjects).
    "subscribe": (Role.SCHEDULER, Role.SUITE_MANAGER, Role.COURT_USER),
    # Things only an admin does: the audit log, every force's data.
    "administer": (),
}


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def has_role(user, *roles: str) -> bool:
    return is_admin(user) or (user.is_authenticated and user.role in roles)


def may(user, ability: str) -> bool:
    """Whether `user` has `ability` (a key of ABILITIES)."""
    return has_role(user, *ABILITIES[ability])


def may_manage_suite(user, suite) -> bool:
    """Admins, and the suite managers of the suite's force."""
    return is_admin(user) or (user.role == Role.SUITE_MANAGER and suite.force_id == user.force_id)


class ReadOrRoles(BasePermission):
    """Everyone signed in may read; writes need the view's `write_ability` (admins always
    may). A view can narrow this per action with `action_abilities`."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action_abilities = getattr(view, "action_abilities", {})
        action = getattr(view, "action", None)
        if action in action_abilities:
            return may(request.user, action_abilities[action])
        if request.method in SAFE_METHODS:
            return True
        return may(request.user, getattr(view, "write_ability", "administer"))
