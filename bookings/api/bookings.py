"""HTTP for bookings and the attention list: parse, call one service, serialise."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import audit
from accounts.models import Role
from accounts.permissions import ReadOrRoles
from core.api import ScopedQuerysetMixin
from core.filters import DayFilter, IdFilter

from .. import selectors, services
from ..models import AttentionFlag, Booking
from ..serializers.bookings import (
    AttentionFlagSerializer,
    AttentionItemSerializer,
    BookingEventSerializer,
    BookingSerializer,
    BookingUpdateSerializer,
    CancelSerializer,
    CheckInSerializer,
    CompleteSerializer,
)
from ..services.video_link import VIDEO_LINK_FIELDS
from .base import RecordViewSet, StartsFilter


class BookingFilter(StartsFilter):
    date = DayFilter(method="filter_date", help_text="Bookings on this day (UK time).")
    court = IdFilter(field_name="hearing__court")

    class Meta:
        model = Booking
        fields = ["status", "suite", "hearing", "witness", "outcome", "reference"]


RESCHEDULE_FIELDS = ("suite", "starts_at", "ends_at")


def _only_video_link(data) -> bool:
    """Whether a PATCH body sets the court's link and nothing else (what court users may send)."""
    return hasattr(data, "keys") and bool(data) and set(data.keys()) <= set(VIDEO_LINK_FIELDS)


@extend_schema(tags=["bookings"])
class BookingViewSet(RecordViewSet):
    """Witness bookings. A booking lies inside its suite's opening hours, outside its closures,
    and overlaps no other booking of the suite (set-up and turnaround included) or witness."""

    write_ability = "schedule"
    filterset_class = BookingFilter

    @property
    def action_abilities(self) -> dict[str, str]:
        """Per action (accounts.permissions.ReadOrRoles): a PATCH of the court's link alone
        needs `set_video_link` (court users have it); any other PATCH, `schedule`."""
        abilities = {"check_in": "attend", "complete": "attend"}
        if self.action == "partial_update" and _only_video_link(self.request.data):
            abilities["partial_update"] = "set_video_link"
        return abilities

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
        """Change a booking field by field: a move (`suite`, `starts_at`, `ends_at`, with
        `override_unavailability` over the witness's dates to avoid), the court's link
        (`video_url` or `video_room`, and `video_pin`: the booking's force's schedulers and its
        court's users; a court user may send only these) and its details, in one transaction."""
        booking = self.get_object()
        serializer = BookingUpdateSerializer(
            booking, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        override = data.pop("override_unavailability", "")
        schedule = {f: data.pop(f) for f in RESCHEDULE_FIELDS if f in data}
        link = {f: data.pop(f) for f in VIDEO_LINK_FIELDS if f in data}
        # All of it or none: a move refused leaves the link and details as they were.
        with transaction.atomic():
            if schedule:
                booking = services.booking_reschedule(
                    actor=request.user,
                    booking=booking,
                    override_unavailability=override,
                    **schedule,
                )
            if link:
                current = {f: getattr(booking, f) for f in VIDEO_LINK_FIELDS}
                booking = services.booking_set_video_link(
                    actor=request.user, booking=booking, **(current | link)
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
        events = self.paginate_queryset(
            selectors.booking_history(booking=booking, user=request.user)
        )
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
