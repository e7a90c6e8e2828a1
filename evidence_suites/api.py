"""HTTP for forces, suites and closures: parse, call one service, serialise."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from accounts.idempotency import IdempotentCreateMixin
from accounts.permissions import ReadOrRoles, is_admin
from core.errors import DomainError

from . import selectors, services
from .models import Suite
from .serializers import ForceSerializer, ForceUpdateSerializer, SuiteSerializer


def _periods(rows):
    return [services.Period(r["weekday"], r["opens"], r["closes"]) for r in rows]


def require_manager_of(user, suite: Suite) -> None:
    """Suites are readable by all staff, so changing another force's suite is a 403."""
    if not is_admin(user) and suite.force_id != user.force_id:
        raise PermissionDenied("Only that force's suite managers can change this suite.")


def _check_force_scope(user, force) -> None:
    if not is_admin(user) and force.pk != user.force_id:
        raise DomainError(
            "invalid",
            "Some of the data sent is not valid.",
            fields={"force": ["You can only manage your own force's suites."]},
        )


@extend_schema(tags=["suites"])
@extend_schema_view(partial_update=extend_schema(responses={200: ForceSerializer}))
class ForceViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Police forces. Everyone signed in reads them; admins add them and change them (PATCH:
    the name, and the language new witnesses take when they have not said)."""

    serializer_class = ForceSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "administer"
    queryset = selectors.force_list()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return ForceUpdateSerializer
        return ForceSerializer

    def perform_create(self, serializer):
        serializer.instance = services.force_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.force_update(
            force=serializer.instance, **serializer.validated_data
        )


class SuiteFilter(filters.FilterSet):
    class Meta:
        model = Suite
        fields = ["force", "is_active", "location_confidential"]


@extend_schema(tags=["suites"])
class SuiteViewSet(IdempotentCreateMixin, viewsets.ModelViewSet):
    """Evidence suites. Everyone signed in reads them; admins and the force's suite managers
    change them. Deleting a suite that was ever booked is refused: deactivate it instead."""

    serializer_class = SuiteSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "manage_suites"
    filterset_class = SuiteFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.suite_list().order_by("name", "id")

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            require_manager_of(request.user, obj)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        _check_force_scope(self.request.user, data["force"])
        opening_hours = _periods(data.pop("opening_hours", []))
        serializer.instance = services.suite_create(opening_hours=opening_hours, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "force" in data:
            _check_force_scope(self.request.user, data["force"])
        opening_hours = data.pop("opening_hours", None)
        serializer.instance = services.suite_update(
            suite=serializer.instance,
            opening_hours=_periods(opening_hours) if opening_hours is not None else None,
            **data,
        )
        serializer.instance = selectors.suite_list().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.suite_delete(suite=instance)
