"""Witnesses: a new one is of the caller's force unless an admin names another, and is written
to in the language they chose, else their force's default."""

from rest_framework import serializers

from accounts.permissions import is_admin
from core.api import ModelSerializer
from core.languages import Language
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
    # Blank (or left out) is "not said": the witness takes their force's
    # `default_witness_language` when saved (Witness.save), and the answer shows that value.
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        allow_blank=True,
        help_text="The language their texts, page and invites are in: `en` English, `cy` "
        "Welsh, `en_cy` both in one message, Welsh first. Left out or blank: their force's "
        "`default_witness_language`; the answer always shows the language in use.",
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
            "language",
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
