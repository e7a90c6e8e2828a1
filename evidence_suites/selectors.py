"""Reads for suites: querysets with what their readers need prefetched."""

from django.db.models import Prefetch, QuerySet

from .models import Closure, Force, OpeningHours, Suite


def force_list() -> QuerySet[Force]:
    return Force.objects.order_by("name")


def suite_list() -> QuerySet[Suite]:
    return Suite.objects.select_related("force").prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )


def closure_list(*, suite: Suite) -> QuerySet[Closure]:
    return Closure.objects.filter(suite=suite).order_by("starts_at")
