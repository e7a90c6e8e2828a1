"""The magistrates' daily lists CaTH publishes: the public list and the standard list, one tree
(../shared/COURT_LISTS.md). The standard list says more about the parties; the reader checks
that those details are well formed, as the published schema asks, and then drops them: only
courtrooms, sitting starts, hearing types and URNs are walked into the `ReadList`.

Unknown fields are allowed (the published schema grows); the fields the format documents must
have their documented shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from bookings.models import HearingType
from core.clock import local

from ..models import ListType
from .base import DocumentSchema, ListFormatError, Listing, ReadList, path_text, utc_time

TEXT = {"type": "string"}
TEXTS = {"type": "array", "items": TEXT}
UTC_TIME = {
    "type": "string",
    "format": "utc-date-time",
    "x-fault": "Must be a UTC time ending in Z, e.g. 2027-03-29T09:30:00Z.",
}
ADDRESS = {
    "type": "object",
    "properties": {"line": TEXTS, "town": TEXT, "county": TEXT, "postCode": TEXT},
}


def _party(*, detailed: bool) -> dict[str, Any]:
    """A party as the list describes it: names in both lists; in the standard list also the
    date of birth, address, ASN, PNC id and offences. Checked for shape only: none is kept."""
    individual = {
        "individualForenames": TEXT,
        "individualMiddleName": TEXT,
        "individualSurname": TEXT,
    }
    party: dict[str, Any] = {
        "partyRole": TEXT,
        "individualDetails": {"type": "object", "properties": individual},
        "organisationDetails": {
            "type": "object",
            "properties": {"organisationName": TEXT, "organisationAddress": ADDRESS},
        },
    }
    if detailed:
        individual |= {
            "dateOfBirth": TEXT,
            "age": {"type": ["integer", "string"]},
            "gender": TEXT,
            "asn": TEXT,
            "pncId": TEXT,
            "address": ADDRESS,
        }
        party["offence"] = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"offenceTitle": TEXT, "offenceWording": TEXT, "plea": TEXT},
            },
        }
    return {"type": "array", "items": {"type": "object", "properties": party}}


def _items(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "array",
        "items": {"type": "object", "properties": properties, "required": required},
    }


def magistrates_schema(*, detailed: bool) -> dict[str, Any]:
    """The published schema of the magistrates' lists (`*` in COURT_LISTS.md is `required`)."""
    parties = _party(detailed=detailed)
    case = {
        "caseUrn": {
            "type": "string",
            "pattern": "^[A-Za-z0-9]+$",
            "maxLength": 20,
            "x-fault": "A URN is letters and digits, at most 20, e.g. 47AB1234523.",
        },
        "caseSequenceIndicator": TEXT,
        "reportingRestriction": {"type": "boolean"},
        "reportingRestrictionDetail": TEXTS,
        "party": parties,
    }
    application = {"applicationReference": TEXT, "applicationType": TEXT, "party": parties}
    hearing = {
        "hearingType": TEXT,
        "panel": TEXT,
        "channel": TEXTS,
        "case": _items(case, ["caseUrn"]),
        "application": _items(application, []),
    }
    sitting = {"sittingStart": UTC_TIME, "hearing": _items(hearing, [])}
    judiciary = _items({"johKnownAs": TEXT, "isPresiding": {"type": "boolean"}}, [])
    session = {"judiciary": judiciary, "sittings": _items(sitting, ["sittingStart", "hearing"])}
    room = {
        "courtRoomName": {
            "type": "string",
            "minLength": 1,
            "maxLength": 30,
            "x-fault": "A courtroom's name, 1 to 30 characters.",
        },
        "session": _items(session, ["sittings"]),
    }
    house = {
        "type": "object",
        "properties": {
            "courtHouseName": TEXT,
            "lja": TEXT,
            "courtRoom": _items(room, ["courtRoomName", "session"]),
        },
        "required": ["courtRoom"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "document": {
                "type": "object",
                "properties": {
                    "publicationDate": UTC_TIME,
                    "version": {
                        "type": ["string", "number"],
                        "pattern": "^[^\\u0000-\\u001f\\u007f]{0,40}$",
                        "x-fault": "A version, at most 40 characters, no control characters.",
                    },
                },
                "required": ["publicationDate"],
            },
            "venue": {
                "type": "object",
                "properties": {"venueName": TEXT, "venueAddress": ADDRESS},
            },
            "courtLists": _items({"courtHouse": house}, ["courtHouse"]),
        },
        "required": ["document", "venue", "courtLists"],
    }


