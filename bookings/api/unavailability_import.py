"""HTTP for importing dates to avoid: an officer's duty roster (.ics) and a force's CSV. The
file is the request's body; reading it is `bookings.unavailability_import`'s."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.utils.mediatypes import media_type_matches
from rest_framework.views import APIView

from accounts.permissions import ReadOrRoles, is_admin
from core import inputs
from core.errors import DomainError
from core.schema import ErrorSerializer
from evidence_suites.models import Force

from .. import selectors, unavailability_import
from ..unavailability_import import MAX_BYTES, too_large


class FileParser(BaseParser):
    """A file sent as the body, as bytes. One over the import's MAX_BYTES is refused (413
    `import_too_large`) from its Content-Length, or, without one, once that much is read."""

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if str(declared or "").isdigit() and int(declared) > MAX_BYTES:
            raise too_large()
        raw = stream.read(MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BYTES:
            raise too_large()
        return raw


class CalendarParser(FileParser):
    media_type = "text/calendar"


class CsvParser(FileParser):
    media_type = "text/csv"


def _file(request) -> bytes:
    """The body as the view's parser read it. DRF hands an empty body to no parser, so its
    media type is checked here (415 if it is not the one the view reads)."""
    if isinstance(request.data, bytes):
        return request.data
    media_type = request.parsers[0].media_type
    if not media_type_matches(media_type, request.content_type or ""):
        raise UnsupportedMediaType(request.content_type or "(none)")
    return b""


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Periods added.")
    skipped = serializers.IntegerField(
        help_text="Entries of the file not added: already there (the same file again), the "
        "same as one before in the file, or not busy (cancelled, free, taking no time)."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Empty: a file with any fault is refused whole (400, its faults in `fields`).",
    )


def _answer(result) -> Response:
    return Response({"created": result.created, "skipped": result.skipped, "errors": {}})


def _refusal(code: str, where: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description=f"`{code}`: nothing was imported; `fields` names each {where} at fault "
        "with what is wrong there.",
    )


TOO_LARGE = OpenApiResponse(
    ErrorSerializer,
    description=f"`import_too_large`: the file is over {MAX_BYTES:,} bytes. Nothing imported.",
)
WRONG_TYPE = OpenApiResponse(
    ErrorSerializer, description="`unsupported_media_type`: the body is not of the type named."
)


class RosterImportView(APIView):
    """An officer's duty roster, as an iCalendar (.ics) export, read into their dates to
    avoid: the witness's own force's schedulers, and admins."""

    permission_classes = [ReadOrRoles]
    write_ability = "manage_unavailability"
    parser_classes = [CalendarParser]

    @extend_schema(
        tags=["witnesses"],
        operation_id="witnesses_unavailability_import",
        request={"text/calendar": OpenApiTypes.BINARY},
        responses={
            200: ImportResultSerializer,
            400: _refusal("invalid_roster", "line (the BEGIN of the event or VFREEBUSY)"),
            413: TOO_LARGE,
            415: WRONG_TYPE,
        },
        description="Every busy event (VEVENT that is not cancelled or transparent) and busy "
        "free/busy period (VFREEBUSY) of the roster becomes a period: all-day events are "
        "whole London days, floating times London time; the reason is read from the event's "
        "categories or summary (`other` if neither says). Repeating events (RRULE) are "
        "refused. The same file twice adds nothing (events are known by UID).",
    )
    def post(self, request, witness_pk: int):
        witness = get_object_or_404(selectors.witness_list(user=request.user), pk=witness_pk)
        result = unavailability_import.import_roster(
            actor=request.user, witness=witness, data=_file(request)
        )
        return _answer(result)


FORCE_PARAMETER = OpenApiParameter(
    "force",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description="The force whose officers the file lists (its id): an admin must name it; a "
    "scheduler imports their own force's, and may leave it out.",
)


class ForceCsvImportView(APIView):
    """A force's CSV of its officers' dates to avoid, by collar number: the force's own
    schedulers, and admins (who name the force)."""

    permission_classes = [ReadOrRoles]
    write_ability = "manage_unavailability"
    parser_classes = [CsvParser]

    @extend_schema(
        tags=["witnesses"],
        operation_id="unavailability_import",
        parameters=[FORCE_PARAMETER],
        request={"text/csv": OpenApiTypes.BINARY},
        responses={
            200: ImportResultSerializer,
            400: _refusal("invalid_csv", "row (counted from 1 under the header)"),
            413: TOO_LARGE,
            415: WRONG_TYPE,
        },
        description="The header `collar_number,starts_at,ends_at,reason,note`, then a period "
        "a row: times ISO 8601 with their offset, or a date for the whole London day; the "
        "reason one of annual_leave, rest_day, night_shift, course, sick, other. An unknown "
        "collar number is a fault of its row. The same file twice adds nothing. Also 400 "
        "`force_required`, `unknown_force` or `other_force` for the `force` named.",
    )
    def post(self, request):
        force = _force(request)
        result = unavailability_import.import_force_csv(
            actor=request.user, force=force, data=_file(request)
        )
        return _answer(result)


def _force(request) -> Force:
    """The force whose officers the CSV lists: an admin's `?force=`, a scheduler's own."""
    given = request.query_params.get("force", "")
    if not is_admin(request.user):
        if given and inputs.id_from(given) != request.user.force_id:
            raise DomainError(
                "other_force",
                "A scheduler imports their own force's officers only.",
                fields={"force": ["Leave this out, or give your own force's id."]},
            )
        if request.user.force is None:
            raise DomainError(
                "force_required", "You belong to no force.", fields={"force": ["Required."]}
            )
        return request.user.force
    if not given:
        raise DomainError(
            "force_required",
            "An admin names the force whose officers the file lists: ?force=ID.",
            fields={"force": ["Required: the force's id."]},
        )
    force_id = inputs.id_from(given)
    force = Force.objects.filter(pk=force_id).first() if force_id else None
    if force is None:
        raise DomainError(
            "unknown_force", "No force has this id.", fields={"force": ["No force has this id."]}
        )
    return force
