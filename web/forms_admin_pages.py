"""Forms for the suite, hearing and witness pages.

They only parse what staff type (UK dates as day, month and year; times like 09:30) and say
in plain English what is wrong; the services decide the rules and stay the last word."""

from __future__ import annotations

import re
from datetime import date, time

from django import forms

from bookings.models import HearingStatus
from core import inputs
from core.clock import at_london
from core.validators import no_control_characters, no_control_characters_but_line_breaks
from evidence_suites.models import Weekday

from .forms import GovukFormMixin

TIME_TEXT = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
TIME_HINT = "For example, 09:30 or 14:00"
DATE_HINT = "For example, 27 3 2027"


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
    """A time of day typed as text (GOV.UK has no time component; a text input is the advice)."""

    def __init__(self, *, invalid: str, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "class": "govuk-input--width-5",
                    "autocomplete": "off",
                    "spellcheck": "false",
                }
            ),
        )
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


def date_part(label: str, width: int) -> forms.CharField:
    """One box of GOV.UK's date input (day, month or year)."""
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


class DateInputsMixin:
    """GOV.UK's date input: three boxes (day, month, year) read as one date. `date_inputs`
    maps a prefix to how the date is named in errors; the error sits on the day box, which is
    where the error summary's link lands."""

    date_inputs: dict[str, str] = {}

    def clean_dates(self, cleaned: dict, *, required: bool = True) -> None:
        for prefix, name in self.date_inputs.items():
            parts = [(cleaned.get(f"{prefix}_{p}") or "").strip() for p in ("day", "month", "year")]
            if not any(parts):
                cleaned[prefix] = None
                if required:
                    self.add_error(f"{prefix}_day", f"Enter the {name}")
                continue
            if not all(parts):
                missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
                self.add_error(f"{prefix}_day", f"The {name} must include a {missing[0]}")
                continue
            try:
                day, month, year = (int(p) for p in parts)
                if year < 1000:
                    raise ValueError
                on = date(year, month, day)
            except (ValueError, OverflowError):
                self.add_error(f"{prefix}_day", f"The {name} must be a real date")
                continue
            if not inputs.in_range(on):
                self.add_error(
                    f"{prefix}_day",
                    f"The {name} must be between {inputs.EARLIEST_YEAR} and {inputs.LATEST_YEAR}",
                )
                continue
            cleaned[prefix] = on

    def date_has_error(self, prefix: str) -> bool:
        return bool(self.errors.get(f"{prefix}_day"))

    def full_clean(self):
        super().full_clean()
        # The whole date is at fault, so all three boxes show it, as GOV.UK's component does.
        for prefix in self.date_inputs:
            if self.errors.get(f"{prefix}_day"):
                for part in ("month", "year"):
                    widget = self.fields[f"{prefix}_{part}"].widget
                    if "govuk-input--error" not in widget.attrs.get("class", ""):
                        widget.attrs["class"] += " govuk-input--error"


