"""REST plumbing shared by every app's API: strict times and role-scoped querysets
(idempotent creates, which keep a row per user, are accounts.idempotency)."""

from __future__ import annotations

from datetime import UTC

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from core import inputs


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset: a bare local time is ambiguous
    (twice a year in the UK, one wall-clock hour happens twice)."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2027-03-28T10:00:00+01:00.",
        "out_of_range": "Give a time between the years 2000 and 2100.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        # In UTC from here on: arithmetic on zone-aware times in one zone is wall-clock
        # arithmetic in Python, which is an hour out across a clock change.
        moment = super().to_internal_value(value).astimezone(UTC)
        if not inputs.in_range(moment):
            self.fail("out_of_range")
        return moment


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: OffsetDateTimeField,
    }


class ScopedQuerysetMixin:
    """Views whose queryset depends on who asks define `scoped_queryset()` and a class-level
    `queryset = Model.objects.none()`; the schema generator, which asks as nobody, gets that."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()
