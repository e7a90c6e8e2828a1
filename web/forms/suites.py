"""Forms for the suite pages: a suite's week of opening hours, its closures, and its side of
the live link.

They only parse what suite managers type (dates as day, month and year; times like 09:30) and
say in plain English what is wrong; the services decide the rules and stay the last word."""

from __future__ import annotations

from datetime import time

from django import forms

from core.clock import at_london
from core.validators import no_control_characters
from evidence_suites.models import VideoPlatform, Weekday

from .fields import DATE_HINT, TIME_HINT, ClockTimeField, GovukDateField, one_line
from .govuk import GovukFormMixin


class FieldsPerInstanceForm(forms.Form):
    """A form whose fields depend on what it edits. They are built in `build_fields()`,
    before GovukFormMixin (earlier in the class's bases) gives them GOV.UK classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_fields()

    def build_fields(self) -> None:
        raise NotImplementedError


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


class ClosureForm(GovukFormMixin, forms.Form):
    """A time the suite cannot be booked, from a day and time to a day and time, and why."""

    starts_on = GovukDateField(
        noun="date the closure starts", label="Date it starts", help_text=DATE_HINT
    )
    starts_at_time = ClockTimeField(
        label="Time it starts",
        help_text=TIME_HINT,
        error_messages={"required": "Enter the time the closure starts"},
        invalid="Enter the time the closure starts, like 09:00",
    )
    ends_on = GovukDateField(
        noun="date the closure ends", label="Date it ends", help_text=DATE_HINT
    )
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
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        starts_time, ends_time = cleaned.get("starts_at_time"), cleaned.get("ends_at_time")
        if starts_on and ends_on and starts_time and ends_time:
            cleaned["starts_at"] = at_london(starts_on, starts_time)
            cleaned["ends_at"] = at_london(ends_on, ends_time)
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("ends_on", "The closure must end after it starts")
        return cleaned


class SuiteVideoForm(GovukFormMixin, forms.Form):
    """The suite's side of the live link: the address the court dials, and the kit's system."""

    video_platform = forms.ChoiceField(
        choices=[("", "Not recorded"), *VideoPlatform.choices],
        required=False,
        label="Video system",
        help_text="The system the suite's kit joins calls on",
    )
    video_endpoint = forms.CharField(
        max_length=200,
        required=False,
        validators=one_line("the video address"),
        label="Video address",
        help_text="What the court dials to reach the suite, for example "
        "sip:brighton-suite-1@video.example.police.uk",
        error_messages={"max_length": "The video address must be 200 characters or fewer"},
    )

    def __init__(self, *args, suite, **kwargs):
        kwargs.setdefault(
            "initial",
            {"video_platform": suite.video_platform, "video_endpoint": suite.video_endpoint},
        )
        super().__init__(*args, **kwargs)
        self.fields["video_endpoint"].widget.attrs.update(spellcheck="false", autocomplete="off")
