from rest_framework import serializers

from bookings import visibility
from bookings.serializers import PolicyFieldsMixin

from .models import Message


class MessageSerializer(PolicyFieldsMixin, serializers.ModelSerializer):
    """A message as staff see it; a court user, without what it said (bookings.visibility)."""

    policy_part = visibility.MESSAGE

    class Meta:
        model = Message
        fields = [
            "id",
            "channel",
            "kind",
            "audience",
            "status",
            "status_detail",
            "provider_id",
            "error_code",
            "attempts",
            "booking_version",
            "not_before",
            "created_at",
            "sent_at",
            "delivered_at",
            "body",
        ]
        # Left out for court users, so not promised in every answer.
        extra_kwargs = {"body": {"required": False}, "status_detail": {"required": False}}
