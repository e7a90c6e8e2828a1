"""How a list reaches the service, whichever way it comes: pushed to `POST /api/v1/court-lists/`,
imported with `manage.py import_court_list`, or dropped in the watched folder (`inbox`).

Each way hands over the push's headers and the document's bytes; here the headers are read and
checked, the court is found by its CaTH location id, the document is parsed within the size
limit, and the list is read (`services.court_list_read`). A list one way refuses, the others
refuse for the same reason, in the same words: every refusal is a `DomainError` in the API's one
error shape, its `fields` keyed by header name or by the document's path.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError

from bookings.models import Court
from core import inputs
from core.errors import DomainError
from core.parsers import JSONParser

from .models import CourtList, ListType, Sensitivity
from .readers import READERS, reader_for
from .rules import metadata_faults
from .services import court_list_read, list_words

#: The headers every push carries (COURT_LISTS.md, "Push metadata").
REQUIRED = ("x-list-type", "x-court-id", "x-content-date", "x-provenance", "x-language")
#: A list pushed without `x-sensitivity` is classified as its type is published.
SENSITIVITY_OF = {
    ListType.MAGISTRATES_PUBLIC_LIST: Sensitivity.PUBLIC,
    ListType.MAGISTRATES_STANDARD_LIST: Sensitivity.CLASSIFIED,
}
#: `x-content-date`: the day, ISO 8601 with no offset (2027-03-29T00:00:00, or 2027-03-29).
CONTENT_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?\Z")
#: `x-court-id`: CaTH's location id, a number (1823).
LOCATION_ID = re.compile(r"[0-9]{1,10}\Z")


@dataclass(frozen=True)
class ListHeaders:
    """A list's push headers, checked: what the service keeps of them. `x-display-from`,
    `x-display-to` are accepted and not kept (the service shows no lists)."""

    list_type: str
    court_id: str | None  # the CaTH location id; None when the court is named another way
    content_date: date
    language: str
    provenance: str
    sensitivity: str


def list_headers(headers: Mapping[str, str], *, court_named: bool = True) -> ListHeaders:
    """The push headers `headers` carries (names in any case), checked: a missing or malformed
    header is 400 `invalid_list_metadata` naming each one at fault; a list type the service does
    not read, 400 `unknown_list_type`. With `court_named=False` no `x-court-id` is asked for
    (the command names its court by code)."""
    given = {str(name).strip().lower(): str(value).strip() for name, value in headers.items()}
    required = [name for name in REQUIRED if court_named or name != "x-court-id"]
    faults = {name: ["Required."] for name in required if not given.get(name)}
    list_type = given.get("x-list-type", "")
    if list_type and list_type not in READERS:
        faults["x-list-type"] = [f"One of {', '.join(READERS)}."]
    court_id = given.get("x-court-id", "") if court_named else None
    if court_id and not LOCATION_ID.match(court_id):
        faults["x-court-id"] = ["A CaTH location id: a number, e.g. 1823."]
    content_date = _content_date(given.get("x-content-date", ""), faults)
    if given.get("x-type", "LIST") != "LIST":
        faults["x-type"] = ["The service reads lists only (LIST)."]
    sensitivity = given.get("x-sensitivity") or SENSITIVITY_OF.get(list_type, Sensitivity.PUBLIC)
    present = metadata_faults(
        language=given.get("x-language", ""),
        provenance=given.get("x-provenance", ""),
        sensitivity=sensitivity,
    )
    faults |= {name: messages for name, messages in present.items() if name not in faults}
    if set(faults) == {"x-list-type"}:
        reader_for(list_type)  # 400 unknown_list_type, the one fault
    if faults:
        raise DomainError(
            "invalid_list_metadata",
            f"The list's headers are missing or not valid: {', '.join(sorted(faults))}.",
            fields=dict(sorted(faults.items())),
        )
    return ListHeaders(
        list_type=list_type,
        court_id=court_id,
        content_date=content_date,
        language=given["x-language"],
        provenance=given["x-provenance"],
        sensitivity=sensitivity,
    )


def _content_date(text: str, faults: dict[str, list[str]]) -> date | None:
    if not text:
        return None
    match = CONTENT_DATE.match(text)
    try:
        day = date.fromisoformat(match[1]) if match else None
    except ValueError:
        day = None
    if day is None or not inputs.in_range(day):
        faults["x-content-date"] = [
            "The day the list is for, ISO 8601 with no offset, e.g. 2027-03-29T00:00:00."
        ]
    return day


def court_at_location(location_id: str) -> Court:
    """The court whose lists CaTH publishes as `location_id` (`x-court-id`): one with no such
    id is 400 `unknown_court`."""
    court = Court.objects.filter(cath_location_id=location_id).first()
    if court is None:
        raise DomainError(
            "unknown_court",
            "No court in the service has this CaTH location id: an admin sets a court's id.",
            fields={"x-court-id": [f"No court has CaTH location id {location_id}."]},
        )
    return court


def too_large() -> DomainError:
    limit = settings.COURT_LIST_MAX_BYTES
    return DomainError(
        "court_list_too_large",
        f"A list is at most {limit:,} bytes ({limit / 1024 / 1024:.1f} MB); this one is larger.",
        status_code=413,
    )


def document_from(raw: bytes) -> Any:
    """The document in `raw`, as the API's JSON parser reads a body (finite numbers, nesting
    at most JSON_MAX_DEPTH): larger than COURT_LIST_MAX_BYTES is 413 `court_list_too_large`;
    not JSON, 400 `malformed_json` (or the parser's own code)."""
    if len(raw) > settings.COURT_LIST_MAX_BYTES:
        raise too_large()
    try:
        return JSONParser().parse(io.BytesIO(raw), "application/json", {"encoding": "utf-8"})
    except ParseError as exc:
        code = exc.get_codes()
        if code == ParseError.default_code:
            raise DomainError("malformed_json", f"The list is not valid JSON: {exc}") from None
        raise DomainError(str(code), str(exc.detail)) from None


def document_from_file(path: Path) -> Any:
    """The document in the file at `path`, as `document_from` reads one; a file over the size
    limit is refused before it is read."""
    if path.stat().st_size > settings.COURT_LIST_MAX_BYTES:
        raise too_large()
    return document_from(path.read_bytes())


def list_receive(*, headers: ListHeaders, document: Any, court: Court | None = None) -> CourtList:
    """Read a list that arrived with `headers`, for `court` or, by default, the court its
    `x-court-id` names."""
    return court_list_read(
        court=court or court_at_location(headers.court_id or ""),
        list_type=headers.list_type,
        content_date=headers.content_date,
        document=document,
        language=headers.language,
        provenance=headers.provenance,
        sensitivity=headers.sensitivity,
    )


def read_words(court_list: CourtList) -> str:
    """What reading a list did, in a line: the court, the list, the outcome and how many
    changes it brought."""
    count = court_list.changes.count()
    return (
        f"{court_list.court.name}: {list_words(court_list)}: {court_list.outcome}, "
        f"{count} {'change' if count == 1 else 'changes'}."
    )


def refusal_words(refusal: DomainError) -> str:
    """Why a list was refused, for a person: the code and sentence, then each header or path at
    fault with what is wrong there (never a value from the document)."""
    lines = [f"{refusal.code}: {refusal.detail}"]
    for place, messages in (refusal.fields or {}).items():
        lines.extend(f"  {place}: {message}" for message in messages)
    return "\n".join(lines)
