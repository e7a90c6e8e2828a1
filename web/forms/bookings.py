"""Forms for a booking's actions (move, cancel, check in, record the outcome), in the GOV.UK
Design System's words.

They parse what a person typed; the booking rules stay in `bookings.services` and
`bookings.states`, whose refusals the pages put back on these forms with `errors.add_refusal`.
"""

from __future__ import annotations

from django import forms

from bookings import states
from bookings.models import BookingStatus, Outcome
from core.clock import at_london, local
from core.validators import no_control_characters_but_line_breaks

from .fields import GovukDateField, GovukTimeField
from .govuk import GovukFormMixin


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
    date = GovukDateField(noun="date", label="Date")
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

    override_unavailability = forms.CharField(
        required=False,
        max_length=200,
        label="If the new time is in the witness's dates to avoid, why move it there anyway?",
        help_text="Kept in the booking's history. For example, Officer agreed; overtime approved",
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters_but_line_breaks],
        error_messages={"max_length": "The reason must be 200 characters or fewer"},
    )

    refusal_fields = {
        "starts_at": "start_time",
        "ends_at": "end_time",
        "suite": "suite",
        "override_unavailability": "override_unavailability",
    }
    refusal_codes = {
        "witness_unavailable_dates": "override_unavailability",
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
        # The outcomes the booking may end with (giving evidence needs an arrival first). One
        # that ended or was cancelled meanwhile is offered a confirmed booking's, so that the
        # service's refusal says what changed.
        outcomes = states.outcomes_from(booking.status) or states.outcomes_from(
            BookingStatus.CONFIRMED
        )
        if booking.status != BookingStatus.CHECKED_IN:
            del self.fields["released_time"]  # no release time without an arrival
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in outcomes]

    def clean(self):
        data = super().clean()
        if data.get("released_time"):
            day = local(self.booking.starts_at).date()
            data["released_at"] = at_london(day, data["released_time"])
        return data
