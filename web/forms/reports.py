"""The reports page's form: the period (two GOV.UK date inputs) and how to break it down."""

from __future__ import annotations

from datetime import date

from django import forms

from .fields import GovukDateField
from .govuk import GovukFormMixin

GROUP_CHOICES = [
    ("month", "Month"),
    ("suite", "Suite"),
    ("court", "Court"),
    ("force", "Police force"),
]

#: The API's limit: a report covers at most three years.
MAX_REPORT_DAYS = 3 * 366
PERIOD = ("from", "to")


class ReportForm(GovukFormMixin, forms.Form):
    """The report's period, from one day to another (inclusive), and how to break it down."""

    # The period's dates are `from` and `to`, their boxes `from_day`... as the query string has
    # always named them; `from` is a Python keyword, so the fields are set by name.
    vars().update(
        {
            "from": GovukDateField(
                noun="start date", label="From", help_text="For example, 1 1 2027"
            ),
            "to": GovukDateField(
                noun="end date", label="To (inclusive)", help_text="For example, 31 3 2027"
            ),
        }
    )
    group_by = forms.ChoiceField(
        label="Break the figures down by",
        choices=GROUP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose month, suite, court or police force"},
    )

    # The radios are GOV.UK's own (`group_by`, `group_by-2`...).
    error_anchors = {"group_by": "group_by"}

    @classmethod
    def gives_period(cls, query) -> bool:
        """Whether the query string gives the period (any box of either date)."""
        return any(
            not cls.base_fields[name].widget.value_omitted_from_data(query, {}, name)
            for name in PERIOD
        )

    @classmethod
    def initial_for(cls, *, starts: date, ends: date, group_by: str = "month") -> dict:
        """The form's data for a period, as its query string gives it."""
        data = {}
        for name, day in zip(PERIOD, (starts, ends), strict=True):
            data.update({f"{name}_{part}": getattr(day, part) for part in ("day", "month", "year")})
        return {**data, "group_by": group_by}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("from"), cleaned.get("to")
        cleaned["starts"], cleaned["ends"] = starts, ends
        cleaned["group_by"] = cleaned.get("group_by") or "month"
        if starts and ends:
            if ends < starts:
                self.add_error("to", "The end date must be the same as or after the start date")
            elif (ends - starts).days > MAX_REPORT_DAYS:
                self.add_error("to", "A report can cover up to 3 years")
        return cleaned

    def group_options(self) -> list[dict]:
        chosen = (self.data.get("group_by") if self.is_bound else self.initial.get("group_by")) or (
            "month"
        )
        return [
            {
                "value": value,
                "label": label,
                "checked": value == chosen,
                "id": "group_by" if index == 1 else f"group_by-{index}",
            }
            for index, (value, label) in enumerate(GROUP_CHOICES, start=1)
        ]
