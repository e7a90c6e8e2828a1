"""One input policy for every way in: the API, the staff pages' forms and query strings, and the
admin. What a person or a client sends is refused here, with a message, before it can reach the
database as something it cannot hold:

- ids are whole numbers from 1 to 2**63 - 1 (a database's big integer): `99999999999999999999`
  or `1e400` in an id is bad input, never an OverflowError;
- dates and times lie within the years 2000 to 2100: anything else is a typing mistake, and near
  the ends of the calendar adding a turnaround or a day overflows;
- text holds no control characters (core.validators);
- JSON bodies are finite and nest at most JSON_MAX_DEPTH deep (core.parsers).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError

from core.validators import no_control_characters

#: The years a date or time may fall in, everywhere.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
#: The largest id a database's big integer holds.
LARGEST_ID = 2**63 - 1

YEAR_MESSAGE = f"Give a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def in_range(moment: date | datetime | None) -> bool:
    """Whether a date or time falls in the years the service accepts."""
    return moment is not None and EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def id_from(text) -> int | None:
    """A query string's or form's id as a number, or None when it is not one the database
    could hold (empty, not digits, 0, or past the largest big integer)."""
    text = str(text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


def date_from(text) -> date | None:
    """An ISO date (YYYY-MM-DD) from a query string, or None when it is not one or falls
    outside the accepted years."""
    try:
        day = date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None
    return day if in_range(day) else None


def is_plain_text(text) -> bool:
    """Whether a query string's text holds no control characters (core.validators): a NUL,
    say, which PostgreSQL refuses in any query."""
    try:
        no_control_characters(str(text or ""))
    except ValidationError:
        return False
    return True
