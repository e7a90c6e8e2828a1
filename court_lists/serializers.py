"""What the API says about the lists read and the changes they brought: output only (a list
comes in as its own document, with its headers; a change is decided by its actions)."""

from rest_framework import serializers

from bookings.models import HearingType
from core.api import ModelSerializer

from .models import CourtList, ListChange


class SlotSerializer(serializers.Serializer):
    """Where and when a hearing sits: its start (UTC) and courtroom."""

    starts_at = serializers.DateTimeField(read_only=True)
    courtroom = serializers.CharField(read_only=True)


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice kept blank where it does not apply, said as null."""

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ListChangeSerializer(ModelSerializer):
    hearing_type = BlankAsNullChoiceField(
        choices=HearingType.choices,
        read_only=True,
        allow_null=True,
        help_text="For an added hearing, its type; null otherwise.",
    )
    court = serializers.IntegerField(
        source="court_list.court_id", read_only=True, help_text="The court whose list it is."
    )
    before = SlotSerializer(
        read_only=True, allow_null=True, help_text="The hearing's slot; null when added."
    )
    after = SlotSerializer(
        read_only=True,
        allow_null=True,
        help_text="The slot the list gives it; null when it is no longer in the list.",
    )
    bookings = serializers.ListField(
        source="booking_ids",
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The bookings applying it moved or stood down (empty until applied).",
    )

    class Meta:
        model = ListChange
        fields = [
            "id",
            "court_list",
            "court",
            "kind",
            "case_reference",
            "hearing",
            "hearing_type",
            "before",
            "after",
            "state",
            "bookings",
            "decided_at",
            "superseded_by",
        ]
        read_only_fields = fields


class CourtListSerializer(ModelSerializer):
    court_code = serializers.CharField(source="court.code", read_only=True)
    changes = ListChangeSerializer(many=True, read_only=True)

    class Meta:
        model = CourtList
        fields = [
            "id",
            "court",
            "court_code",
            "list_type",
            "content_date",
            "language",
            "provenance",
            "sensitivity",
            "published_at",
            "document_version",
            "received_at",
            "outcome",
            "changes",
        ]
        read_only_fields = fields
