"""The form for the court's side of a booking's live link: a join link or the court's room
number (GOV.UK radios, the one chosen revealing its box), and a guest PIN.

What a link, a room or a PIN may be is the booking model's to say (its fields' validators);
the form runs those on what was chosen, so a mistake is shown by its box, and
`bookings.services.booking_set_video_link` stays the last word."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from bookings.models import Booking

from .govuk import GovukFormMixin

URL, ROOM = "url", "room"

#: The field's own words when a value is too long (the model's limits).
TOO_LONG = {
    "video_url": "The join link must be 120 characters or fewer",
    "video_room": "The room number must be 8 letters or digits or fewer",
    "video_pin": "The PIN must be 8 digits or fewer",
}
REQUIRED = {
    URL: ("video_url", "Enter the court's join link"),
    ROOM: ("video_room", "Enter the court's room number"),
}


def model_check(name: str, value: str) -> list[str]:
    """What the booking model says is wrong with `value` for its field `name`, in its words."""
    try:
        Booking._meta.get_field(name).run_validators(value)
    except ValidationError as error:
        return [
            TOO_LONG[name] if getattr(item, "code", None) == "max_length" else item.message
            for item in error.error_list
        ]
    return []


class VideoLinkForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[(URL, "Join link"), (ROOM, "Room number")],
        widget=forms.RadioSelect,
        label="What did the court give you?",
        error_messages={"required": "Choose whether the court gave a join link or a room number"},
    )
    video_url = forms.CharField(
        required=False,
        strip=True,
        label="The court's join link",
        help_text="It starts https://, for example https://join.meet.video.justice.gov.uk/3051",
    )
    video_room = forms.CharField(
        required=False,
        strip=True,
        label="The court's room number",
        help_text="Up to 8 letters or digits, for example 3051",
    )
    video_pin = forms.CharField(
        required=False,
        strip=True,
        label="Guest PIN (optional)",
        help_text="Up to 8 digits, for example 4821",
    )

    #: The radios are rendered by the page's template: the summary links to the first one.
    error_anchors = {"kind": "kind"}
    #: A refusal from the service, by the field it names.
    refusal_fields = {
        "video_url": "video_url",
        "video_room": "video_room",
        "video_pin": "video_pin",
    }

    def __init__(self, *args, booking: Booking, **kwargs):
        kind = ROOM if booking.video_room else URL if booking.video_url else None
        kwargs.setdefault(
            "initial",
            {
                "kind": kind,
                "video_url": booking.video_url,
                "video_room": booking.video_room,
                "video_pin": booking.video_pin,
            },
        )
        super().__init__(*args, **kwargs)
        for name in ("video_url", "video_room", "video_pin"):
            self.fields[name].widget.attrs.update(spellcheck="false", autocomplete="off")
        self.fields["video_pin"].widget.attrs.update(inputmode="numeric")
        self.fields["video_room"].widget.attrs["class"] += " govuk-input--width-10"
        self.fields["video_pin"].widget.attrs["class"] += " govuk-input--width-10"

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind is None:
            return data
        # Without JavaScript both boxes show, and both may be filled: the one chosen counts.
        chosen, required = REQUIRED[kind]
        other = REQUIRED[ROOM if kind == URL else URL][0]
        data[other] = ""
        if not data.get(chosen):
            self.add_error(chosen, required)
        for name in (chosen, "video_pin"):
            for message in model_check(name, data.get(name, "")) if data.get(name) else []:
                self.add_error(name, message)
        return data

    def link(self) -> dict[str, str]:
        """What goes to `booking_set_video_link`."""
        return {name: self.cleaned_data[name] for name in ("video_url", "video_room", "video_pin")}
