"""Role checks shared by the APIs. What a role may *see* is decided by selectors (querysets);
what it may *do* is decided here, per action."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Role


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


def has_role(user, *roles: str) -> bool:
    return is_admin(user) or (user.is_authenticated and user.role in roles)


class ReadOrRoles(BasePermission):
    """Everyone signed in may read; writes need one of the view's `write_roles` (admins
    always may). A view can narrow this per action with `action_roles`."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action_roles = getattr(view, "action_roles", {})
        action = getattr(view, "action", None)
        if action in action_roles:
            return has_role(request.user, *action_roles[action])
        if request.method in SAFE_METHODS:
            return True
        return has_role(request.user, *getattr(view, "write_roles", ()))
