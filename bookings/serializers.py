"""Request and response shapes for courts, hearings, witnesses and bookings. No rules here:
they live in services; related-object querysets here only scope what a caller may refer to."""

from rest_framework import serializers

from accounts.models import Role
from accounts.permissions import is_admin
from core.api import ModelSerializer, OffsetDateTimeField
from core.validators import no_control_characters, no_control_characters_but_line_breaks
from evidence_suites.models import Force, Suite

from . import feeds, selectors, visibility
from .models import (
    AttentionFlag,
    Booking,
    BookingEvent,
    Court,
    FeedScope,
    FeedToken,
    Hearing,
    Outcome,
    Witness,
)
from .phone import WitnessPhoneField


def _user(serializer):
    return serializer.context["request"].user


class PolicyFieldsMixin:
    """Leaves out the fields the caller's role may not see (bookings.visibility, part
    `policy_part`). The schema, generated without a caller, shows them all; each one left out
    for some callers must not be listed as required in the response: a writable field with
    required=False is not, but drf-spectacular lists every read-only field as required
    (tests/bookings/test_field_policy.py checks the schema)."""

    policy_part: str

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        view = self.context.get("view")
        if request is None or getattr(view, "swagger_fake_view", False):
            return fields
        return visibility.visible(request.user, self.policy_part, fields)


class CourtSerializer(ModelSerializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)

    class Meta:
        model = Court
        fields = [
            "id",
            "code",
            "name",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "contact_email",
            "contact_phone",
        ]
        extra_kwargs = {"code": {"validators": []}}


class ScopedCourtField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        user = self.context["request"].user
        courts = Court.objects.all()
        if not is_admin(user) and user.role == Role.COURT_USER:
            courts = courts.filter(pk=user.court_id)
        return courts


class HearingSerializer(ModelSerializer):
    court = ScopedCourtField()
    court_code = serializers.CharField(source="court.code", read_only=True)
    starts_at = OffsetDateTimeField()
    ends_at = OffsetDateTimeField()

    class Meta:
        model = Hearing
        fields = [
            "id",
            "court",
            "court_code",
            "case_reference",
            "hearing_type",
            "courtroom",
            "starts_at",
            "ends_at",
            "status",
            "vacated_reason",
        ]
        read_only_fields = ["vacated_reason"]


class HearingCreateSerializer(HearingSerializer):
    class Meta(HearingSerializer.Meta):
        read_only_fields = ["vacated_reason", "status"]


class HearingUpdateSerializer(HearingSerializer):
    court = ScopedCourtField(read_only=True)


class VacateSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, validators=[no_control_characters_but_line_breaks]
    )


class RelistSerializer(serializers.Serializer):
    starts_at = OffsetDateTimeField()
    ends_at = OffsetDateTimeField()


class ScopedForceField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        user = self.context["request"].user
        forces = Force.objects.all()
        if not is_admin(user):
            forces = forces.filter(pk=user.force_id)
        return forces


class WitnessSerializer(ModelSerializer):
    force = ScopedForceField(required=False)
    force_code = serializers.CharField(source="force.code", read_only=True)
    phone = WitnessPhoneField(
        required=False,
        allow_blank=True,
        help_text="Any common UK or international form in (07700 900123, +44 7700 900123); "
        "E.164 out.",
    )

    class Meta:
        model = Witness
        fields = [
            "id",
            "full_name",
            "witness_type",
            "force",
            "force_code",
            "collar_number",
            "phone",
            "email",
            "sms_opt_out",
            "anonymised_at",
        ]
        read_only_fields = ["sms_opt_out", "anonymised_at"]

    def validate(self, attrs):
        if self.instance is None and "force" not in attrs:
            user = _user(self)
            if user.force_id is None:
                raise serializers.ValidationError({"force": ["This field is required."]})
            attrs["force"] = user.force
        return attrs


class ScopedHearingField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.hearing_list(user=self.context["request"].user)


class ScopedWitnessField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.witness_list(user=self.context["request"].user)


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
            "status",
            "cancellation_reason",
            "outcome",
            "checked_in_at",
            "released_at",
            "witness_confirmed_at",
            "live_link_basis",
            "needs_supporter",
            "needs_intermediary",
            "interpreter_language",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "status",
            "cancellation_reason",
            "outcome",
            "checked_in_at",
            "released_at",
            "witness_confirmed_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_witness_initials(self, booking: Booking) -> str:
        return visibility.witness_label(Role.COURT_USER, booking.witness)


