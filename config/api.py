"""REST plumbing shared by every app's API: pagination, strict times, idempotent creates."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from config import inputs
from config.errors import Conflict, DomainError


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


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Send the same key again (with the same body) to get the first response back "
    "instead of creating a second object. A different body with a used key is a 409.",
)


def _request_fingerprint(request) -> str:
    payload = json.dumps(
        {"path": request.path, "body": request.data}, sort_keys=True, default=str
    ).encode()
    return hashlib.sha256(payload).hexdigest()


class IdempotentCreateMixin:
    """`POST` with an `Idempotency-Key` header creates at most once per user and key.

    Views customise creation in `create_response()`, never in `create()`."""

    def create_response(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER])
    def create(self, request, *args, **kwargs):
        from accounts.models import IdempotentRequest

        key = request.headers.get("Idempotency-Key")
        if key is None:
            return self.create_response(request, *args, **kwargs)
        if not 1 <= len(key) <= 255:
            raise DomainError(
                "invalid_idempotency_key", "An Idempotency-Key has 1 to 255 characters."
            )
        fingerprint = _request_fingerprint(request)
        with transaction.atomic():
            try:
                # The unique key makes a concurrent twin wait here until the first commits.
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        user=request.user, key=key, path=request.path, request_hash=fingerprint
                    )
            except IntegrityError:
                record = IdempotentRequest.objects.get(user=request.user, key=key)
                if record.request_hash != fingerprint:
                    raise Conflict(
                        "idempotency_key_reused",
                        "This Idempotency-Key was already used with a different request.",
                    ) from None
                response = HttpResponse(
                    record.response_body,
                    status=record.response_status,
                    content_type="application/json",
                )
                response["Idempotent-Replayed"] = "true"
                return response
            response = self.create_response(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            record.response_body = JSONRenderer().render(response.data).decode()
            record.save(update_fields=["response_status", "response_body"])
        return response


class ScopedQuerysetMixin:
    """Views whose queryset depends on who asks define `scoped_queryset()` and a class-level
    `queryset = Model.objects.none()`; the schema generator, which asks as nobody, gets that."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.scoped_queryset()
