"""HTTP for what the booking side says of suites: which are free for a window, and their
closures (closing a suite touches the bookings in it): parse, call one service, serialise."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence_suites import selectors as suite_selectors
from evidence_suites.api import require_manager_of
from evidence_suites.models import Closure, Suite
from evidence_suites.serializers import ClosureSerializer
from evidence_suites.whereabouts import hide_whereabouts

from .. import selectors, services
from ..serializers.availability import AvailabilityQuerySerializer, AvailableSuiteSerializer
from .base import AddOrDeleteViewSet


@extend_schema(
    tags=["availability"],
    parameters=[
        OpenApiParameter("starts_at", str, required=True, description="ISO 8601 with offset."),
        OpenApiParameter("ends_at", str, required=True, description="ISO 8601 with offset."),
        OpenApiParameter("near", str, required=False, description="LAT,LON: nearest first."),
        OpenApiParameter("force", int, required=False),
    ],
    responses=inline_serializer(
        "AvailabilityResponse",
        fields={
            "count": serializers.IntegerField(),
            "results": AvailableSuiteSerializer(many=True),
        },
    ),
)
class AvailabilityView(APIView):
    """Suites free and open for the whole window, nearest first when `near` is given."""

    def get(self, request):
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        results = selectors.available_suites(
            starts_at=params["starts_at"],
            ends_at=params["ends_at"],
            near=params.get("near"),
            force=params.get("force"),
        )
        for row in results:
            hide_whereabouts(request.user, row, row)
        return Response({"count": len(results), "results": results})


@extend_schema(tags=["suites"])
class ClosureViewSet(AddOrDeleteViewSet):
    """A suite's closures: dated periods when it cannot be booked. Closing a suite over
    existing bookings puts them on the attention list with free suites suggested."""

    serializer_class = ClosureSerializer
    write_ability = "manage_suites"
    queryset = Closure.objects.none()

    def get_suite(self) -> Suite:
        suite = get_object_or_404(Suite.objects.all(), pk=self.kwargs["suite_pk"])
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            require_manager_of(self.request.user, suite)
        return suite

    def scoped_queryset(self):
        return suite_selectors.closure_list(suite=self.get_suite())

    def create_response(self, request, *args, **kwargs):
        suite = self.get_suite()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closure = services.suite_closure_add(
            actor=request.user, suite=suite, **serializer.validated_data
        )
        return Response(self.get_serializer(closure).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.suite_closure_remove(actor=self.request.user, closure=instance)
