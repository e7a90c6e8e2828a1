"""`POST` with an `Idempotency-Key` header creates at most once per user and key: the record
of each key is a row of accounts' `IdempotentRequest`."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer

from accounts.models import IdempotentRequest
from core.errors import Conflict, DomainError

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
