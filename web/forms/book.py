"""Forms for booking a witness (steps 1 to 3), in the GOV.UK Design System's words.

They parse and check what a person typed (dates, 24-hour times, phone numbers, which hearing or
witness was chosen); the booking rules themselves stay in `bookings.services`, whose refusals
the pages put back on these forms with `errors.add_refusal`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from bookings.models import HearingType, LiveLinkBasis, WitnessType
from core.clock import at_london, local
from core.validators import no_control_characters_but_line_breaks

from .fields import (
    TIME_FORMATS,
    GovukDateField,
    GovukTimeField,
    WitnessPhoneFormField,
    one_line,
)
from .govuk import GovukFormMixin
from .witnesses import language_field

#: The choice that adds a hearing or a witness instead of choosing a listed one.
NEW = "new"


# --- Book a witness, step 1: hearing, witness and time ---------------------------------------


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
        noun="date of the hearing", required=False, label="Date of the hearing"
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

    # Optional: a witness who has not said takes their force's default (Witness.save).
    witness_language = language_field(required=False)

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
    """Step 3: the special measures and notes that go with the booking, and, when the time is
    in the witness's dates to avoid, why they are booked anyway."""

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
    override_unavailability = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why book the witness in their dates to avoid?",
        validators=[no_control_characters_but_line_breaks],
        help_text="Kept in the booking's history. For example, Officer agreed to come in on "
        "their rest day; overtime approved",
        error_messages={"max_length": "The reason must be 200 characters or fewer"},
    )
