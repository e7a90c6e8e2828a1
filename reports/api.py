"""HTTP for the reports: parse the period, compute, render JSON or CSV."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ReadOrRoles
from bookings.selectors import booking_list

from . import selectors, services
from .models import Assumption
from .renderers import HoursSavedCSVRenderer
from .serializers import AssumptionSerializer, ReportQuerySerializer

PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day, inclusive."),
]


class KnownFormatNegotiation(DefaultContentNegotiation):
    """`?format=` other than json or csv is bad input naming the parameter, not a 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted and wanted not in {r.format for r in renderers}:
            raise ValidationError({"format": ["Choose json or csv."]})
        return super().select_renderer(request, renderers, format_suffix)


def _period(request) -> tuple[selectors.Period, str]:
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return selectors.Period(data["from"], data["to"]), data["group_by"]


@extend_schema(
    tags=["reports"],
    parameters=[
        *PERIOD_PARAMETERS,
        OpenApiParameter("group_by", str, enum=sorted(selectors.GROUPS), required=False),
        OpenApiParameter("format", str, enum=["json", "csv"], required=False),
    ],
    responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
)
class HoursSavedView(APIView):
    """Police officer hours saved, as a low–central–high range with the £ value, for the
    bookings the caller may see; every assumption is returned with its source."""

    renderer_classes = [JSONRenderer, HoursSavedCSVRenderer]
    content_negotiation_class = KnownFormatNegotiation

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (and OPTIONS metadata) always in JSON, even when the CSV was asked for.
        if response.status_code >= 400 or request.method == "OPTIONS":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def get(self, request):
        period, group_by = _period(request)
        report = selectors.hours_saved(
            bookings=booking_list(user=request.user), period=period, group_by=group_by
        )
        response = Response(report)
        if getattr(request.accepted_renderer, "format", "") == "csv":
            response["Content-Disposition"] = (
                f'attachment; filename="hours-saved-{period.starts}-{period.ends}.csv"'
            )
        return response


@extend_schema(tags=["reports"], parameters=PERIOD_PARAMETERS, responses=OpenApiTypes.OBJECT)
class ManagementInformationView(APIView):
    """Per suite: utilisation, no-show rate, SMS delivery rate, share of witnesses who
    confirmed."""

    def get(self, request):
        period, _group_by = _period(request)
        return Response(
            selectors.management_information(
                bookings=booking_list(user=request.user), period=period
            )
        )


@extend_schema(tags=["reports"])
class AssumptionViewSet(mixins.ListModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The figures the report rests on. Everyone reads them; admins change them."""

    serializer_class = AssumptionSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "administer"
    queryset = Assumption.objects.select_related("force").order_by("key", "force_id")
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.assumption_update(
            actor=self.request.user, assumption=serializer.instance, **serializer.validated_data
        )
