"""The court's list settings, as an admin sets them: the number CaTH gives its lists, and
whether the changes a list brings wait for staff or apply at once.

The rules are the court's own (bookings.models.Court: digits with no leading zero, one court
per number), read from the model; the service (`court_update`) stays the last word."""

from __future__ import annotations

from django import forms

from bookings.models import Court

from .govuk import GovukFormMixin


class CourtListSettingsForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Court
        fields = ["cath_location_id", "list_changes"]
        labels = {
            "cath_location_id": "CaTH location id",
            "list_changes": "What happens to the changes a new list brings?",
        }
        help_texts = {
            "cath_location_id": "The number HMCTS's Courts and Tribunals Hearings service "
            "gives this court's lists, for example 1823. Leave it empty while the court's "
            "lists do not come to this service.",
        }
        widgets = {
            "cath_location_id": forms.TextInput(
                attrs={
                    "class": "govuk-input--width-10",
                    "inputmode": "numeric",
                    "spellcheck": "false",
                    "autocomplete": "off",
                }
            ),
            "list_changes": forms.RadioSelect,
        }
        error_messages = {
            "cath_location_id": {
                "unique": "Another court has this CaTH location id",
                "max_length": "The CaTH location id must be 10 digits or fewer",
            },
            "list_changes": {
                "required": "Select what happens to the changes a new list brings",
                "invalid_choice": "Select what happens to the changes a new list brings",
            },
        }

    #: The service's refusal, by the field it names (a court that took the id meanwhile).
    refusal_fields = {"cath_location_id": "cath_location_id"}
