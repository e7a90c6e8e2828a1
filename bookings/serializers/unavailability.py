"""A witness's dates to avoid: periods with their reason and note (the witness's own force's
to see: only those who may see the witness reach them)."""

from rest_framework import serializers

from core.api import ModelSerializer, OffsetDateTimeField

from ..models import Unavailability, UnavailabilityReason


class UnavailabilitySerializer(ModelSerializer):
    starts_at = OffsetDateTimeField(help_text="ISO 8601 with offset.")
    ends_at = OffsetDateTimeField(help_text="ISO 8601 with offset; after starts_at.")
    reason = serializers.ChoiceField(choices=UnavailabilityReason.choices)

    class Meta:
        model = Unavailability
        fields = ["id", "starts_at", "ends_at", "reason", "note", "source"]
        read_only_fields = ["source"]

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["Must be after starts_at."]})
        return attrs
