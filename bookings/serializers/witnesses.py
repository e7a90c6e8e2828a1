"""Witnesses: a new one is of the caller's force unless an admin names another."""

from rest_framework import serializers

from accounts.permissions import is_admin
from core.api import ModelSerializer
from evidence_suites.models import Force

from ..models import Witness
from ..phone import WitnessPhoneField


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
            user = self.context["request"].user
            if user.force_id is None:
                raise serializers.ValidationError({"force": ["This field is required."]})
            attrs["force"] = user.force
        return attrs