class BookingUpdateSerializer(BookingSerializer):
    """PATCH: `suite`, `starts_at`, `ends_at` reschedule; the rest are details."""

    hearing = ScopedHearingField(read_only=True)
    witness = ScopedWitnessField(read_only=True)


class HearingChangeSerializer(HearingSerializer):
    """The answer to a vacate or relist: the hearing as it now is, and what the change did."""

    bookings = BookingSerializer(
        source="affected_bookings",
        many=True,
        read_only=True,
        help_text="Every booking the change touched, as it now is: stood down (cancelled) or "
        "released by a vacate; moved, or left where it was and flagged, by a relist.",
    )

    class Meta(HearingSerializer.Meta):
        fields = [*HearingSerializer.Meta.fields, "bookings"]


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


class AvailabilityQuerySerializer(serializers.Serializer):
    starts_at = OffsetDateTimeField()
    ends_at = OffsetDateTimeField()
    near = serializers.CharField(required=False, help_text="LAT,LON, e.g. 50.8225,-0.1372")
    force = serializers.PrimaryKeyRelatedField(queryset=Force.objects.all(), required=False)

    def validate_near(self, value):
        try:
            lat_text, lon_text = value.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            raise serializers.ValidationError("Give LAT,LON in decimal degrees.") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise serializers.ValidationError("Latitude or longitude out of range.")
        return (lat, lon)

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["Must be after starts_at."]})
        return attrs


class AvailableSuiteSerializer(serializers.Serializer):
    suite = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    force = serializers.IntegerField()
    force_code = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)
    address = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    location_confidential = serializers.BooleanField()
    capacity = serializers.IntegerField()
    turnaround_minutes = serializers.IntegerField()


# --- Calendar feed tokens ---------------------------------------------------------------------


class FeedTokenSerializer(ModelSerializer):
    """A feed token as listed: never its secret, which was shown once when it was made."""

    object_id = serializers.IntegerField(read_only=True)
    object_name = serializers.SerializerMethodField()
    created_by_username = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    is_stale = serializers.SerializerMethodField(
        help_text="Not fetched by any calendar in the last 24 hours (or never)."
    )
    is_working = serializers.SerializerMethodField(
        help_text="false: its address answers 404, as if revoked, because the user who made it "
        "is deactivated or deleted, or may no longer subscribe to its court, suite or officer "
        "(another role, court or force). Revoke it; its subscriber needs a new one."
    )

    class Meta:
        model = FeedToken
        fields = [
            "id",
            "scope",
            "object_id",
            "object_name",
            "label",
            "created_at",
            "created_by",
            "created_by_username",
            "last_fetched_at",
            "last_user_agent",
            "is_stale",
            "is_working",
        ]
        read_only_fields = fields

    def get_object_name(self, token: FeedToken) -> str:
        return str(token.subject)

    def get_is_stale(self, token: FeedToken) -> bool:
        return feeds.is_stale(token)

    def get_is_working(self, token: FeedToken) -> bool:
        return feeds.token_works(token)


class FeedTokenCreatedSerializer(FeedTokenSerializer):
    url = serializers.SerializerMethodField(
        help_text="The feed's secret address, to paste into a calendar as a subscription. "
        "Shown in this response only: keep it like a password."
    )

    class Meta(FeedTokenSerializer.Meta):
        fields = ["id", "url", *FeedTokenSerializer.Meta.fields[1:]]
        read_only_fields = fields

    def get_url(self, token: FeedToken) -> str:
        return feeds.feed_url(token.secret)


class FeedTokenCreateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=FeedScope.choices)
    object_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the court, suite or witness (a police officer) to subscribe to.",
    )
    label = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        validators=[no_control_characters],
        help_text="Whose calendar it is for, e.g. 'List office'. Not shown in the feed.",
    )

    def validate(self, attrs):
        subject = (
            feeds.feed_subjects(user=_user(self), scope=attrs["scope"])
            .filter(pk=attrs["object_id"])
            .first()
        )
        if subject is None:
            # The same answer whether it does not exist or is not the caller's to subscribe to.
            raise serializers.ValidationError(
                {"object_id": [f'Invalid pk "{attrs["object_id"]}" - object does not exist.']}
            )
        attrs["subject"] = subject
        return attrs
