"""HTTP for the courts' lists: the push a subscriber receives (`POST /api/v1/court-lists/`), the
lists read, and the changes they brought, which staff apply or dismiss. Parse, call one service,
serialise: the rules live in `intake`, `rules` and `services`."""

from __future__ import annotations

import io

from django.conf import settings
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from accounts.idempotency import IDEMPOTENCY_KEY_PARAMETER, IdempotentCreateMixin
from accounts.permissions import ReadOrRoles
from core.api import ScopedQuerysetMixin
from core.filters import DayFilter, IdFilter
from core.parsers import JSONParser
from core.schema import ErrorSerializer

from . import intake, rules, selectors, services
from .models import ChangeKind, ChangeState, CourtList, ListChange, ListLanguage, Sensitivity
from .readers import READERS
from .serializers import CourtListSerializer, ListChangeSerializer


class CourtListParser(BaseParser):
    """A pushed list: the API's JSON parser, after the size check. A body over
    COURT_LIST_MAX_BYTES is refused (413 `court_list_too_large`) from its Content-Length, or,
    without one, once that much is read: never read whole, never held whole.

    Not a subclass of DRF's JSONParser, which DRF feeds Django's `request.body`: that is held
    to Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB), whose refusal is a bare 400.
    This one reads the request's stream itself, so the list's limit is the one limit."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.COURT_LIST_MAX_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if str(declared or "").isdigit() and int(declared) > limit:
            raise intake.too_large()
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise intake.too_large()
        return JSONParser().parse(io.BytesIO(raw), media_type, parser_context)


def _header(name: str, description: str, *, required: bool = True, enum=None):
    return OpenApiParameter(
        name=name,
        type=OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        required=required,
        enum=enum,
        description=description,
    )


PUSH_HEADERS = [
    _header("x-list-type", "The list's type.", enum=list(READERS)),
    _header("x-court-id", "The court's CaTH location id, e.g. 1823."),
    _header("x-content-date", "The day the list is for, with no offset: 2027-03-29T00:00:00."),
    _header("x-provenance", "The source system, e.g. COMMON_PLATFORM, SNL, MANUAL_UPLOAD."),
    _header("x-language", "The list's language.", enum=ListLanguage.values),
    _header(
        "x-sensitivity",
        "PUBLIC, PRIVATE or CLASSIFIED; by default as the list type is published.",
        required=False,
        enum=Sensitivity.values,
    ),
    _header("x-display-from", "When the list may be shown from (not kept).", required=False),
    _header("x-display-to", "When the list may be shown until (not kept).", required=False),
    _header("x-type", "LIST (the only publication type read).", required=False),
]
TOO_LARGE = OpenApiResponse(
    ErrorSerializer,
    description="`court_list_too_large`: the list is over the size limit (COURT_LIST_MAX_BYTES, "
    "5 MB by default). Nothing changed.",
)
REFUSED_LIST = OpenApiResponse(
    ErrorSerializer,
    description="Nothing changed: `invalid_list_metadata` (a header missing or malformed, named "
    "in `fields`), `unknown_list_type`, `unknown_court` (no court has the `x-court-id`), "
    "`invalid_court_list` (the document breaks the format: `fields` keyed by the path of each "
    "fault), `malformed_json`.",
)


class CourtListFilter(filters.FilterSet):
    court = IdFilter(field_name="court_id", help_text="Lists of this court (its id).")
    content_date = DayFilter(help_text="Lists for this day.")

    class Meta:
        model = CourtList
        fields = ["court", "content_date", "outcome"]


@extend_schema(tags=["court lists"])
class CourtListViewSet(
    ScopedQuerysetMixin,
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The courts' published lists as the service read them, newest first: court users see
    their own court's, everyone else every court's. An admin, or a court user for their own
    court, sends a list as CaTH pushes it: the document as the body, its metadata as headers."""

    serializer_class = CourtListSerializer
    permission_classes = [ReadOrRoles]
    write_ability = "send_court_lists"
    parser_classes = [CourtListParser]
    filterset_class = CourtListFilter
    queryset = CourtList.objects.none()

    def scoped_queryset(self):
        return selectors.court_list_list(user=self.request.user)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY_PARAMETER, *PUSH_HEADERS],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={201: CourtListSerializer, 400: REFUSED_LIST, 413: TOO_LARGE},
        description="One list, exactly as CaTH pushes it, read and followed: `outcome` is "
        "`applied` or `proposed` (as the court's `list_changes` says), `unchanged` (nothing "
        "new) or `superseded` (older than a list already read for that court and day: nothing "
        "changes). A refused list changes nothing.",
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def create_response(self, request, *args, **kwargs):
        headers = intake.list_headers(request.headers)
        court = intake.court_at_location(headers.court_id)
        rules.sender_check(user=request.user, court=court)
        court_list = intake.list_receive(headers=headers, document=request.data, court=court)
        court_list = selectors.court_list_list(user=request.user).get(pk=court_list.pk)
        return Response(
            CourtListSerializer(court_list, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ListChangeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ChangeState.choices)
    kind = filters.ChoiceFilter(choices=ChangeKind.choices)
    court = IdFilter(field_name="court_list__court_id", help_text="Changes to this court's list.")
    court_list = IdFilter(field_name="court_list_id", help_text="Changes one list brought.")

    class Meta:
        model = ListChange
        fields = ["state", "kind", "court", "court_list"]


DECISION_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="Nothing changed: `list_change_decided` (already applied or dismissed), "
    "`list_change_out_of_date` (the hearing changed since the list was read), "
    "`hearing_shared` (a scheduler, with other forces' bookings on the hearing).",
)


@extend_schema(tags=["court lists"])
class ListChangeViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Every change the courts' lists brought: a hearing `added`, `moved` or `missing` (no
    longer in the list), and its `state`. Seen as hearings are (a court user their court's).
    A proposed change is applied or dismissed by whoever may change its hearing
    (`court_lists.rules.change_decision_refusal`): admins, the court's users, a scheduler only
    while every booking on the hearing is their force's."""

    serializer_class = ListChangeSerializer
    permission_classes = [ReadOrRoles]
    action_abilities = {"apply": "change_hearings", "dismiss": "change_hearings"}
    filterset_class = ListChangeFilter
    queryset = ListChange.objects.none()

    def scoped_queryset(self):
        return selectors.list_change_list(user=self.request.user)

    def _decided(self, change: ListChange) -> Response:
        change = selectors.list_change_list(user=self.request.user).get(pk=change.pk)
        return Response(ListChangeSerializer(change, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: ListChangeSerializer, 409: DECISION_REFUSED})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Follow the list: the hearing is listed, relisted or vacated as through the hearing
        endpoints, so its bookings follow a move and its witnesses are stood down by text when
        it is vacated. `bookings` then lists each booking moved or stood down."""
        change = services.change_apply(change=self.get_object(), actor=request.user)
        return self._decided(change)

    @extend_schema(request=None, responses={200: ListChangeSerializer, 409: DECISION_REFUSED})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Do not follow the list in this: nothing else changes."""
        change = services.change_dismiss(change=self.get_object(), actor=request.user)
        return self._decided(change)
