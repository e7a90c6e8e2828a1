"""The hearings pages' filters and forms: the list's filters (court, day and status), and what a
court says when it vacates or relists a hearing.

They only parse what staff type (dates as day, month and year; times like 10:00) and say in
plain English what is wrong; the services decide the rules and stay the last word."""

from __future__ import annotations

from datetime import date, time, timedelta

import django_filters
from django import forms

from bookings.models import HearingStatus
from core.clock import at_london
from core.validators import no_control_characters_but_line_breaks

from .fields import DATE_HINT, TIME_HINT, ClockTimeField, GovukDateField, GovukDateFilter
from .govuk import GovukForm, GovukFormMixin


def midnight(day: date):
    """The start of a day in the UK."""
    return at_london(day, time.min)


class HearingFilter(django_filters.FilterSet):
    """The hearings list's filters, read from the query string. Every filter is optional; while
    one has a mistake (the page says what) none applies. Without a day, the list starts today.

    `courts` are the courts the user may choose from; `today` is the UK day it is."""

    court = django_filters.ModelChoiceFilter(
        label="Court",
        empty_label="All courts",
        error_messages={"invalid_choice": "Select a court from the list"},
    )
    on = GovukDateFilter(method="filter_day", label="Date", noun="date", help_text=DATE_HINT)
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=HearingStatus.choices,
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list"},
    )

    class Meta:
        form = GovukForm

    def __init__(self, data, queryset, *, courts, today: date):
        super().__init__(data, queryset)
        self.filters["court"].queryset = courts
        self.today = today

    @property
    def day(self) -> date | None:
        """The day asked for, if any (and the filters are right)."""
        return self.form.cleaned_data.get("on") if self.is_valid() else None

    def filter_day(self, hearings, name, day: date):
        return hearings.filter(
            starts_at__gte=midnight(day), starts_at__lt=midnight(day + timedelta(days=1))
        )

    def filter_queryset(self, queryset):
        if self.form.is_valid():
            queryset = super().filter_queryset(queryset)
        if self.day is None:
            queryset = queryset.filter(starts_at__gte=midnight(self.today))
        return queryset


class VacateForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the hearing vacated?",
        max_length=200,
        validators=[no_control_characters_but_line_breaks],
        help_text="For example, ‘Guilty plea entered’ or ‘Case withdrawn by the CPS’. "
        "It is kept with each cancelled booking.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the hearing is vacated",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )


class RelistForm(GovukFormMixin, forms.Form):
    """The hearing's new day and times (UK time)."""

    on = GovukDateField(noun="new hearing date", label="New date", help_text=DATE_HINT)
    starts_at_time = ClockTimeField(
        label="Start time",
        help_text=TIME_HINT,
        error_messages={"required": "Enter the time the hearing starts"},
        invalid="Enter the time the hearing starts, like 10:00",
    )
    ends_at_time = ClockTimeField(
        label="End time",
        help_text="For example, 13:00 or 16:30",
        error_messages={"required": "Enter the time the hearing ends"},
        invalid="Enter the time the hearing ends, like 13:00",
    )

    def clean(self):
        cleaned = super().clean()
        on = cleaned.get("on")
        starts_time, ends_time = cleaned.get("starts_at_time"), cleaned.get("ends_at_time")
        if on and starts_time and ends_time:
            if ends_time <= starts_time:
                self.add_error("ends_at_time", "The end time must be after the start time")
            else:
                cleaned["starts_at"] = at_london(on, starts_time)
                cleaned["ends_at"] = at_london(on, ends_time)
        return cleaned
