"""Forms for a witness's dates to avoid: a period typed in (the days, and times only if it is
not whole days), and the two imports, a duty roster (.ics) and a force's CSV.

They parse what a person typed or chose; what makes a period acceptable, and what an import
file may hold, is `bookings.services` and `bookings.unavailability_import`'s to say."""

from __future__ import annotations

from datetime import time, timedelta

from django import forms

from bookings.models import UnavailabilityReason
from bookings.unavailability_import import MAX_BYTES
from core.clock import at_london
from core.validators import no_control_characters_but_line_breaks

from .fields import DATE_HINT, ClockTimeField, GovukDateField
from .govuk import GovukFormMixin


class PeriodForm(GovukFormMixin, forms.Form):
    """One period, whole days unless times are given: from the start of the first day to the
    end of the last."""

    starts_on = GovukDateField(
        noun="first date to avoid", label="First date to avoid", help_text=DATE_HINT
    )
    starts_time = ClockTimeField(
        required=False,
        label="From (optional)",
        help_text="Leave blank for the whole day, or give a time, for example 07:00",
        invalid="Enter the time the dates to avoid start, like 07:00",
    )
    ends_on = GovukDateField(
        noun="last date to avoid",
        required=False,
        label="Last date to avoid (optional)",
        help_text="Leave blank if it is one day. " + DATE_HINT,
    )
    ends_time = ClockTimeField(
        required=False,
        label="Until (optional)",
        help_text="Leave blank for the end of the day, or give a time, for example 19:00",
        invalid="Enter the time the dates to avoid end, like 19:00",
    )
    reason = forms.ChoiceField(
        choices=UnavailabilityReason.choices,
        widget=forms.RadioSelect,
        label="Why can the witness not attend?",
        error_messages={"required": "Choose why the witness cannot attend"},
    )
    note = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_control_characters_but_line_breaks],
        label="Note (optional)",
        help_text="Seen by your force only. For example, Family holiday, back on duty Monday",
        error_messages={"max_length": "The note must be 200 characters or fewer"},
    )

    def clean(self):
        data = super().clean()
        first = data.get("starts_on")
        if first is None or {"ends_on", "starts_time", "ends_time"} & set(self.errors):
            return data
        last = data.get("ends_on") or first
        data["starts_at"] = at_london(first, data.get("starts_time") or time.min)
        if data.get("ends_time"):
            data["ends_at"] = at_london(last, data["ends_time"])
        else:
            data["ends_at"] = at_london(last + timedelta(days=1), time.min)
        if data["ends_at"] <= data["starts_at"]:
            self.add_error(
                "ends_on" if data.get("ends_on") else "ends_time",
                "The dates to avoid must end after they start. For a night shift, give the next "
                "day as the last date to avoid",
            )
        return data


class UploadForm(GovukFormMixin, forms.Form):
    """A file to import, read whole (the import has a size limit: a byte past it is enough
    for it to say so) so the import sees every line at once."""

    file = forms.FileField(
        widget=forms.FileInput,
        error_messages={
            "required": "Choose the file to import",
            "empty": "The file you chose is empty",
        },
    )

    def __init__(self, *args, label: str, help_text: str, forces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = help_text
        self.fields["file"].widget.attrs["aria-describedby"] = "id_file-hint"
        if forces is not None:
            # An admin belongs to no force: they say whose officers the file lists.
            self.fields = {
                "force": forms.ModelChoiceField(
                    queryset=forces,
                    label="Police force",
                    help_text="The force whose officers the file lists",
                    empty_label="Choose the force",
                    error_messages={"required": "Choose the force whose officers the file lists"},
                ),
                **self.fields,
            }
            self.fields["force"].widget.attrs.update(
                {"class": "govuk-select", "aria-describedby": "id_force-hint"}
            )

    def clean_file(self) -> bytes:
        return self.cleaned_data["file"].read(MAX_BYTES + 1)
