from rest_framework import serializers

from .models import Assumption
from .selectors import GROUPS


class ReportQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is declared under another name and renamed.
    from_ = serializers.DateField(help_text="First day, inclusive (UK dates).")
    to = serializers.DateField(help_text="Last day, inclusive.")
    group_by = serializers.ChoiceField(choices=sorted(GROUPS), default="month")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": ["Must be on or after from."]})
        if (attrs["to"] - attrs["from"]).days > 3 * 366:
            raise serializers.ValidationError({"to": ["A report covers at most three years."]})
        return attrs


class AssumptionSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_key_display", read_only=True)
    force_code = serializers.CharField(source="force.code", read_only=True, allow_null=True)

    class Meta:
        model = Assumption
        fields = [
            "id",
            "key",
            "label",
            "force",
            "force_code",
            "value",
            "unit",
            "kind",
            "year",
            "source",
            "source_url",
            "updated_at",
        ]
        read_only_fields = ["key", "force", "unit", "updated_at"]
        extra_kwargs = {"value": {"min_value": 0, "coerce_to_string": False}}
