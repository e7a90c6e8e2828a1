"""The availability search: its query, and each suite it finds."""

from rest_framework import serializers

from core.api import OffsetDateTimeField
from evidence_suites.models import Force


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
