from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ModelSerializer, OffsetDateTimeField
from core.validators import no_control_characters

from .models import Closure, Force, OpeningHours, Suite
from .whereabouts import hide_whereabouts

DEFAULT_LANGUAGE_HELP = (
    "The language a new witness of the force is written to in when they have not said: `en` "
    "English, `cy` Welsh, `en_cy` both in one message, Welsh first (forces in Wales). A change "
    "applies to witnesses entered from then on; those already entered keep theirs."
)


class ForceSerializer(ModelSerializer):
    class Meta:
        model = Force
        fields = ["id", "code", "name", "default_witness_language"]
        # Uniqueness is the service's to refuse (as a 409); the name's own rules still hold.
        extra_kwargs = {
            "code": {"validators": []},
            "name": {"validators": [no_control_characters]},
            "default_witness_language": {"help_text": DEFAULT_LANGUAGE_HELP},
        }


class ForceUpdateSerializer(ForceSerializer):
    """What an admin changes of a force (PATCH): its name and its witnesses' default language;
    the code stays its own (sign-ins and imports name the force by it)."""

    class Meta(ForceSerializer.Meta):
        read_only_fields = ["code"]


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "08:30"}
)
class HourMinuteField(serializers.TimeField):
    """A wall-clock time in Europe/London as HH:MM (the API's opening-hours format)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OpeningHoursSerializer(ModelSerializer):
    opens = HourMinuteField(help_text="Local time, HH:MM.")
    closes = HourMinuteField(help_text="Local time, HH:MM.")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class SuiteSerializer(ModelSerializer):
    force_code = serializers.CharField(source="force.code", read_only=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    opening_hours = OpeningHoursSerializer(many=True, required=False)

    class Meta:
        model = Suite
        fields = [
            "id",
            "code",
            "name",
            "name_cy",
            "force",
            "force_code",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "capacity",
            "is_active",
            "location_confidential",
            "turnaround_minutes",
            "opening_hours",
            "kit_notes",
            "accessibility_notes",
            "contact_phone",
            "contact_email",
            "video_endpoint",
            "video_platform",
        ]
        extra_kwargs = {
            "code": {"validators": []},
            "name_cy": {
                "help_text": "The public name in Welsh, for Welsh text; blank: the English "
                "`name` there too."
            },
            # What the court dials: court users need it, so it is not hidden with the
            # whereabouts of a confidential suite (its managers should not make it name the
            # place, e.g. sip:suite-4471@video.example.police.uk rather than the street).
            "video_endpoint": {
                "help_text": "The address the court dials (a SIP URI, a CVP or Teams address)."
            },
            "video_platform": {"help_text": "The video system the suite's kit joins calls on."},
            "capacity": {"min_value": 1, "max_value": 50},
            "turnaround_minutes": {"min_value": 0, "max_value": 240},
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = getattr(self.context.get("request"), "user", None)
        return hide_whereabouts(user, instance, data)


class ClosureSerializer(ModelSerializer):
    starts_at = OffsetDateTimeField()
    ends_at = OffsetDateTimeField()

    class Meta:
        model = Closure
        fields = ["id", "suite", "starts_at", "ends_at", "reason", "created_at"]
        read_only_fields = ["suite", "created_at"]
