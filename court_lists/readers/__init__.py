"""One reader per list format, behind one interface: `reader_for(list_type).read(document,
content_date=...)` returns a `ReadList` or raises `ListFormatError`. The comparison and the
services never see a format's own shape, so a new format (Common Platform hearing events, the
older Libra lists) is a new reader, and nothing else changes."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from core.errors import DomainError

from . import magistrates
from .base import ListFormatError, Listing, ReadList


class ListReader(Protocol):
    list_type: str

    def read(self, document: Any, *, content_date: date) -> ReadList:
        """What the service keeps of `document`, a list for `content_date` (London)."""


READERS: dict[str, ListReader] = {
    reader.list_type: reader for reader in (magistrates.STANDARD, magistrates.PUBLIC)
}


def reader_for(list_type: str) -> ListReader:
    """The reader of a list type (`x-list-type`); an unknown one is refused (400)."""
    try:
        return READERS[list_type]
    except KeyError:
        raise DomainError(
            "unknown_list_type",
            "The service does not read this type of list.",
            fields={"x-list-type": [f"One of {', '.join(READERS)}."]},
        ) from None


__all__ = ["READERS", "ListFormatError", "ListReader", "Listing", "ReadList", "reader_for"]
