"""One error type for the domain and one handler that renders every API error in one shape:

    {"code": "machine_readable_snake_case", "detail": "human sentence", "fields": {"f": ["msg"]}}

`fields` appears only when particular fields are at fault.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A business rule said no. Services raise it; the API renders it."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status_code: int = status.HTTP_400_BAD_REQUEST,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.fields = fields
        self.status_code = status_code

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "detail": self.detail}
        if self.fields:
            body["fields"] = self.fields
        return body


class Conflict(DomainError):
    """The request is valid but clashes with the current state (409)."""

    def __init__(self, code: str, detail: str, *, fields=None) -> None:
        super().__init__(code, detail, fields=fields, status_code=status.HTTP_409_CONFLICT)


_GENERIC_DETAIL = {
    exceptions.ValidationError: "Some of the data sent is not valid.",
    exceptions.NotFound: "Not found.",
}


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors for lists and nested objects; clients get dotted field paths."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, path))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _validation_body(exc: exceptions.ValidationError) -> dict:
    detail = exc.detail
    if isinstance(detail, list):
        # A bare ValidationError("...") raised for the whole request.
        messages = [str(m) for m in detail]
        codes = exc.get_codes()
        code = (
            codes[0]
            if isinstance(codes, list) and codes and isinstance(codes[0], str)
            else "invalid"
        )
        return {"code": code if code != "invalid" else "invalid", "detail": " ".join(messages)}
    fields = _flatten(detail)
    non_field = fields.pop("non_field_errors", None)
    body: dict = {
        "code": "invalid",
        "detail": " ".join(non_field) if non_field else _GENERIC_DETAIL[exceptions.ValidationError],
    }
    if fields:
        body["fields"] = fields
    return body


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error the API returns goes through here."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling (and logging) takes over
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
        return response

    code = getattr(exc, "default_code", "error")
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(codes, str):
        code = codes
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    # DRF's own parse errors are "malformed_json"; core/parsers.py's limits keep their codes.
    if isinstance(exc, exceptions.ParseError) and code == exceptions.ParseError.default_code:
        code = "malformed_json"
        detail = f"The request body is not valid JSON: {detail}"
    response.data = {"code": str(code), "detail": str(detail)}
    return response


# --- Non-API errors on API paths (URL not found, crash) keep the same shape -------------------


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


# An unknown path is a 404 whatever the method: not a CSRF refusal of a POST to nowhere.
@csrf_exempt
def json_404(request, exception=None):
    if not _wants_json(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def json_500(request):
    if not _wants_json(request):
        return defaults.server_error(request)
    return JsonResponse(
        {"code": "server_error", "detail": "Something went wrong on our side; it has been logged."},
        status=500,
    )
