"""Forms for booking a witness and for changing a booking, in the GOV.UK Design System's words.

They parse and check what a person typed (dates, 24-hour times, phone numbers, which hearing or
witness was chosen); the booking rules themselves stay in `bookings.services`, whose refusals
the pages put back on these forms with `add_refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from phonenumber_field.phonenumber import PhoneNumber, to_python

from bookings.models import (
    BookingStatus,
    HearingType,
    LiveLinkBasis,
    Outcome,
    WitnessType,
)
from bookings.phone import e164, is_acceptable
from core import inputs
from core.clock import at_london, local
from core.errors import DomainError
from core.validators import NoControlCharactersValidator, no_control_characters_but_line_breaks

from .forms import GovukFormMixin

NEW = "new"

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


# --- Fields in the GOV.UK patterns -----------------------------------------------------------


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (ids `<id>-day`, `-month`, `-year`)."""

    template_name = "web/booking_date_widget.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__({part: forms.TextInput for part in self.parts}, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}-day" if id_ else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base_id = widget["attrs"].get("id", f"id_{name}")
        widget["has_error"] = "--error" in widget["attrs"].get("class", "")
        for part, subwidget in zip(self.parts, widget["subwidgets"], strict=True):
            subwidget["attrs"]["id"] = f"{base_id}-{part}"
            subwidget["label"] = part.title()
            subwidget["width"] = 4 if part == "year" else 2
        return context


class GovukDateField(forms.Field):
    """A date typed as day, month and year; error messages name what is missing or wrong."""

    widget = GovukDateWidget

    def __init__(self, *, noun: str = "The date", **kwargs):
        self.noun = noun
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter {noun[0].lower()}{noun[1:]}")
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, date):
            return value
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            return None
        names = GovukDateWidget.parts
        missing = [name for name, text in zip(names, parts, strict=True) if not text]
        if missing:
            raise ValidationError(f"{self.noun} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(text) for text in parts)
            if year < 1000:
                raise ValueError
            on = date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"{self.noun} must be a real date") from None
        if not inputs.in_range(on):
            raise ValidationError(
                f"{self.noun} must be between {inputs.EARLIEST_YEAR} and {inputs.LATEST_YEAR}"
            )
        return on


class GovukTimeField(forms.TimeField):
    """A 24-hour time typed as 10:00 (10.00 and 1000 are accepted too)."""

    def __init__(self, *, noun: str, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TimeInput(
                format="%H:%M",
                attrs={
                    "class": "govuk-input--width-5",
                    "autocomplete": "off",
                    "spellcheck": "false",
                },
            ),
        )
        super().__init__(
            input_formats=TIME_FORMATS,
            error_messages={
                "required": f"Enter {noun}",
                "invalid": f"Enter {noun} as a 24-hour time, like 10:00 or 14:30",
            },
            **kwargs,
        )


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


# --- Putting a service's refusal back on the form -------------------------------------------


@dataclass(frozen=True)
class ErrorLink:
    """One line of the GOV.UK error summary: the message and the field it links to."""

    text: str
    href: str


def field_anchor(form: forms.Form, name: str) -> str:
    """The id of the element an error summary link should focus: the first box of a date,
    the first radio of a radio group, else the field itself."""
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, GovukDateWidget):
        return f"{bound.auto_id}-day"
    if isinstance(widget, forms.RadioSelect):
        return f"{bound.auto_id}_0"
    return bound.auto_id


def error_links(*forms_: forms.Form | None) -> list[ErrorLink]:
    """The error summary's lines, in the order the fields are on the page."""
    links = []
    for form in forms_:
        if form is None or not form.is_bound or not form.errors:
            continue
        visible = [f.name for f in form.visible_fields()]
        for name in [*form.fields, NON_FIELD_ERRORS]:
            if name not in form.errors:
                continue
            target = name if name in form.fields else (visible[0] if visible else None)
            href = f"#{field_anchor(form, target)}" if target else "#main-content"
            links += [ErrorLink(str(error), href) for error in form.errors[name]]
    return links


def add_refusal(form: forms.Form, refusal: DomainError, field_map: dict[str, str], codes=None):
    """Show a service's refusal on the field it is about (its `fields`, else its code), in the
    rule's own words; otherwise on the whole form."""
    codes = codes or {}
    target = next(
        (field_map[name] for name in (refusal.fields or {}) if name in field_map),
        codes.get(refusal.code),
    )
    form.add_error(target if target in form.fields else None, refusal.detail)


