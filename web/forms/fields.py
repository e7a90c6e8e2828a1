"""The fields the staff forms share, in the GOV.UK patterns: a date typed as day, month and year
(the one date input, for every form and filter that takes a date), times of day, and a
witness's phone number.

They parse what a person typed and say in plain English what is wrong with it; the services
decide the rules and stay the last word."""

from __future__ import annotations

import re
from datetime import date, time

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from phonenumber_field.phonenumber import PhoneNumber, to_python

from bookings.phone import e164, is_acceptable
from core import inputs
from core.validators import NoControlCharactersValidator

DATE_HINT = "For example, 27 3 2027"


# --- Dates -----------------------------------------------------------------------------------


class GovukDateWidget(forms.MultiWidget):
    """GOV.UK's date input: day, month and year boxes, named `<name>_day`, `<name>_month` and
    `<name>_year`, with the ids `id_<name>_day`... The error summary links to the day box."""

    template_name = "web/includes/date_input.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput for part in self.parts}, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id")
        # The whole date is at fault, so all three boxes show it, as GOV.UK's component does.
        widget["has_error"] = "--error" in widget["attrs"].get("class", "")
        for part, box in zip(self.parts, widget["subwidgets"], strict=True):
            if base_id:
                box["attrs"]["id"] = f"{base_id}_{part}"
            box["label"] = part.title()
            box["width"] = 4 if part == "year" else 2
        return context


class GovukDateField(forms.Field):
    """A date typed as day, month and year. `noun` names it in the error messages, in GOV.UK's
    words: "Enter the date the closure starts", "The date the closure starts must include a
    month", "... must be a real date", "... must be between 2000 and 2100"."""

    widget = GovukDateWidget

    def __init__(self, *, noun: str = "date", **kwargs):
        self.noun = noun
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter the {noun}")
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            return None
        missing = [
            name for name, text in zip(GovukDateWidget.parts, parts, strict=True) if not text
        ]
        if missing:
            raise ValidationError(f"The {self.noun} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(text) for text in parts)
            if year < 1000:
                raise ValueError
            on = date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"The {self.noun} must be a real date") from None
        if not inputs.in_range(on):
            raise ValidationError(
                f"The {self.noun} must be between {inputs.EARLIEST_YEAR} and {inputs.LATEST_YEAR}"
            )
        return on


class GovukDateFilter(django_filters.Filter):
    """A list page's filter by a date typed in the GOV.UK date input."""

    field_class = GovukDateField


# --- Times of day ----------------------------------------------------------------------------

#: What the booking forms' times accept: 10:00, 10.00 and 1000.
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]
TIME_HINT = "For example, 09:30 or 14:00"
TIME_TEXT = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
#: A time's box: five characters wide, never corrected by the browser.
TIME_ATTRS = {"class": "govuk-input--width-5", "autocomplete": "off", "spellcheck": "false"}


class GovukTimeField(forms.TimeField):
    """A 24-hour time typed as 10:00 (10.00 and 1000 are accepted too)."""

    def __init__(self, *, noun: str, **kwargs):
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs=dict(TIME_ATTRS)))
        super().__init__(
            input_formats=TIME_FORMATS,
            error_messages={
                "required": f"Enter {noun}",
                "invalid": f"Enter {noun} as a 24-hour time, like 10:00 or 14:30",
            },
            **kwargs,
        )


def parse_clock_time(text: str) -> time | None:
    """'9:30', '09.30', '0930', '14:00', '2pm' and '2:30pm' are all times people type."""
    match = TIME_TEXT.match(text.strip())
    if not match:
        return None
    hours, minutes, meridiem = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if meridiem:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem == "pm" else 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


class ClockTimeField(forms.CharField):
    """A time of day typed as text, the 12-hour clock too (GOV.UK has no time component; a text
    input is the advice): the suites' opening hours and closures, a hearing's new times."""

    def __init__(self, *, invalid: str, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(TIME_ATTRS)))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = invalid

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        parsed = parse_clock_time(text)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


# --- Text and phone numbers ------------------------------------------------------------------


def one_line(what: str) -> list[NoControlCharactersValidator]:
    """The models' refusal of control characters, for a plain form's field (a `forms.Form`
    does not run model validators), in the page's words."""
    return [
        NoControlCharactersValidator(
            message=f"Enter {what} on one line, without tabs or other hidden characters"
        )
    ]


PHONE_INVALID = "Enter a phone number a text can reach, like 07700 900123 or +44 7700 900123"


class WitnessPhoneFormField(forms.CharField):
    """Any common UK or international form in, E.164 out: the API's `WitnessPhoneField` rules
    (including Ofcom's drama numbers, which demo data and tests use)."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        number = to_python(text, region=settings.PHONENUMBER_DEFAULT_REGION)
        if not isinstance(number, PhoneNumber) or not is_acceptable(number):
            raise ValidationError(PHONE_INVALID)
        return e164(number)
