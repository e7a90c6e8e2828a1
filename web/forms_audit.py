"""The audit page's filters, read from the query string. Every filter is optional."""

from __future__ import annotations

from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType

from .forms import GovukFormMixin
from .forms_admin_pages import DateInputsMixin, date_part


def object_type_choices() -> list[tuple[str, str]]:
    """The kinds of record the log holds entries about: every audited model."""
    kinds = sorted(
        (model._meta.verbose_name.capitalize(), model._meta.label_lower)
        for model in auditlog.get_models()
    )
    return [("", "Anything"), *((value, label) for label, value in kinds)]


class AuditFilterForm(DateInputsMixin, GovukFormMixin, forms.Form):
    date_inputs = {"on": "date"}

    object_type = forms.ChoiceField(label="What", required=False)
    object_id = forms.IntegerField(
        label="Its number",
        required=False,
        min_value=1,
        help_text="The number in the record's address, for example 42 in /witnesses/42/",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    who = forms.CharField(
        label="Who",
        required=False,
        max_length=150,
        help_text="A username, or for example ‘command createuser’",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    on_day = date_part("Day", 2)
    on_month = date_part("Month", 2)
    on_year = date_part("Year", 4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()
        self.fields["object_type"].error_messages["invalid_choice"] = (
            "Select what the entries are about from the list"
        )
        self.fields["object_id"].error_messages.update(
            invalid="Enter the record's number, like 42", min_value="Enter a number above 0"
        )

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned, required=False)
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error("object_type", "Select what the number is of")
        return cleaned

    def filters(self) -> dict:
        """`accounts.audit.entry_list`'s arguments."""
        data = self.cleaned_data
        kind = data.get("object_type")
        return {
            "content_type": ContentType.objects.get_by_natural_key(*kind.split("."))
            if kind
            else None,
            "object_id": data.get("object_id"),
            "who": (data.get("who") or "").strip(),
            "day": data.get("on"),
        }
