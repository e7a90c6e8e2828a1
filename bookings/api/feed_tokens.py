"""HTTP for calendar feed tokens: parse, call one service, serialise."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from .. import feeds, services
from ..models import FeedToken
from ..serializers.feed_tokens import (
    FeedTokenCreatedSerializer,
    FeedTokenCreateSerializer,
    FeedTokenSerializer,
)
from .base import AddOrDeleteViewSet


class FeedTokenFilter(filters.FilterSet):
    stale = filters.BooleanFilter(
        method="filter_stale",
        help_text="true: only tokens no calendar has fetched in the last 24 hours (or ever).",
    )

    class Meta:
        model = FeedToken
        fields = ["scope"]

    def filter_stale(self, queryset, name, value):
        quiet = feeds.stale_tokens()
        return queryset.filter(quiet) if value else queryset.exclude(quiet)


@extend_schema(tags=["feeds"])
@extend_schema_view(
    create=extend_schema(
        request=FeedTokenCreateSerializer, responses={201: FeedTokenCreatedSerializer}
    ),
    destroy=extend_schema(responses={204: None}),
)
class FeedTokenViewSet(AddOrDeleteViewSet):
    """Secret addresses of calendar feeds (`/feeds/<token>.ics`): a court user subscribes to
    their court's; a suite manager to their force's suites'; a scheduler to their force's
    suites' and officers'; an admin to any. The address is in the create response only. Each
    user lists and revokes (DELETE) the tokens they made; admins, everyone's.

    With an `Idempotency-Key`, a repeated create returns the first response again, address
    included, to the same user: to replay it, that response is stored with the key, so a create
    sent with a key leaves the address in clear in the idempotency record (one sent without a
    key leaves only the hash)."""

    serializer_class = FeedTokenSerializer
    write_ability = "subscribe"
    filterset_class = FeedTokenFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    queryset = FeedToken.objects.none()

    def scoped_queryset(self):
        return feeds.feed_token_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return FeedTokenCreateSerializer
        return FeedTokenSerializer

    def create_response(self, request, *args, **kwargs):
        serializer = FeedTokenCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token = services.feed_token_create(
            actor=request.user, scope=data["scope"], subject=data["subject"], label=data["label"]
        )
        return Response(
            FeedTokenCreatedSerializer(token, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance):
        services.feed_token_revoke(actor=self.request.user, token=instance)
