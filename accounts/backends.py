from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


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
