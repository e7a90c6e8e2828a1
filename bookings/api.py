"""HTTP for courts, hearings, witnesses, bookings and availability: parse, call one service,
serialise. Rules live in services; who may see what lives in selectors."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import audit
from accounts.idempotency import IdempotentCreateMixin
from accounts.models import Role
from accounts.permissions import ReadOrRoles
from core.api import ScopedQuerysetMixin
from core.filters import DayFilter, IdFilter, OffsetDateTimeFilter
from core.schema import ErrorSerializer
from evidence_suites import selectors as suite_selectors
from evidence_suites.api import require_manager_of
from evidence_suites.models import Closure, Suite
from evidence_suites.serializers import ClosureSerializer
from evidence_suites.whereabouts import hide_whereabouts

from . import feeds, selectors, services
from .models import AttentionFlag, Booking, FeedToken, Hearing, Witness
from .serializers import (
    AttentionFlagSerializer,
    AttentionItemSerializer,
    AvailabilityQuerySerializer,
    AvailableSuiteSerializer,
    BookingEventSerializer,
    BookingSerializer,
    BookingUpdateSerializer,
    CancelSerializer,
    CheckInSerializer,
    CompleteSerializer,
    CourtSerializer,
    FeedTokenCreatedSerializer,
    FeedTokenCreateSerializer,
    FeedTokenSerializer,
    HearingChangeSerializer,
    HearingCreateSerializer,
    HearingSerializer,
    HearingUpdateSerializer,
    RelistSerializer,
    VacateSerializer,
    WitnessSerializer,
)


@extend_schema(tags=["courts"])
class CourtViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Magistrates' courts. Everyone signed in reads them; admins add them."""

    serializer_class = CourtSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "administer"

    def get_queryset(self):
        return selectors.court_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.court_create(**serializer.validated_data)


class HearingFilter(filters.FilterSet):
    date = DayFilter(method="filter_date", help_text="Hearings on this day (UK time).")
    starts_after = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Hearing
        fields = ["court", "status", "hearing_type", "case_reference"]

    def filter_date(self, queryset, name, value):
        return queryset.filter(starts_at__date=value)


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
class HearingViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Court hearing slots. Court users see and change their own court's; schedulers and
    admins see all. Vacating stands the booked witnesses down; relisting moves them.

    Who may change one (PATCH, vacate, relist) is one rule, `rules.hearing_change_refusal`,
    asked by the services with the hearing locked: admins and the court's users always; a
    scheduler only while every active booking on it is their force's (else 409
    `hearing_shared`)."""

    permission_classes = [ReadOrRoles]
    write_ability = "change_hearings"
    filterset_class = HearingFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

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


class WitnessFilter(filters.FilterSet):
    search = filters.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta:
        model = Witness
        fields = ["witness_type", "force", "collar_number"]


@extend_schema(tags=["witnesses"])
class WitnessViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Witnesses: a scheduler sees and adds their own force's."""

    serializer_class = WitnessSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "schedule"
    filterset_class = WitnessFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

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


class BookingFilter(filters.FilterSet):
    date = DayFilter(method="filter_date", help_text="Bookings on this day (UK time).")
    starts_after = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    court = IdFilter(field_name="hearing__court")

    class Meta:
        model = Booking
        fields = ["status", "suite", "hearing", "witness", "outcome", "reference"]

    def filter_date(self, queryset, name, value):
        return queryset.filter(starts_at__date=value)


RESCHEDULE_FIELDS = ("suite", "starts_at", "ends_at")


