"""Reading a force's CSV of its officers' dates to avoid into periods, with the row of each
fault."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError

from core.clock import at_london
from core.validators import no_control_characters_but_line_breaks
from evidence_suites.models import Force

from ..models import UnavailabilityReason, Witness
from .periods import NOTE_LENGTH, ImportRefused, Period, refused, service_years_fault

COLUMNS = ("collar_number", "starts_at", "ends_at", "reason", "note")
COUNTING = "Rows are counted from 1, the first row under the header."
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read(data: bytes, force: Force) -> list[tuple[Witness, Period]]:
    """Each row's officer of `force` and period; any fault refuses the file
    (`ImportRefused`, code `invalid_csv`, keyed by row)."""
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" begins with a byte-order mark
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRefused(
            {"file": [f"Line {line} of the file is not UTF-8 text: save it as CSV UTF-8."]},
            code="invalid_csv",
            detail="Nothing was imported: the file is not UTF-8 text.",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(next(reader, []))
    officers = _officers_by_collar(force)
    periods: list[tuple[Witness, Period]] = []
    errors: dict[str, list[str]] = {}
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if not any(value.strip() for value in values):
                continue  # a blank line, as spreadsheets leave at the end
            faults, read_row = _row(f"row {number}", values, header, force, officers)
            if faults:
                errors[f"row {number}"] = faults
            else:
                periods.append(read_row)
    except csv.Error as error:
        errors[f"row {number + 1}"] = [f"This row cannot be read as CSV: {error}."]
    if errors:
        raise refused(errors, code="invalid_csv", unit="row", counting=COUNTING)
    return periods


def _header(names: list[str]) -> list[str]:
    header = [name.strip().lower() for name in names]
    if tuple(header) not in (COLUMNS, COLUMNS[:-1]):
        raise ImportRefused(
            {"header": [f"The first line must be the header {','.join(COLUMNS)}."]},
            code="invalid_csv",
            detail="Nothing was imported: the file's first line is not the header.",
        )
    return header


def _officers_by_collar(force: Force) -> dict[str, list[Witness]]:
    """The force's officers by collar number (in capitals), anonymised witnesses left out."""
    officers: dict[str, list[Witness]] = {}
    witnesses = Witness.objects.filter(force=force, anonymised_at__isnull=True).exclude(
        collar_number=""
    )
    for witness in witnesses.order_by("pk"):
        officers.setdefault(witness.collar_number.strip().upper(), []).append(witness)
    return officers


def _row(place: str, values: list[str], header: list[str], force: Force, officers):
    """The faults in one row, or its officer and period."""
    if len(values) != len(header):
        return [f"The header has {len(header)} columns; this row has {len(values)}."], None
    row = dict(zip(header, (value.strip() for value in values), strict=True))
    faults: list[str] = []
    collar = row["collar_number"].upper()
    matches = officers.get(collar, [])
    if not collar:
        faults.append("The collar number is missing.")
    elif not matches:
        faults.append(f"No officer of {force.name} has collar number {row['collar_number']}.")
    elif len(matches) > 1:
        faults.append(
            f"{len(matches)} officers of {force.name} have collar number "
            f"{row['collar_number']}: correct their records first."
        )
    starts_at = _moment(row["starts_at"], "starts_at", faults, end=False)
    ends_at = _moment(row["ends_at"], "ends_at", faults, end=True)
    if starts_at and ends_at and ends_at <= starts_at:
        faults.append("ends_at must be after starts_at.")
    reason = _reason(row["reason"], faults)
    note = row.get("note", "")
    if len(note) > NOTE_LENGTH:
        faults.append(f"The note is at most {NOTE_LENGTH} characters.")
    try:
        no_control_characters_but_line_breaks(note)
    except ValidationError as error:
        faults.extend(error.messages)
    if faults:
        return faults, None
    # The row's own values, normalised (times in UTC): the same row again is the same key.
    values_read = "\x1f".join([collar, starts_at.isoformat(), ends_at.isoformat(), reason, note])
    key = "csv|" + hashlib.sha256(values_read.encode()).hexdigest()
    return [], (matches[0], Period(place, starts_at, ends_at, reason, note, key))


def _moment(text: str, column: str, faults: list[str], *, end: bool) -> datetime | None:
    """An ISO 8601 time with its offset, in UTC; or a date, the whole London day (a start is
    that day's midnight, an end the midnight after it)."""
    try:
        if _DAY.fullmatch(text):
            day = date.fromisoformat(text)
            if fault := service_years_fault(day):
                faults.append(f"{column}: {fault}")
                return None
            return at_london(day + timedelta(days=1) if end else day, time()).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        faults.append(
            f"{column} must be a date (2027-04-01) or a time with its offset "
            "(2027-04-01T09:00:00+01:00)."
        )
        return None
    if fault := service_years_fault(moment):
        faults.append(f"{column}: {fault}")
        return None
    return moment.astimezone(UTC)


def _reason(text: str, faults: list[str]) -> str:
    """A reason by its value (`rest_day`) or its label (`Rest day`), in any case."""
    for value, label in UnavailabilityReason.choices:
        if text.lower() in (value, label.lower()):
            return value
    faults.append(f"The reason must be one of: {', '.join(UnavailabilityReason.values)}.")
    return ""