def date_initial(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


class FieldsPerInstanceForm(forms.Form):
    """A form whose fields depend on what it edits. They are built in `build_fields()`,
    before GovukFormMixin (earlier in the class's bases) gives them GOV.UK classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_fields()

    def build_fields(self) -> None:
        raise NotImplementedError


# --- Suites ----------------------------------------------------------------------------------


class OpeningHoursForm(GovukFormMixin, FieldsPerInstanceForm):
    """A week of opening hours: for each weekday, open or not, and when. A second period
    on a day covers a suite that shuts for lunch."""

    def __init__(self, *args, periods_per_day: int = 2, **kwargs):
        self.periods_per_day = max(2, periods_per_day)
        super().__init__(*args, **kwargs)

    @classmethod
    def for_suite(cls, suite, data=None) -> OpeningHoursForm:
        by_day: dict[int, list] = {day: [] for day in Weekday.values}
        for period in suite.opening_hours.all():
            by_day[period.weekday].append(period)
        initial: dict[str, object] = {}
        for day, periods in by_day.items():
            initial[f"{day}_open"] = bool(periods)
            for index, period in enumerate(sorted(periods, key=lambda p: p.opens), start=1):
                initial[f"{day}_opens_{index}"] = f"{period.opens:%H:%M}"
                initial[f"{day}_closes_{index}"] = f"{period.closes:%H:%M}"
        most = max(len(periods) for periods in by_day.values())
        return cls(data=data, initial=initial, periods_per_day=most)

    def build_fields(self) -> None:
        for day, day_name in Weekday.choices:
            plural = f"{day_name}s"
            self.fields[f"{day}_open"] = forms.BooleanField(
                label=f"Open on {plural}",
                required=False,
                widget=forms.CheckboxInput(
                    attrs={"data-aria-controls": f"conditional-id_{day}_open"}
                ),
            )
            for index in range(1, self.periods_per_day + 1):
                again = "" if index == 1 else " again"
                optional = "" if index == 1 else " (optional)"
                self.fields[f"{day}_opens_{index}"] = ClockTimeField(
                    label=f"Opens{again}{optional}",
                    required=False,
                    invalid=f"Enter the time the suite opens{again} on {plural}, like 08:30",
                )
                self.fields[f"{day}_closes_{index}"] = ClockTimeField(
                    label=f"Closes{again}{optional}",
                    required=False,
                    invalid=f"Enter the time the suite closes{again} on {plural}, like 17:30",
                )

    def days(self) -> list[dict]:
        """The fields grouped by weekday, in the order the page shows them."""
        rows = []
        for day, day_name in Weekday.choices:
            periods = [
                (self[f"{day}_opens_{i}"], self[f"{day}_closes_{i}"])
                for i in range(1, self.periods_per_day + 1)
            ]
            rows.append(
                {
                    "weekday": day,
                    "name": day_name,
                    "open": self[f"{day}_open"],
                    "periods": periods,
                    "has_errors": any(a.errors or b.errors for a, b in periods),
                }
            )
        return rows

    def clean(self):
        cleaned = super().clean()
        periods: list[tuple[int, time, time]] = []
        open_days = [(day, name) for day, name in Weekday.choices if cleaned.get(f"{day}_open")]
        for day, day_name in open_days:
            periods += [(day, o, c) for o, c in self._clean_day(cleaned, day, f"{day_name}s")]
        if not open_days:
            # Closed every day is never what a suite manager means by saving this form (an
            # empty form, say): it would silently stop every new booking.
            self.add_error(
                "0_open",
                "Tick at least one day the suite opens. To stop bookings for a while, add a "
                "closure; to stop them for good, ask an admin to make the suite inactive",
            )
        cleaned["periods"] = periods
        return cleaned

    def _clean_day(self, cleaned: dict, day: int, plural: str) -> list[tuple[time, time]]:
        accepted: list[tuple[time, time]] = []
        for index in range(1, self.periods_per_day + 1):
            opens_name, closes_name = f"{day}_opens_{index}", f"{day}_closes_{index}"
            if opens_name in self.errors or closes_name in self.errors:
                continue
            opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
            again = "" if index == 1 else " again"
            if opens is None and closes is None:
                if index == 1:
                    self.add_error(
                        opens_name,
                        f"Enter the time the suite opens on {plural}, or untick ‘Open on {plural}’",
                    )
                continue
            if opens is None:
                self.add_error(opens_name, f"Enter the time the suite opens{again} on {plural}")
            elif closes is None:
                self.add_error(closes_name, f"Enter the time the suite closes{again} on {plural}")
            elif closes <= opens:
                self.add_error(
                    closes_name,
                    f"The suite must close after it opens: on {plural} it opens at "
                    f"{opens:%H:%M} and closes at {closes:%H:%M}",
                )
            else:
                clash = next((p for p in accepted if opens < p[1] and closes > p[0]), None)
                if clash is None:
                    accepted.append((opens, closes))
                else:
                    self.add_error(
                        opens_name,
                        f"The opening times on {plural} overlap: {clash[0]:%H:%M} to "
                        f"{clash[1]:%H:%M} and {opens:%H:%M} to {closes:%H:%M}",
                    )
        return accepted


class ClosureForm(DateInputsMixin, GovukFormMixin, forms.Form):
    date_inputs = {"starts_on": "date the closure starts", "ends_on": "date the closure ends"}

    starts_on_day = date_part("Day", 2)
    starts_on_month = date_part("Month", 2)
    starts_on_year = date_part("Year", 4)
    starts_at_time = ClockTimeField(
        label="Time it starts",
        help_text=TIME_HINT,
        error_messages={"required": "Enter the time the closure starts"},
        invalid="Enter the time the closure starts, like 09:00",
    )
    ends_on_day = date_part("Day", 2)
    ends_on_month = date_part("Month", 2)
    ends_on_year = date_part("Year", 4)
    ends_at_time = ClockTimeField(
        label="Time it ends",
        help_text=TIME_HINT,
        error_messages={"required": "Enter the time the closure ends"},
        invalid="Enter the time the closure ends, like 17:30",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        validators=[no_control_characters],
        help_text="For staff; witnesses are not told. For example, ‘Screen being replaced’.",
        error_messages={
            "required": "Enter why the suite is closed",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned)
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        starts_time, ends_time = cleaned.get("starts_at_time"), cleaned.get("ends_at_time")
        if starts_on and ends_on and starts_time and ends_time:
            cleaned["starts_at"] = at_london(starts_on, starts_time)
            cleaned["ends_at"] = at_london(ends_on, ends_time)
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("ends_on_day", "The closure must end after it starts")
        return cleaned


# --- Hearings --------------------------------------------------------------------------------

STATUS_CHOICES = [("", "Any status"), *HearingStatus.choices]


class HearingFilterForm(DateInputsMixin, GovukFormMixin, forms.Form):
    """The hearings list's filters, read from the query string. Every filter is optional."""

    date_inputs = {"on": "date"}

    court = forms.ModelChoiceField(
        label="Court", queryset=None, required=False, empty_label="All courts"
    )
    on_day = date_part("Day", 2)
    on_month = date_part("Month", 2)
    on_year = date_part("Year", 4)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, courts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts
        self.fields["court"].error_messages["invalid_choice"] = "Select a court from the list"
        self.fields["status"].error_messages["invalid_choice"] = "Select a status from the list"

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned, required=False)
        return cleaned


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


class RelistForm(DateInputsMixin, GovukFormMixin, forms.Form):
    date_inputs = {"on": "new hearing date"}

    on_day = date_part("Day", 2)
    on_month = date_part("Month", 2)
    on_year = date_part("Year", 4)
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
        self.clean_dates(cleaned)
        on = cleaned.get("on")
        starts_time, ends_time = cleaned.get("starts_at_time"), cleaned.get("ends_at_time")
        if on and starts_time and ends_time:
            if ends_time <= starts_time:
                self.add_error("ends_at_time", "The end time must be after the start time")
            else:
                cleaned["starts_at"] = at_london(on, starts_time)
                cleaned["ends_at"] = at_london(on, ends_time)
        return cleaned


# --- Witnesses -------------------------------------------------------------------------------


class WitnessSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=120)
