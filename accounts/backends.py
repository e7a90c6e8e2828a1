from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout, first in AUTHENTICATION_BACKENDS: a locked-out username or client
    address is refused before any password is checked.

    Every sign-in over HTTP (staff pages, admin, API token) passes its request. A call without
    one (`authenticate()` in a shell, a management command or a test) has no client to lock
    out, so it is let through to the password check instead of failing as axes' own does."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class StaffBackend(ModelBackend):
    """Django's own, loading the force and court with the user: every page shows them and
    every query is scoped by them."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("force", "court")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
