"""What every reader returns, and how it says a document breaks its format.

A reader hands back only what the service keeps of a list (`ReadList`): no name, date of
birth, address, offence, plea, ASN or PNC id leaves it. Its faults name the path and the rule
broken, never the value found there, so a fault in a party's details repeats nothing of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from core.errors import DomainError

#: The most faults one refusal lists, so a thoroughly broken document cannot make a refusal
#: as large as itself; the detail still counts them all.
MAX_FAULTS_LISTED = 200


@dataclass(frozen=True, order=True)
class Listing:
    """One case (URN) in one sitting of a court's list: all the service keeps of it."""

    case_reference: str
    starts_at: datetime  # aware, UTC
    courtroom: str
    hearing_type: str  # a bookings.models.HearingType value


@dataclass(frozen=True)
class ReadList:
    """What the service keeps of one list: its own metadata and its listings."""

    list_type: str
    published_at: datetime  # aware, UTC
    version: str
    listings: tuple[Listing, ...]

    @property
    def digest(self) -> str:
        """The same digest for two lists that list the same cases in the same sittings, however
        the lists differ in what the service does not keep (the parties, the judiciary)."""
        kept = [
            [row.case_reference, row.starts_at.isoformat(), row.courtroom, row.hearing_type]
            for row in sorted(set(self.listings))
        ]
        return hashlib.sha256(json.dumps(kept, separators=(",", ":")).encode()).hexdigest()


class ListFormatError(DomainError):
    """The document breaks its list type's format: `fields` names the path of every fault, e.g.
    `courtLists[0].courtHouse.courtRoom[1].session[0].sittings[2].sittingStart`."""

    def __init__(self, faults: dict[str, list[str]]) -> None:
        count = sum(len(messages) for messages in faults.values())
        listed = dict(list(faults.items())[:MAX_FAULTS_LISTED])
        more = "" if len(listed) == len(faults) else f" ({MAX_FAULTS_LISTED} places listed)"
        super().__init__(
            "invalid_court_list",
            f"The list does not follow the published format: {count} "
            f"{'fault' if count == 1 else 'faults'}{more}.",
            fields=listed,
        )


def path_text(parts: Iterable[str | int]) -> str:
    """`courtLists[0].courtHouse.courtRoom[1]` from ("courtLists", 0, "courtHouse", ...)."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


ROOT = "non_field_errors"  # the whole document is at fault (the project's key for that)

_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _type_words(expected: str | list[str]) -> str:
    kinds = [expected] if isinstance(expected, str) else expected
    return " or ".join(_TYPE_WORDS.get(kind, kind) for kind in kinds)


def _described(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(path, message) for one schema error, the message written from the schema (the rule),
    never from the instance (the value)."""
    path = list(error.absolute_path)
    rule, expected = error.validator, error.validator_value
    if rule == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        for name in expected:
            if name not in present:
                yield path_text([*path, name]), "Required."
        return
    where = path_text(path) or ROOT
    if "x-fault" in error.schema and rule in {"pattern", "format", "maxLength", "minLength"}:
        yield where, error.schema["x-fault"]
    elif rule == "type":
        yield where, f"Must be {_type_words(expected)}."
    elif rule == "enum":
        yield where, f"Must be one of {', '.join(map(str, expected))}."
    elif rule == "minItems":
        yield where, f"Must hold at least {expected}."
    elif rule == "minLength":
        yield where, "Must not be empty."
    elif rule == "maxLength":
        yield where, f"At most {expected} characters."
    elif rule == "format":
        yield where, f"Not a valid {expected}."
    else:
        yield where, f"Breaks the format's rule ({rule})."


class DocumentSchema:
    """A list type's published schema, checked with jsonschema: every fault, by path."""

    def __init__(self, schema: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(schema)
        self._validator = Draft202012Validator(schema, format_checker=FORMATS)

    def faults(self, document: Any) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for error in self._validator.iter_errors(document):
            for path, message in _described(error):
                messages = found.setdefault(path, [])
                if message not in messages:
                    messages.append(message)
        return found


FORMATS = FormatChecker(formats=())
UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z\Z")


@FORMATS.checks("utc-date-time", raises=ValueError)
def is_utc_time(value: object) -> bool:
    """A time as the lists give one: ISO 8601 in UTC, ending in Z (2027-03-29T09:30:00Z)."""
    if not isinstance(value, str):
        return True  # the type rule says so, once
    if not UTC_TIME.match(value):
        raise ValueError("not a UTC time")
    datetime.fromisoformat(value)  # a real day and time (no 31 April)
    return True


def utc_time(value: str) -> datetime:
    """The aware UTC datetime of a time `is_utc_time` accepted."""
    return datetime.fromisoformat(value).astimezone(UTC)
