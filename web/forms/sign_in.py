"""The sign-in form."""

from django.contrib.auth.forms import AuthenticationForm

from accounts.forms import SecureSignInMixin

from .govuk import GovukFormMixin


class SignInForm(GovukFormMixin, SecureSignInMixin, AuthenticationForm):
    """Username and password; a two-factor code for those enrolled; refused while axes has
    the username or the address locked out (accounts.forms)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account is switched off. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", spellcheck="false")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
