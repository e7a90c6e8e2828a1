"""HTTP for courts and their hearings: parse, call one service, serialise."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from core.filters import DayFilter
from core.schema import ErrorSerializer

from .. import selectors, services
from ..models import Court, Hearing
from ..serializers.hearings import (
    CourtSerializer,
    HearingChangeSerializer,
    HearingCreateSerializer,
    HearingSerializer,
    HearingUpdateSerializer,
    RelistSerializer,
    VacateSerializer,
)
from .base import RecordViewSet, StartsFilter


@extend_schema(tags=["courts"])
@extend_schema_view(
    partial_update=extend_schema(
        description="An admin changes a court field by field, among them its CaTH location id "
        "(`cath_location_id`, the `x-court-id` its pushed lists carry) and its `list_changes` "
        "policy."
    )
)
class CourtViewSet(RecordViewSet):
    """Magistrates' courts. Everyone signed in reads them; admins add them."""

    serializer_class = CourtSerializer
    write_ability = "administer"

    queryset = Court.objects.none()

    def scoped_queryset(self):
        return selectors.court_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.court_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.court_update(
            court=serializer.instance, **serializer.validated_data
        )


class HearingFilter(StartsFilter):
    date = DayFilter(method="filter_date", help_text="Hearings on this day (UK time).")

    class Meta:
        model = Hearing
        fields = ["court", "status", "hearing_type", "case_reference"]


HEARING_SHARED = OpenApiResponse(
    ErrorSerializer,
    description="`hearing_shared`: a scheduler may change a hearing only while every active "
    "booking on it is their force's; `detail` says how many other forces' bookings are on it. "
    "Nothing changed: the court or an admin may change it. Also `hearing_not_listed`, "
    "`hearing_concluded`, `booking_changed`.",
)


@extend_schema(tags=["hearings"])
@extend_schema_view(
    partial_update=extend_schema(responses={200: HearingSerializer, 409: HEARING_SHARED})
)
class HearingViewSet(RecordViewSet):
    """Court hearing slots. Court users see and change their own court's; schedulers and
    admins see all. Vacating stands the booked witnesses down; relisting moves them.

    Who may change one (PATCH, vacate, relist) is one rule, `rules.hearing_change_refusal`,
    asked by the services with the hearing locked: admins and the court's users always; a
    scheduler only while every active booking on it is their force's (else 409
    `hearing_shared`)."""

    write_ability = "change_hearings"
    filterset_class = HearingFilter

    queryset = Hearing.objects.none()

    def scoped_queryset(self):
        return selectors.hearing_list(user=self.request.user).order_by("starts_at", "id")

    def get_serializer_class(self):
        if self.action == "create":
            return HearingCreateSerializer
        if self.action == "partial_update":
            return HearingUpdateSerializer
        if self.action == "vacate":
            return VacateSerializer
        if self.action == "relist":
            return RelistSerializer
        return HearingSerializer

    def perform_create(self, serializer):
        serializer.instance = services.hearing_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.hearing_update(
            actor=self.request.user, hearing=serializer.instance, **serializer.validated_data
        )

    def _hearing_with_bookings(self, hearing: Hearing) -> dict:
        """The hearing, and the bookings the change touched as they are now (all of them the
        caller's to see: the rule let only the court, an admin or the one force change it)."""
        hearing.affected_bookings = selectors.booking_list(user=self.request.user).filter(
            pk__in=hearing.affected_booking_ids
        )
        return HearingChangeSerializer(hearing, context=self.get_serializer_context()).data

    @extend_schema(
        request=VacateSerializer, responses={200: HearingChangeSerializer, 409: HEARING_SHARED}
    )
    @action(detail=True, methods=["post"])
    def vacate(self, request, pk=None):
        """The hearing is off: its bookings are cancelled with the reason and witnesses stood
        down (one already in a suite is released as not required). `bookings` lists each one
        this stood down or released."""
        hearing = self.get_object()
        serializer = VacateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hearing = services.hearing_vacate(
            actor=request.user, hearing=hearing, reason=serializer.validated_data["reason"]
        )
        return Response(self._hearing_with_bookings(hearing))

    @extend_schema(
        request=RelistSerializer, responses={200: HearingChangeSerializer, 409: HEARING_SHARED}
    )
    @action(detail=True, methods=["post"])
    def relist(self, request, pk=None):
        """The hearing moves: each booking follows it where its suite is free then; the others
        stay and are flagged for staff with the nearest free suites suggested. `bookings` lists
        each one it moved or flagged."""
        hearing = self.get_object()
        serializer = RelistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hearing = services.hearing_relist(
            actor=request.user, hearing=hearing, **serializer.validated_data
        )
        return Response(self._hearing_with_bookings(hearing))
