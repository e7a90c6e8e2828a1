"""The one CSV writer for every CSV the service writes (reports, their email attachments).

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` as a formula, and some also
when a tab or carriage return comes first: a suite renamed `=HYPERLINK("https://evil",
"Click")` would open in the recipient's Excel as a live link, or worse. Following OWASP's
advice on CSV injection, such cells are written with a leading `'`, which spreadsheets show as
text and do not evaluate.

Only text (`str`) cells are neutralised. Numbers are written as they are: `-1.5` is a number,
not a formula, and must stay one for the sums in a spreadsheet to work. Everything the service
puts in a CSV that a person can type (names, labels, sources) reaches the writer as `str`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with `'`; anything else
    unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer`'s interface, with every cell passed through `csv_cell`."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out: TextIO, **options: Any) -> SafeWriter:
    """A CSV writer on `out` whose text cells cannot run as formulas in a spreadsheet."""
    return SafeWriter(out, **options)
