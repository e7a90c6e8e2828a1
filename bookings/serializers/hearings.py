"""Courts and their hearings, and what a vacate or relist answers."""

from rest_framework import serializers

from accounts.models import Role
from accounts.permissions import is_admin
from core.api import ModelSerializer, OffsetDateTimeField
from core.validators import no_control_characters_but_line_breaks

from ..models import Court, Hearing
from .bookings import BookingSerializer


def cath_location_id_check(value: str) -> None:
    """CaTH's location id in its one spelling, a number without leading zeros (1823), since a
    pushed list's `x-court-id` finds its court by plain equality."""
    if not (value.isascii() and value.isdigit() and value.lstrip("0")):
        raise serializers.ValidationError("A CaTH location id is a number, e.g. 1823.")
    if value.startswith("0"):
        raise serializers.ValidationError(
            f"Without leading zeros: {value.lstrip('0')}, not {value} (as CaTH's lists name "
            "the court)."
        )


class CourtSerializer(ModelSerializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    cath_location_id = serializers.CharField(
        max_length=10,
        required=False,
        allow_null=True,
        validators=[cath_location_id_check],
        help_text="The number HMCTS's publishing service (CaTH) gives this court's lists "
        "(`x-court-id`), e.g. 1823; null when its lists do not come to the service.",
    )

    class Meta:
        model = Court
        fields = [
            "id",
            "code",
            "name",
            "name_cy",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "contact_email",
            "contact_phone",
            "cath_location_id",
            "list_changes",
        ]
        extra_kwargs = {
            "code": {"validators": []},
            "name_cy": {
                "help_text": "The court's name in Welsh, for Welsh text (e.g. Llys Ynadon "
                "Casnewydd); blank: the English `name` there too."
            },
        }


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
