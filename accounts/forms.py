"""Sign-in forms' shared checks: lockout and the second factor. The staff sign-in
(web.forms.SignInForm) and the admin's sign-in (AdminSignInForm) both use them, as the API's
token endpoint uses the same lockout and `two_factor_check`."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from core.errors import DomainError

from .lockout import is_locked_out, locked_out_message, sign_in_failed
from .two_factor import CODE_HELP, two_factor_check


class SecureSignInMixin:
    """For an AuthenticationForm: says when axes has locked the sign-in out, and asks an
    enrolled user for their two-factor code (an optional `otp` field) after their password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp"] = forms.CharField(
            label="Two-factor code",
            help_text=f"Only if your account uses two-factor sign-in: {CODE_HELP}.",
            required=False,
            max_length=32,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "autocapitalize": "none",
                    "spellcheck": "false",
                    "class": "govuk-input--width-10",
                }
            ),
        )

    def _locked_out(self) -> ValidationError:
        return ValidationError(locked_out_message(), code="locked_out")

    def clean(self):
        try:
            cleaned = super().clean()
        except ValidationError:
            if is_locked_out(self.request):
                raise self._locked_out() from None
            raise
        user = self.get_user()
        if user is None:  # username or password missing: their fields say so
            return cleaned
        try:
            device = two_factor_check(user=user, code=cleaned.get("otp"))
        except DomainError as refusal:
            self.user_cache = None  # the password alone signs nobody in
            if refusal.code == "otp_invalid":
                sign_in_failed(self.request, username=cleaned["username"])
                if is_locked_out(self.request):
                    raise self._locked_out() from None
            if refusal.fields:
                raise ValidationError(
                    {"otp": [ValidationError(m, code=refusal.code) for m in refusal.fields["otp"]]}
                ) from None
            raise ValidationError(refusal.detail, code=refusal.code) from None
        if device is not None:
            # django-otp marks the session as verified by this device when login() runs.
            user.otp_device = device
        return cleaned


class AdminSignInForm(SecureSignInMixin, AdminAuthenticationForm):
    """The admin's sign-in, with the same lockout and two-factor code as the staff pages'."""
