"""Django forms rendered in the GOV.UK Design System's markup."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.forms import SecureSignInMixin

WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
}


class GovukFormMixin:
    """Adds GOV.UK classes, hints and error states to every field's widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "govuk-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                base = css.split()[0] if css else "govuk-input"
                widget.attrs["class"] = f"{css} {base}--error"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = (
                    f"{described} id_{self.add_prefix(name)}-error".strip()
                )


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
