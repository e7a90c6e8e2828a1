"""The audit page's filters, read from the query string: entries about one kind of record (and
one record), by one person, on one UK day. Every filter is optional."""

from __future__ import annotations

from datetime import date, time, timedelta

import django_filters
from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.clock import at_london

from .fields import DATE_HINT, GovukDateFilter
from .govuk import GovukForm


def object_type_choices() -> list[tuple[str, str]]:
    """The kinds of record the log holds entries about: every audited model."""
    kinds = sorted(
        (model._meta.verbose_name.capitalize(), model._meta.label_lower)
        for model in auditlog.get_models()
    )
    return [(value, label) for label, value in kinds]


class AuditFilterForm(GovukForm):
    """A record's number means nothing without what kind of record it is."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("object_id") and not cleaned.get("object_type"):
            self.add_error("object_type", "Select what the number is of")
        return cleaned


class IdFilter(django_filters.Filter):
    """A record's number, a whole number."""

    field_class = forms.IntegerField


class AuditFilter(django_filters.FilterSet):
    """The entries about one kind of record (and one of them, by its number), by one person,
    on one UK day."""

    object_type = django_filters.ChoiceFilter(
        method="filter_object_type",
        label="What",
        choices=object_type_choices,
        empty_label="Anything",
        error_messages={"invalid_choice": "Select what the entries are about from the list"},
    )
    object_id = IdFilter(
        label="Its number",
        min_value=1,
        help_text="The number in the record's address, for example 42 in /witnesses/42/",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the record's number, like 42",
            "min_value": "Enter a number above 0",
        },
    )
    who = django_filters.CharFilter(
        method="filter_who",
        label="Who",
        max_length=150,
        help_text="A username, or for example ‘command createuser’",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    on = GovukDateFilter(method="filter_day", label="Day", noun="date", help_text=DATE_HINT)

    class Meta:
        form = AuditFilterForm

    @property
    def filtered(self) -> bool:
        """Whether any filter is set (and the filters are right)."""
        return self.is_valid() and any(self.form.cleaned_data.values())

    def filter_object_type(self, entries, name, kind: str):
        return entries.filter(content_type=ContentType.objects.get_by_natural_key(*kind.split(".")))

    def filter_who(self, entries, name, who: str):
        """A username, or the label of what acted without one (`command createuser`)."""
        return entries.filter(Q(actor__username__iexact=who) | Q(actor_label__iexact=who))

    def filter_day(self, entries, name, day: date):
        return entries.filter(
            timestamp__gte=at_london(day, time.min),
            timestamp__lt=at_london(day + timedelta(days=1), time.min),
        )