@extend_schema(tags=["bookings"])
class BookingViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Witness bookings. A booking lies inside its suite's opening hours, outside its closures,
    and overlaps no other booking of the suite (set-up and turnaround included) or witness."""

    permission_classes = [ReadOrRoles]
    write_ability = "schedule"
    action_abilities = {"check_in": "attend", "complete": "attend"}
    filterset_class = BookingFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    queryset = Booking.objects.none()

    def scoped_queryset(self):
        return selectors.booking_list(user=self.request.user).order_by("starts_at", "id")

    def retrieve(self, request, *args, **kwargs):
        booking = self.get_object()
        audit.record_access([booking.witness], via="API booking", booking=booking.reference)
        return Response(self.get_serializer(booking).data)

    def get_serializer_class(self):
        return {
            "partial_update": BookingUpdateSerializer,
            "cancel": CancelSerializer,
            "check_in": CheckInSerializer,
            "complete": CompleteSerializer,
            "history": BookingEventSerializer,
        }.get(self.action, BookingSerializer)

    def _respond(self, booking: Booking, status_code=status.HTTP_200_OK) -> Response:
        booking = self.get_queryset().get(pk=booking.pk)
        return Response(
            BookingSerializer(booking, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create_response(self, request, *args, **kwargs):
        serializer = BookingSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        booking = services.booking_create(actor=request.user, **serializer.validated_data)
        return self._respond(booking, status.HTTP_201_CREATED)

    @extend_schema(request=BookingUpdateSerializer, responses=BookingSerializer)
    def partial_update(self, request, *args, **kwargs):
        booking = self.get_object()
        serializer = BookingUpdateSerializer(
            booking, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        schedule = {f: data.pop(f) for f in RESCHEDULE_FIELDS if f in data}
        with transaction.atomic():
            if schedule:
                booking = services.booking_reschedule(
                    actor=request.user, booking=booking, **schedule
                )
            if data:
                booking = services.booking_update_details(
                    actor=request.user, booking=booking, **data
                )
        return self._respond(booking)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=CancelSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = self.get_object()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            actor=request.user, booking=booking, reason=serializer.validated_data["reason"]
        )
        return self._respond(booking)

    @extend_schema(request=CheckInSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        booking = self.get_object()
        self._require_suite_scope(booking)
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_check_in(
            actor=request.user, booking=booking, at=serializer.validated_data.get("at")
        )
        return self._respond(booking)

    @extend_schema(request=CompleteSerializer, responses=BookingSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        booking = self.get_object()
        self._require_suite_scope(booking)
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_complete(
            actor=request.user, booking=booking, **serializer.validated_data
        )
        return self._respond(booking)

    @extend_schema(responses=BookingEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every change to the booking: when, who, what, and each field before → after."""
        booking = self.get_object()
        events = self.paginate_queryset(selectors.booking_history(booking=booking))
        return self.get_paginated_response(
            BookingEventSerializer(events, many=True, context=self.get_serializer_context()).data
        )

    def _require_suite_scope(self, booking: Booking) -> None:
        # Visible bookings are already scoped; this is a belt for suite managers' writes.
        user = self.request.user
        if user.role == Role.SUITE_MANAGER and booking.suite.force_id != user.force_id:
            raise PermissionDenied()


@extend_schema(tags=["bookings"])
class AttentionViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Bookings that need a person: relist conflicts, closures over bookings, failed messages,
    witnesses who cannot attend. Resolve one once dealt with."""

    serializer_class = AttentionFlagSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "schedule"

    queryset = AttentionFlag.objects.none()

    def scoped_queryset(self):
        return selectors.attention_list(user=self.request.user)

    @extend_schema(responses=AttentionItemSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """Open flags, and what the clock tells: tomorrow's witnesses who have not confirmed
        and bookings whose day passed with no outcome (these have no id: recording the
        confirmation or the outcome clears them)."""
        items = selectors.attention_items(user=request.user)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(AttentionItemSerializer(page, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        flag: AttentionFlag = self.get_object()
        services.attention_flag_resolve(actor=request.user, flag=flag)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


# --- Calendar feed tokens ---------------------------------------------------------------------


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
class FeedTokenViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Secret addresses of calendar feeds (`/feeds/<token>.ics`): a court user subscribes to
    their court's; a suite manager to their force's suites'; a scheduler to their force's
    suites' and officers'; an admin to any. The address is in the create response only. Each
    user lists and revokes (DELETE) the tokens they made; admins, everyone's.

    With an `Idempotency-Key`, a repeated create returns the first response again, address
    included, to the same user: to replay it, that response is stored with the key, so a create
    sent with a key leaves the address in clear in the idempotency record (one sent without a
    key leaves only the hash)."""

    serializer_class = FeedTokenSerializer
    permission_classes = [ReadOrRoles]
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


@extend_schema(tags=["suites"])
class ClosureViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A suite's closures: dated periods when it cannot be booked. Closing a suite over
    existing bookings puts them on the attention list with free suites suggested."""

    serializer_class = ClosureSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "manage_suites"
    queryset = Closure.objects.none()

    def get_suite(self) -> Suite:
        suite = get_object_or_404(Suite.objects.all(), pk=self.kwargs["suite_pk"])
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            require_manager_of(self.request.user, suite)
        return suite

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
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
