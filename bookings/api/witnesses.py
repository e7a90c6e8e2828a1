"""HTTP for witnesses: parse, call one service, serialise; every read of one is audited."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from accounts import audit

from .. import selectors, services
from ..models import Witness
from ..serializers.witnesses import WitnessSerializer
from .base import RecordViewSet


class WitnessFilter(filters.FilterSet):
    search = filters.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta:
        model = Witness
        fields = ["witness_type", "force", "collar_number"]


@extend_schema(tags=["witnesses"])
class WitnessViewSet(RecordViewSet):
    """Witnesses: a scheduler sees and adds their own force's."""

    serializer_class = WitnessSerializer
    write_ability = "schedule"
    filterset_class = WitnessFilter

    queryset = Witness.objects.none()

    def scoped_queryset(self):
        return selectors.witness_list(user=self.request.user).order_by("full_name", "id")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # Each witness shown is a read of their personal data; what was searched for is a name.
        searched = "search" in request.query_params
        audit.record_access(
            self.paginator.page, via=f"API witness {'search' if searched else 'list'}"
        )
        return response

    def retrieve(self, request, *args, **kwargs):
        witness = self.get_object()
        audit.record_access([witness], via="API witness")
        return Response(self.get_serializer(witness).data)

    def perform_create(self, serializer):
        serializer.instance = services.witness_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.witness_update(
            witness=serializer.instance, **serializer.validated_data
        )
