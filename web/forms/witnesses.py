"""The witnesses list's search, read from the query string, and the language a witness is
written to in, chosen when they are added (web/forms/book.py) and changed on their page."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.html import format_html, strip_tags

from core.languages import Language

from .govuk import GovukForm, GovukFormMixin


class WitnessFilter(django_filters.FilterSet):
    """Witnesses with the words searched for anywhere in their name, in any case."""

    q = django_filters.CharFilter(method="filter_name", label="Name", max_length=120)

    class Meta:
        form = GovukForm

    @property
    def query(self) -> str:
        """What was searched for, if anything (and it could be searched for)."""
        return self.form.cleaned_data.get("q", "") if self.is_valid() else ""

    def filter_name(self, witnesses, name, query: str):
        return witnesses.filter(full_name__icontains=query)


# --- The language a witness is written to in ---------------------------------------------------

#: The choices as a scheduler reads them, in this order; Welsh's own name is marked as Welsh
#: (`lang="cy"`) for screen readers, as GOV.UK asks of a language named in itself.
LANGUAGE_CHOICES = [
    (Language.ENGLISH.value, "English"),
    (Language.WELSH.value, format_html('<span lang="cy">{}</span> (Welsh)', "Cymraeg")),
    (Language.BOTH.value, "Both, Welsh first"),
]
#: Said under the choice of both.
BOTH_HINT = "Each text, the booking page and each invite in Welsh, then in English"
LANGUAGE_LABEL = "Language for texts, the witness page and invites"
CHOOSE_LANGUAGE = "Choose English, Cymraeg (Welsh) or both"


def language_words(value: str) -> str:
    """A witness's language as the staff pages show it ("Cymraeg (Welsh)", marked up)."""
    return dict(LANGUAGE_CHOICES).get(value, "")


def language_field(*, required: bool) -> forms.ChoiceField:
    """The GOV.UK radios for a witness's language: optional when adding a witness (one who has
    not said takes their force's default), required when changing it."""
    return forms.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=required,
        widget=forms.RadioSelect,
        label=LANGUAGE_LABEL,
        error_messages={"required": CHOOSE_LANGUAGE, "invalid_choice": CHOOSE_LANGUAGE},
    )


def language_hint(force, *, changing: bool = False) -> str:
    """The radios' hint: what the language is for, and what a witness who has not said gets
    (`force`: the witness's force, None while an admin is still to choose it)."""
    hint = "Their texts, their booking page and their calendar invites are written in it."
    if force is None:
        return f"{hint} If they have not said, choose none: they get their force's default."
    default = strip_tags(language_words(force.default_witness_language))
    if changing:
        return f"{hint} {force.name}'s default, for witnesses who have not said: {default}."
    return f"{hint} If they have not said, leave {force.name}'s default: {default}."


def language_radios(force, *, changing: bool = False) -> dict:
    """What web/templates/web/witness_language_radios.html says beside the choices."""
    return {
        "hint": language_hint(force, changing=changing),
        "both": Language.BOTH.value,
        "both_hint": BOTH_HINT,
    }


class WitnessLanguageForm(GovukFormMixin, forms.Form):
    """A witness's language, changed on their page."""

    language = language_field(required=True)
