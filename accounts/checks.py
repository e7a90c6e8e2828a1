"""System checks for the sign-in settings: a misspelt role in OTP_REQUIRED_ROLES would quietly
let that role sign in with a password alone."""

from django.conf import settings
from django.core import checks

from .models import Role


@checks.register(checks.Tags.security)
def otp_required_roles_are_roles(app_configs, **kwargs):
    unknown = sorted(set(settings.OTP_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use any of: {', '.join(Role.values)}.",
            id="accounts.E001",
        )
    ]