# The list's words for a hearing (free text) in the service's: the first rule that matches.
# Case management comes before trial so that a "Pre-Trial Review" is not taken for a trial.
HEARING_TYPE_WORDS = (
    ("newton", HearingType.NEWTON_HEARING),
    ("pre-trial", HearingType.CASE_MANAGEMENT),
    ("pre trial", HearingType.CASE_MANAGEMENT),
    ("review", HearingType.CASE_MANAGEMENT),
    ("preparation", HearingType.CASE_MANAGEMENT),
    ("case management", HearingType.CASE_MANAGEMENT),
    ("mention", HearingType.CASE_MANAGEMENT),
    ("first", HearingType.FIRST_HEARING),
    ("sentenc", HearingType.SENTENCING),
    ("appeal", HearingType.APPEAL),
    ("trial", HearingType.TRIAL),
)


def hearing_type_from_list(words: str | None) -> str:
    """`Trial` → trial, `First Hearing` → first_hearing, `Pre-Trial Review` → case_management;
    anything else (or nothing) is `other`."""
    text = (words or "").casefold()
    kind = next((kind for word, kind in HEARING_TYPE_WORDS if word in text), HearingType.OTHER)
    return kind.value


def _sittings(document: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str, dict]]:
    """Each sitting of a valid document, with its place in it and its courtroom's name."""
    for i, court_list in enumerate(document["courtLists"]):
        for j, room in enumerate(court_list["courtHouse"]["courtRoom"]):
            for k, session in enumerate(room["session"]):
                for m, sitting in enumerate(session["sittings"]):
                    place = ("courtLists", i, "courtHouse", "courtRoom", j, "session", k)
                    yield (*place, "sittings", m), room["courtRoomName"].strip(), sitting


class MagistratesListReader:
    """Reads one magistrates' list type: validates the document against the list type's
    published schema, then walks the courtrooms, sessions and sittings for their cases. A
    hearing with only applications (no URN) is not one the service follows."""

    def __init__(self, list_type: str, schema: dict[str, Any]) -> None:
        self.list_type = list_type
        self.schema = DocumentSchema(schema)

    def read(self, document: Any, *, content_date: date) -> ReadList:
        faults = self.schema.faults(document)
        if faults:
            raise ListFormatError(faults)
        listings: list[Listing] = []
        off_day: dict[str, list[str]] = {}
        for place, courtroom, sitting in _sittings(document):
            starts_at = utc_time(sitting["sittingStart"])
            if local(starts_at).date() != content_date:
                off_day[path_text([*place, "sittingStart"])] = [
                    f"Not on the list's day ({content_date:%Y-%m-%d}, London time)."
                ]
                continue
            listings.extend(
                Listing(
                    case_reference=case["caseUrn"].upper(),
                    starts_at=starts_at,
                    courtroom=courtroom,
                    hearing_type=hearing_type_from_list(hearing.get("hearingType")),
                )
                for hearing in sitting["hearing"]
                for case in hearing.get("case", [])
            )
        if off_day:
            raise ListFormatError(off_day)
        version = document["document"].get("version", "")
        return ReadList(
            list_type=self.list_type,
            published_at=utc_time(document["document"]["publicationDate"]),
            version=str(version)[:40],  # a number as long as it likes
            listings=tuple(listings),
        )


STANDARD = MagistratesListReader(
    ListType.MAGISTRATES_STANDARD_LIST, magistrates_schema(detailed=True)
)
PUBLIC = MagistratesListReader(ListType.MAGISTRATES_PUBLIC_LIST, magistrates_schema(detailed=False))
