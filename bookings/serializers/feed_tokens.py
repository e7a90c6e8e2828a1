"""Calendar feed tokens: as listed, as made (the one answer with the address), and the request
that makes one."""

from rest_framework import serializers

from core.api import ModelSerializer
from core.validators import no_control_characters

from .. import feeds
from ..models import FeedScope, FeedToken


class FeedTokenSerializer(ModelSerializer):
    """A feed token as listed: never its secret, which was shown once when it was made."""

    object_id = serializers.IntegerField(read_only=True)
    object_name = serializers.SerializerMethodField()
    created_by_username = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True
    )
    is_stale = serializers.SerializerMethodField(
        help_text="Not fetched by any calendar in the last 24 hours (or never)."
    )
    is_working = serializers.SerializerMethodField(
        help_text="false: its address answers 404, as if revoked, because the user who made it "
        "is deactivated or deleted, or may no longer subscribe to its court, suite or officer "
        "(another role, court or force). Revoke it; its subscriber needs a new one."
    )

    class Meta:
        model = FeedToken
        fields = [
            "id",
            "scope",
            "object_id",
            "object_name",
            "label",
            "created_at",
            "created_by",
            "created_by_username",
            "last_fetched_at",
            "last_user_agent",
            "is_stale",
            "is_working",
        ]
        read_only_fields = fields

    def get_object_name(self, token: FeedToken) -> str:
        return str(token.subject)

    def get_is_stale(self, token: FeedToken) -> bool:
        return feeds.is_stale(token)

    def get_is_working(self, token: FeedToken) -> bool:
        return feeds.token_works(token)


class FeedTokenCreatedSerializer(FeedTokenSerializer):
    url = serializers.SerializerMethodField(
        help_text="The feed's secret address, to paste into a calendar as a subscription. "
        "Shown in this response only: keep it like a password."
    )

    class Meta(FeedTokenSerializer.Meta):
        fields = ["id", "url", *FeedTokenSerializer.Meta.fields[1:]]
        read_only_fields = fields

    def get_url(self, token: FeedToken) -> str:
        return feeds.feed_url(token.secret)


class FeedTokenCreateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=FeedScope.choices)
    object_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the court, suite or witness (a police officer) to subscribe to.",
    )
    label = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        validators=[no_control_characters],
        help_text="Whose calendar it is for, e.g. 'List office'. Not shown in the feed.",
    )

    def validate(self, attrs):
        subject = (
            feeds.feed_subjects(user=self.context["request"].user, scope=attrs["scope"])
            .filter(pk=attrs["object_id"])
            .first()
        )
        if subject is None:
            # The same answer whether it does not exist or is not the caller's to subscribe to.
            raise serializers.ValidationError(
                {"object_id": [f'Invalid pk "{attrs["object_id"]}" - object does not exist.']}
            )
        attrs["subject"] = subject
        return attrs
