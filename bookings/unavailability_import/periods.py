"""What both readers share: the period read, the answer, the refusal, and how a roster entry's
words give its reason."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.validators import in_service_years

from ..models import Unavailability, UnavailabilityReason

#: The largest file read, in bytes (a year of one officer's roster is a few tens of kilobytes).
MAX_BYTES = 1024 * 1024
#: At most this many lines or rows are named in a refusal; its detail says how many in all.
ERRORS_NAMED = 50
NOTE_LENGTH = Unavailability._meta.get_field("note").max_length
_KEY_LENGTH = Unavailability._meta.get_field("source_key").max_length

#: Words in a roster entry's CATEGORIES or SUMMARY that say why the officer cannot attend,
#: tried in this order (so "Sick leave" is sick, not annual leave): whole words, any case.
REASON_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (UnavailabilityReason.SICK, ("sick", "sickness")),
    (UnavailabilityReason.COURSE, ("course", "training")),
    (UnavailabilityReason.NIGHT_SHIFT, ("night", "nights", "night shift")),
    (UnavailabilityReason.REST_DAY, ("rest day", "rest days", "rest")),
    (UnavailabilityReason.ANNUAL_LEAVE, ("annual leave", "leave", "holiday")),
)


@dataclass(frozen=True)
class ImportResult:
    """What a file added: `created` periods, and `skipped` entries it did not add (already
    there, the same as one before in the file, or not busy: cancelled, free or taking no
    time)."""

    created: int
    skipped: int


class ImportRefused(DomainError):
    """A file with any fault, of which nothing is kept; `errors` is keyed `line N` (a roster)
    or `row N` (a CSV), or `file` / `header` for the file as a whole."""

    def __init__(
        self,
        errors: dict[str, list[str]],
        *,
        code: str = "invalid_import",
        detail: str = "Nothing was imported: the file has errors.",
        status_code: int = 400,
    ) -> None:
        super().__init__(code, detail, fields=errors, status_code=status_code)
        self.errors = errors


@dataclass(frozen=True)
class Period:
    """A period read from a file, before it is added; `place` is where (`line 12`, `row 3`)."""

    place: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    note: str
    source_key: str


def reason_for(*texts: str) -> str:
    """The reason the first of `texts` to name one gives (`REASON_WORDS`), else `other`."""
    for text in texts:
        words = " " + " ".join(re.findall(r"[a-z0-9]+", str(text).lower())) + " "
        for reason, names in REASON_WORDS:
            if any(f" {name} " in words for name in names):
                return reason
    return UnavailabilityReason.OTHER


def one_line(text: str) -> str:
    """`text` as a note: control characters and runs of spaces as one space, cut to length."""
    plain = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    return " ".join(plain.split())[:NOTE_LENGTH]


def source_key(*parts: str) -> str:
    """A period's key from its parts; a hash of them when they would not fit the column or
    hold a control character (PostgreSQL refuses a NUL in text)."""
    key = "|".join(parts)
    if len(key) <= _KEY_LENGTH and not any(unicodedata.category(c) == "Cc" for c in key):
        return key
    return "sha256|" + hashlib.sha256(key.encode()).hexdigest()


def service_years_fault(*moments: date | datetime) -> str | None:
    """The message if any of `moments` is outside the years the service accepts."""
    for moment in moments:
        try:
            in_service_years(moment)
        except ValidationError as error:
            return " ".join(error.messages)
    return None


def too_large() -> ImportRefused:
    return ImportRefused(
        {"file": [f"A file is at most {MAX_BYTES:,} bytes: split it and import each part."]},
        code="import_too_large",
        detail=f"The file is larger than {MAX_BYTES // 1024:,} KB: nothing was imported.",
        status_code=413,
    )


def refused(errors: dict[str, list[str]], *, code: str, unit: str, counting: str) -> ImportRefused:
    """The refusal of a file with `errors`, naming at most ERRORS_NAMED of its lines or rows
    (`unit`); `counting` says how they are counted."""
    named = dict(list(errors.items())[:ERRORS_NAMED])
    places = f"{unit} has" if len(errors) == 1 else f"{unit}s have"
    detail = f"Nothing was imported: {len(errors)} {places} errors. {counting}"
    if len(errors) > len(named):
        detail += f" The first {len(named)} are listed."
    return ImportRefused(named, code=code, detail=detail)
