"""What the booking side's record views share: how staff change a record, or add and delete
one, and how a list is narrowed to a time."""

from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets

from accounts.idempotency import IdempotentCreateMixin
from accounts.permissions import ReadOrRoles
from core.api import ScopedQuerysetMixin
from core.filters import OffsetDateTimeFilter


class RecordViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A record staff list, read, add and change field by field (PATCH): it is never replaced
    whole (PUT) nor deleted through the API. Each caller sees the records `scoped_queryset()`
    gives them, and writes as the view's `write_ability` allows."""

    permission_classes = [ReadOrRoles]
    http_method_names = ["get", "post", "patch", "head", "options"]


class AddOrDeleteViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A record staff list, read, add and delete (DELETE), and never change: one that is wrong
    is deleted and another added. Each caller sees the records `scoped_queryset()` gives them,
    and writes as the view's `write_ability` allows."""

    permission_classes = [ReadOrRoles]


class StartsFilter(filters.FilterSet):
    """`?starts_after=` / `?starts_before=` (times with their offset) and `?date=` (a day, UK
    time) narrow a list to what starts then; each subclass declares its `date` filter, with
    `method="filter_date"` and its own help text."""

    starts_after = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = OffsetDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    def filter_date(self, queryset, name, value):
        return queryset.filter(starts_at__date=value)
