"""Forms for the calendar feeds and reports pages.

They parse what staff choose and type and say in plain English what is wrong. Who may
subscribe to what is `bookings.feeds.feed_subjects` (the API's rule); the services stay the
last word."""

from __future__ import annotations

import secrets
from datetime import date

from django import forms

from bookings.feeds import feed_subjects
from bookings.models import FeedScope, WitnessType
from core.validators import no_control_characters

from .forms import GovukFormMixin

#: How each scope reads in the form and the error messages.
SCOPE_TEXT = {
    FeedScope.COURT: ("A court", "a court's", "court", "a court"),
    FeedScope.SUITE: ("A suite", "a suite's", "suite", "a suite"),
    FeedScope.WITNESS: ("A police officer", "an officer's", "officer", "an officer"),
}
SCOPE_HINTS = {
    FeedScope.COURT: "The video-link witnesses booked for the court's hearings.",
    FeedScope.SUITE: "Every booking at the suite, with set-up and turnaround times.",
    FeedScope.WITNESS: "One officer's own bookings, for their work calendar.",
}


class FeedTokenForm(GovukFormMixin, forms.Form):
    """What the feed is for (court, suite or officer), which one, and whose calendar it is.

    The choices are only those the user may subscribe to; a scope the user may not use at all
    is refused with a reason rather than as an unknown choice."""

    scope = forms.ChoiceField(
        label="What is the feed for?",
        choices=FeedScope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the feed is for"},
    )
    # Plain choice fields: the choices are the subjects loaded once in __init__, so checking
    # the one chosen costs no further query.
    court = forms.ChoiceField(label="Court", required=False)
    suite = forms.ChoiceField(label="Suite", required=False)
    witness = forms.ChoiceField(label="Police officer", required=False)
    label = forms.CharField(
        label="Whose calendar is it for?",
        help_text="So you can tell your feeds apart, for example, Court 1 clerk's Outlook",
        max_length=100,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter whose calendar the feed is for",
            "max_length": "Whose calendar it is for must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # Names this copy of the form, so that sending it again (reloading the page that showed
    # the new address) is recognised instead of making a second feed.
    form_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial["form_id"] = secrets.token_urlsafe(16)
        subjects = {
            FeedScope.COURT: feed_subjects(user=user, scope=FeedScope.COURT).order_by("name"),
            FeedScope.SUITE: feed_subjects(user=user, scope=FeedScope.SUITE).order_by(
                "force__name", "name"
            ),
            # Only officers whose details are still held have a feed of their own.
            FeedScope.WITNESS: feed_subjects(user=user, scope=FeedScope.WITNESS)
            .filter(witness_type=WitnessType.POLICE_OFFICER, anonymised_at__isnull=True)
            .order_by("full_name", "id"),
        }
        # One query per scope the user may use (none for the others).
        self.subjects = {scope: list(objects) for scope, objects in subjects.items()}
        self.allowed_scopes = [scope for scope in FeedScope.values if self.subjects[scope]]
        for scope in FeedScope.values:
            field = self.fields[scope]
            field.choices = [
                (str(subject.pk), subject_label(subject)) for subject in self.subjects[scope]
            ]
            if len(field.choices) != 1:  # a court user's one court needs no choosing
                field.choices = [("", f"Choose {SCOPE_TEXT[scope][3]}"), *field.choices]
            field.error_messages["invalid_choice"] = f"Choose {SCOPE_TEXT[scope][3]} from the list"
        self.fields["label"].widget.attrs["class"] += " govuk-!-width-two-thirds"

    def scope_options(self) -> list[dict]:
        """The radios: only the scopes the user may subscribe to, each with its select."""
        chosen = self.data.get("scope") if self.is_bound else None
        return [
            {
                "value": scope,
                "label": SCOPE_TEXT[scope][0],
                "hint": SCOPE_HINTS[scope],
                "checked": chosen == scope or len(self.allowed_scopes) == 1,
                "field": self[scope],
                "id": self.radio_id(index),
            }
            for index, scope in enumerate(self.allowed_scopes, start=1)
        ]

    def radio_id(self, number: int) -> str:
        return "scope" if number == 1 else f"scope-{number}"

    def error_links(self) -> list[dict]:
        """The error summary's lines, each linking to the field at fault (the first radio for
        the scope, as GOV.UK's radios do)."""
        links = []
        for name, errors in self.errors.items():
            if name == "scope" and len(self.allowed_scopes) > 1:
                anchor = "scope"
            elif name == "scope" and self.allowed_scopes:
                anchor = self[self.allowed_scopes[0]].id_for_label
            elif name in self.fields:
                anchor = self[name].id_for_label
            else:
                anchor = self["label"].id_for_label
            links.extend({"text": error, "href": f"#{anchor}"} for error in errors)
        return links

    def clean_scope(self):
        scope = self.cleaned_data["scope"]
        if scope not in self.allowed_scopes:
            raise forms.ValidationError(
                f"You cannot subscribe to {SCOPE_TEXT[scope][1]} feed: "
                "choose one of the options shown",
                code="scope_not_allowed",
            )
        return scope

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if not scope:  # missing, or one the user may not use: already said why
            return cleaned
        chosen = cleaned.get(scope)
        if not chosen:
            if scope not in self.errors:  # not a choice from the list: already said
                self.add_error(scope, f"Choose the {SCOPE_TEXT[scope][2]} the feed is for")
            return cleaned
        cleaned["subject"] = next(s for s in self.subjects[scope] if str(s.pk) == chosen)
        return cleaned


def subject_label(subject) -> str:
    """A court or suite by its name; an officer by name and collar number."""
    collar = getattr(subject, "collar_number", "")
    return f"{subject}{f' ({collar})' if collar else ''}"


# --- Reports ------------------------------------------------------------------------------------


GROUP_CHOICES = [
    ("month", "Month"),
    ("suite", "Suite"),
    ("court", "Court"),
    ("force", "Police force"),
]

#: The API's limit: a report covers at most three years.
MAX_REPORT_DAYS = 3 * 366


def _date_part(label: str, width: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4,
        widget=forms.TextInput(
            attrs={
                "class": f"govuk-date-input__input govuk-input--width-{width}",
                "inputmode": "numeric",
            }
        ),
    )


class ReportForm(GovukFormMixin, forms.Form):
    """The report's period (GOV.UK date inputs: day, month, year) and how to break it down.
    The dates' errors sit on the day box, which is where the error summary's link lands."""

    DATES = {"from": "start date", "to": "end date"}

    from_day = _date_part("Day", 2)
    from_month = _date_part("Month", 2)
    from_year = _date_part("Year", 4)
    to_day = _date_part("Day", 2)
    to_month = _date_part("Month", 2)
    to_year = _date_part("Year", 4)
    group_by = forms.ChoiceField(
        label="Break the figures down by",
        choices=GROUP_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose month, suite, court or police force"},
    )

    @classmethod
    def initial_for(cls, *, starts: date, ends: date, group_by: str = "month") -> dict:
        return {
            "from_day": starts.day,
            "from_month": starts.month,
            "from_year": starts.year,
            "to_day": ends.day,
            "to_month": ends.month,
            "to_year": ends.year,
            "group_by": group_by,
        }

    def _date(self, cleaned: dict, prefix: str) -> date | None:
        name = self.DATES[prefix]
        parts = [(cleaned.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
        if not any(parts):
            self.add_error(f"{prefix}_day", f"Enter the {name}")
            return None
        if not all(parts):
            missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
            self.add_error(f"{prefix}_day", f"The {name} must include a {missing[0]}")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            self.add_error(f"{prefix}_day", f"The {name} must be a real date")
            return None

    def clean(self):
        cleaned = super().clean()
        starts, ends = self._date(cleaned, "from"), self._date(cleaned, "to")
        cleaned["starts"], cleaned["ends"] = starts, ends
        cleaned["group_by"] = cleaned.get("group_by") or "month"
        if starts and ends:
            if ends < starts:
                self.add_error("to_day", "The end date must be the same as or after the start date")
            elif (ends - starts).days > MAX_REPORT_DAYS:
                self.add_error("to_day", "A report can cover up to 3 years")
        return cleaned

    def full_clean(self):
        super().full_clean()
        # The whole date is at fault, so all three boxes show it, as GOV.UK's component does;
        # its fieldset, not each box, points to the error message.
        for prefix in self.DATES:
            for part in ("day", "month", "year"):
                self.fields[f"{prefix}_{part}"].widget.attrs.pop("aria-describedby", None)
            if self.errors.get(f"{prefix}_day"):
                for part in ("month", "year"):
                    widget = self.fields[f"{prefix}_{part}"].widget
                    if "govuk-input--error" not in widget.attrs.get("class", ""):
                        widget.attrs["class"] += " govuk-input--error"

    def error_links(self) -> list[dict]:
        links = []
        for name, errors in self.errors.items():
            if name == "group_by":
                anchor = "group_by"
            elif name in self.fields:
                anchor = self[name].id_for_label
            else:
                anchor = self["from_day"].id_for_label
            links.extend({"text": error, "href": f"#{anchor}"} for error in errors)
        return links

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
