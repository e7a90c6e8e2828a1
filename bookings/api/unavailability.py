"""HTTP for a witness's dates to avoid: parse, call one service, serialise. Only those who may
see the witness (their force's schedulers, admins: selectors.witness_list) reach them; anyone
else gets the witnesses API's 404. Every read is audited, as a read of the witness's record is."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts import audit
from accounts.idempotency import IdempotentCreateMixin
from accounts.permissions import ReadOrRoles
from core.api import ScopedQuerysetMixin

from .. import selectors, services
from ..models import Unavailability, Witness
from ..serializers.unavailability import UnavailabilitySerializer


@extend_schema(tags=["witnesses"])
@extend_schema_view(destroy=extend_schema(responses={204: None}))
class UnavailabilityViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A witness's dates to avoid (leave, rest days, night shifts, courses, sickness): a
    booking into one is 409 `witness_unavailable_dates` unless it gives
    `override_unavailability`. A night shift ending after 06:00 also takes that morning, to
    13:00 (London time). Their force's schedulers list, add and delete them (a wrong one is
    deleted and another added)."""

    serializer_class = UnavailabilitySerializer
    permission_classes = [ReadOrRoles]
    write_ability = "manage_unavailability"
    http_method_names = ["get", "post", "delete", "head", "options"]

    queryset = Unavailability.objects.none()

    def get_witness(self) -> Witness:
        return get_object_or_404(
            selectors.witness_list(user=self.request.user), pk=self.kwargs["witness_pk"]
        )

    def scoped_queryset(self):
        return self.get_witness().unavailability.order_by("starts_at", "id")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit.record_access([self.get_witness()], via="API witness dates to avoid")
        return response

    def create_response(self, request, *args, **kwargs):
        witness = self.get_witness()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = services.unavailability_add(
            actor=request.user, witness=witness, **serializer.validated_data
        )
        return Response(self.get_serializer(period).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.unavailability_remove(actor=self.request.user, period=instance)