# --- Book a witness, step 1: hearing, witness and time ---------------------------------------


def one_line(what: str) -> list[NoControlCharactersValidator]:
    """The models' refusal of control characters, for a plain form's field (a `forms.Form`
    does not run model validators), in the page's words."""
    return [
        NoControlCharactersValidator(
            message=f"Enter {what} on one line, without tabs or other hidden characters"
        )
    ]


class BookStartForm(GovukFormMixin, forms.Form):
    """Choose a listed hearing or add one, choose a witness or add one, and optionally narrow
    the time. `hearings` and `witnesses` are the querysets the user may choose from."""

    hearing = forms.CharField(error_messages={"required": "Choose a hearing, or add one"})
    hearing_court = forms.ModelChoiceField(
        queryset=None, required=False, label="Court", empty_label="Choose the court"
    )
    hearing_case_reference = forms.CharField(
        max_length=20,
        required=False,
        validators=one_line("the case reference"),
        label="Case reference (URN)",
        help_text="For example, 47SS1234523",
    )
    hearing_type = forms.ChoiceField(
        choices=[("", "Choose the type of hearing"), *HearingType.choices],
        required=False,
        label="Type of hearing",
    )
    hearing_courtroom = forms.CharField(
        max_length=30,
        required=False,
        validators=one_line("the courtroom"),
        label="Courtroom (optional)",
        help_text="For example, Court 1",
    )
    hearing_date = GovukDateField(
        noun="The date of the hearing", required=False, label="Date of the hearing"
    )
    hearing_starts = GovukTimeField(
        noun="the time the hearing starts",
        required=False,
        label="Start time",
        help_text="Use the 24-hour clock, for example 10:00",
    )
    hearing_ends = GovukTimeField(
        noun="the time the hearing ends",
        required=False,
        label="End time",
        help_text="For example, 13:00",
    )

    witness = forms.CharField(error_messages={"required": "Choose a witness, or add one"})
    witness_full_name = forms.CharField(
        max_length=120,
        required=False,
        label="Full name",
        validators=one_line("the witness's full name"),
    )
    witness_type = forms.ChoiceField(
        choices=[("", "Choose the type of witness"), *WitnessType.choices],
        required=False,
        label="Type of witness",
    )
    witness_force = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Police force",
        help_text="The force whose officers or witness care unit look after the witness",
        empty_label="Choose the force",
    )
    witness_collar_number = forms.CharField(
        max_length=20,
        required=False,
        validators=one_line("the collar number"),
        label="Collar number",
        help_text="Police officers only",
    )
    witness_phone = WitnessPhoneFormField(
        max_length=30,
        required=False,
        label="Mobile phone number (optional)",
        help_text="The booking is sent to it by text. For example, 07700 900123",
    )
    witness_email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        help_text="A calendar invitation is sent to it",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    start_time = GovukTimeField(
        noun="the time the witness is needed from", required=False, label="From (optional)"
    )
    end_time = GovukTimeField(
        noun="the time the witness is needed until", required=False, label="Until (optional)"
    )

    def __init__(self, *args, hearings, witnesses, courts, forces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.hearings = hearings
        self.witnesses = witnesses
        self.fields["hearing_court"].queryset = courts
        if forces is None:
            del self.fields["witness_force"]
        else:
            self.fields["witness_force"].queryset = forces
        for name in ("hearing_case_reference", "witness_collar_number"):
            self.fields[name].widget.attrs.update(spellcheck="false", autocomplete="off")
        self.fields["witness_full_name"].widget.attrs.update(spellcheck="false", autocomplete="off")
        self.fields["witness_phone"].widget.attrs.update(type="tel", autocomplete="off")
        self.fields["witness_email"].widget.attrs.update(spellcheck="false", autocomplete="off")

    @property
    def adds_hearing(self) -> bool:
        return self.chosen("hearing") == NEW

    @property
    def adds_witness(self) -> bool:
        return self.chosen("witness") == NEW

    def chosen(self, name) -> str:
        """What is chosen for `hearing` or `witness`: an id, `new`, or nothing."""
        if self.is_bound:
            return self.data.get(name, "")
        return str(self.initial.get(name) or "")

    def _require(self, data, messages: dict[str, str]) -> None:
        for name, message in messages.items():
            if name not in self.errors and not data.get(name):
                self.add_error(name, message)

    def clean(self):
        data = super().clean()
        hearing_window = self._clean_hearing(data)
        self._clean_witness(data)
        self._clean_window(data, hearing_window)
        return data

    def _clean_hearing(self, data):
        choice = data.get("hearing")
        if choice == NEW:
            self._require(
                data,
                {
                    "hearing_court": "Choose the court",
                    "hearing_case_reference": "Enter the case reference",
                    "hearing_type": "Choose the type of hearing",
                    "hearing_date": "Enter the date of the hearing",
                    "hearing_starts": "Enter the time the hearing starts",
                    "hearing_ends": "Enter the time the hearing ends",
                },
            )
            day = data.get("hearing_date")
            starts, ends = data.get("hearing_starts"), data.get("hearing_ends")
            if day and starts and ends:
                if ends <= starts:
                    self.add_error("hearing_ends", "The hearing must end after it starts")
                    return None
                data["hearing_starts_at"] = at_london(day, starts)
                data["hearing_ends_at"] = at_london(day, ends)
                return day, starts, ends
            return None
        if choice:
            hearing = self.hearings.filter(pk=choice).first() if choice.isdigit() else None
            if hearing is None:
                self.add_error("hearing", "Choose a hearing from the list")
                return None
            data["hearing_object"] = hearing
            starts, ends = local(hearing.starts_at), local(hearing.ends_at)
            return starts.date(), starts.time(), ends.time()
        return None

    def _clean_witness(self, data):
        choice = data.get("witness")
        if choice == NEW:
            required = {
                "witness_full_name": "Enter the witness's full name",
                "witness_type": "Choose the type of witness",
            }
            if "witness_force" in self.fields:
                required["witness_force"] = "Choose the witness's police force"
            if data.get("witness_type") == WitnessType.POLICE_OFFICER:
                required["witness_collar_number"] = "Enter the officer's collar number"
            self._require(data, required)
        elif choice:
            witness = self.witnesses.filter(pk=choice).first() if choice.isdigit() else None
            if witness is None:
                self.add_error("witness", "Choose a witness from the list")
                return
            data["witness_object"] = witness

    def _clean_window(self, data, hearing_window):
        start, end = data.get("start_time"), data.get("end_time")
        if hearing_window is None or not (start or end):
            return
        _day, hearing_starts, hearing_ends = hearing_window
        if (end or hearing_ends) <= (start or hearing_starts):
            self.add_error(
                "end_time" if end else "start_time",
                "The time the witness is needed until must be after the time they are needed from",
            )


# --- Book a witness, steps 2 and 3: what was chosen so far -----------------------------------


class BookChoiceForm(forms.Form):
    """The choices carried from step to step in the query string or hidden fields."""

    hearing = forms.ModelChoiceField(queryset=None)
    witness = forms.ModelChoiceField(queryset=None)
    start = forms.TimeField(input_formats=TIME_FORMATS, required=False)
    end = forms.TimeField(input_formats=TIME_FORMATS, required=False)
    suite = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, hearings, witnesses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = hearings
        self.fields["witness"].queryset = witnesses

    def clean(self):
        data = super().clean()
        hearing = data.get("hearing")
        if hearing is None:
            return data
        day = local(hearing.starts_at).date()
        starts = at_london(day, data["start"]) if data.get("start") else hearing.starts_at
        ends = at_london(day, data["end"]) if data.get("end") else hearing.ends_at
        if ends <= starts:
            raise ValidationError("The time the witness is needed until is not after the start.")
        data["starts_at"], data["ends_at"] = starts, ends
        return data


class BookConfirmForm(GovukFormMixin, forms.Form):
    """Step 3: the special measures and notes that go with the booking."""

    needs_supporter = forms.BooleanField(
        required=False, label="A supporter will be with the witness"
    )
    needs_intermediary = forms.BooleanField(
        required=False, label="An intermediary will help the witness communicate"
    )
    interpreter_language = forms.CharField(
        max_length=40,
        required=False,
        validators=one_line("the interpreter language"),
        label="Interpreter language (optional)",
        help_text="Leave blank if no interpreter is needed",
    )
    live_link_basis = forms.ChoiceField(
        choices=LiveLinkBasis.choices,
        initial=LiveLinkBasis.CJA_2003_S51,
        widget=forms.RadioSelect,
        label="Live link direction under",
        error_messages={"required": "Choose the law the live link is directed under"},
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Notes for staff (optional)",
        validators=[no_control_characters_but_line_breaks],
        help_text="Never sent to the witness, the suite or the court",
    )


# --- A booking's actions --------------------------------------------------------------------


class BookingActionForm(GovukFormMixin, forms.Form):
    """Every action carries the version of the booking the person was looking at, so a change
    made meanwhile by someone else is refused rather than silently overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, booking, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", booking.version)
        super().__init__(*args, **kwargs)
        self.booking = booking


class RescheduleForm(BookingActionForm):
    date = GovukDateField(noun="The date", label="Date")
    start_time = GovukTimeField(noun="the start time", label="From")
    end_time = GovukTimeField(noun="the end time", label="Until")
    suite = forms.TypedChoiceField(
        coerce=int,
        label="Suite",
        help_text="Nearest to the court first. You will be told if the suite is not free then",
        error_messages={
            "required": "Choose a suite",
            "invalid_choice": "Choose a suite from the list",
        },
    )

    refusal_fields = {"starts_at": "start_time", "ends_at": "end_time", "suite": "suite"}
    refusal_codes = {
        "suite_unavailable": "suite",
        "suite_closed": "suite",
        "suite_inactive": "suite",
        "witness_unavailable": "start_time",
        "not_on_hearing_day": "date",
    }

    def __init__(self, *args, booking, suites, **kwargs):
        starts, ends = local(booking.starts_at), local(booking.ends_at)
        kwargs["initial"] = {
            "date": starts.date(),
            "start_time": starts.time(),
            "end_time": ends.time(),
            "suite": booking.suite_id,
        }
        super().__init__(*args, booking=booking, **kwargs)
        self.suites = {suite.pk: suite for suite in suites}
        self.fields["suite"].choices = [
            (
                suite.pk,
                f"{suite.name} ({suite.distance_km:.1f} km from the court)"
                if getattr(suite, "distance_km", None) is not None
                else suite.name,
            )
            for suite in suites
        ]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "The end time must be after the start time")
            else:
                data["starts_at"], data["ends_at"] = at_london(day, start), at_london(day, end)
        if data.get("suite") is not None:
            data["suite_object"] = self.suites.get(data["suite"])
        return data


class CancelForm(BookingActionForm):
    reason = forms.CharField(
        max_length=200,
        label="Why is the booking cancelled?",
        validators=[no_control_characters_but_line_breaks],
        help_text="Kept on the booking's record. For example, Defendant pleaded guilty",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the booking is cancelled",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )

    refusal_fields = {"reason": "reason"}
    refusal_codes: dict[str, str] = {}


class CheckInForm(BookingActionForm):
    arrived_at = GovukTimeField(
        noun="the arrival time",
        required=False,
        label="Arrival time (optional)",
        help_text="For example, 09:45. Leave blank if they have just arrived",
    )

    refusal_fields = {"at": "arrived_at"}
    refusal_codes: dict[str, str] = {}

    def clean(self):
        data = super().clean()
        if data.get("arrived_at"):
            day = local(self.booking.starts_at).date()
            data["at"] = at_london(day, data["arrived_at"])
        return data


class OutcomeForm(BookingActionForm):
    outcome = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="How did it end?",
        error_messages={"required": "Choose how it ended"},
    )
    released_time = GovukTimeField(
        noun="the release time",
        required=False,
        label="Release time (optional)",
        help_text="When the court released the witness. Leave blank if it was just now",
    )

    refusal_fields = {"outcome": "outcome", "released_at": "released_time"}
    refusal_codes = {"not_checked_in": "outcome", "invalid_transition": "outcome"}

    def __init__(self, *args, booking, **kwargs):
        super().__init__(*args, booking=booking, **kwargs)
        if booking.status == BookingStatus.CHECKED_IN:
            outcomes = [Outcome.GAVE_EVIDENCE, Outcome.NOT_REQUIRED]
        else:
            # Giving evidence needs an arrival first; no release time without one.
            outcomes = [Outcome.NOT_REQUIRED, Outcome.NO_SHOW]
            del self.fields["released_time"]
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]

    def clean(self):
        data = super().clean()
        if data.get("released_time"):
            day = local(self.booking.starts_at).date()
            data["released_at"] = at_london(day, data["released_time"])
        return data
