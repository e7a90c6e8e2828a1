"""REST plumbing shared by every app's API: pagination, strict times, idempotent creates."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer

from config.errors import Conflict, DomainError

MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `?page_size=` from 1 to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return size


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset: a bare local time is ambiguous
    (twice a year in the UK, one wall-clock hour happens twice)."""

    default_error_messages = {
        "naive": "Give the time with its UTC offset, e.g. 2027-03-28T10:00:00+01:00.",
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is not None and timezone.is_naive(parsed):
                self.fail("naive")
        return super().to_internal_value(value)


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
    """`POST` with an `Idempotency-Key` header creates at most once per user and key."""

    def create(self, request, *args, **kwargs):
        from accounts.models import IdempotentRequest

        key = request.headers.get("Idempotency-Key")
        if key is None:
            return super().create(request, *args, **kwargs)
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
            response = super().create(request, *args, **kwargs)
            record.response_status = response.status_code
            record.response_body = JSONRenderer().render(response.data).decode()
            record.save(update_fields=["response_status", "response_body"])
        return response
