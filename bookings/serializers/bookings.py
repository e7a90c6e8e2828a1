"""Bookings, the requests that move one through its states, its history and the attention
list."""

from rest_framework import serializers

from accounts.models import Role
from core.api import ModelSerializer, OffsetDateTimeField
from core.validators import no_control_characters, no_control_characters_but_line_breaks
from evidence_suites.models import Suite

from .. import selectors, visibility
from ..models import AttentionFlag, Booking, BookingEvent, Outcome
from ..services.video_link import VIDEO_LINK_FIELDS
from . import PolicyFieldsMixin


class ScopedHearingField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.hearing_list(user=self.context["request"].user)


class ScopedWitnessField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.witness_list(user=self.context["request"].user)


#: What only the booking's actions change (cancel, check in, complete, the witness's reply):
#: shown, never written field by field.
SET_BY_ACTIONS = [
    "status",
    "cancellation_reason",
    "outcome",
    "checked_in_at",
    "released_at",
    "witness_confirmed_at",
]


class BookingSerializer(PolicyFieldsMixin, ModelSerializer):
    policy_part = visibility.BOOKING

    hearing = ScopedHearingField()
    witness = ScopedWitnessField()
    suite = serializers.PrimaryKeyRelatedField(queryset=Suite.objects.all())
    starts_at = OffsetDateTimeField(required=False, help_text="Default: the hearing's start.")
    ends_at = OffsetDateTimeField(required=False, help_text="Default: the hearing's end.")
    suite_code = serializers.CharField(source="suite.code", read_only=True)
    court = serializers.IntegerField(source="hearing.court_id", read_only=True)
    case_reference = serializers.CharField(source="hearing.case_reference", read_only=True)
    witness_type = serializers.CharField(source="witness.witness_type", read_only=True)
    witness_initials = serializers.SerializerMethodField(
        help_text='The initials a court sees ("withheld" once the witness is anonymised).'
    )
    override_unavailability = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        validators=[no_control_characters],
        help_text="Why the witness is booked over their dates to avoid (kept in the booking's "
        "history). Without it, a booking or move into such a period is 409 "
        "`witness_unavailable_dates`; ignored when there is none.",
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "reference",
            "hearing",
            "witness",
            "witness_type",
            "witness_initials",
            "suite",
            "suite_code",
            "court",
            "case_reference",
            "starts_at",
            "ends_at",
            *SET_BY_ACTIONS,
            "live_link_basis",
            "needs_supporter",
            "needs_intermediary",
            "interpreter_language",
            "notes",
            *VIDEO_LINK_FIELDS,
            "link_version",
            "override_unavailability",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            *SET_BY_ACTIONS,
            "link_version",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "video_url": {"help_text": "The court's https join link, up to 120 characters."},
            "video_room": {
                "help_text": "Or the court's room number, up to 8 letters or digits (not both)."
            },
            "video_pin": {"help_text": "The guest PIN, up to 8 digits, with the link or room."},
            "link_version": {"help_text": "Rises each time the court's link changes."},
        }

    def get_witness_initials(self, booking: Booking) -> str:
        return visibility.witness_label(Role.COURT_USER, booking.witness)


class BookingUpdateSerializer(BookingSerializer):
    """PATCH: `suite`, `starts_at`, `ends_at` reschedule (with `override_unavailability` over
    the witness's dates to avoid); `video_url`, `video_room`, `video_pin` set the court's link
    (the court's users may send only these); the rest are details. All in one transaction."""

    hearing = ScopedHearingField(read_only=True)
    witness = ScopedWitnessField(read_only=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, validators=[no_control_characters_but_line_breaks]
    )


class CheckInSerializer(serializers.Serializer):
    at = OffsetDateTimeField(required=False, help_text="Arrival time; default now.")


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    released_at = OffsetDateTimeField(required=False, help_text="Default now, if checked in.")


class BookingEventSerializer(ModelSerializer):
    """One history entry. `changes` holds only the fields the caller may see of the booking
    (bookings.visibility): a court user's entries never show a staff note, before or after."""

    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = BookingEvent
        fields = ["at", "actor", "action", "changes"]

    def to_representation(self, event):
        data = super().to_representation(event)
        request = self.context.get("request")
        user = request.user if request is not None else None
        data["changes"] = visibility.visible(user, visibility.HISTORY, data["changes"] or {})
        return data


class AttentionFlagSerializer(ModelSerializer):
    booking_reference = serializers.CharField(source="booking.reference", read_only=True)

    class Meta:
        model = AttentionFlag
        fields = ["id", "booking", "booking_reference", "kind", "detail", "data", "created_at"]


class AttentionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="flag_id", allow_null=True)
    booking = serializers.IntegerField(source="booking.pk")
    booking_reference = serializers.CharField(source="booking.reference")
    kind = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    data = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="since")

    def get_data(self, item) -> dict:
        return item.data or {}
