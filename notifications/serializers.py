from rest_framework import serializers

from .models import Message


class MessageSerializer(serializers.ModelSerializer):
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
