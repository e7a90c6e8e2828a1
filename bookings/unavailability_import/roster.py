"""Reading an officer's duty roster (.ics) into periods, with the line of each fault.

The `icalendar` library reads the file; it does not say where in the file a component was,
and a component never ended it drops without a word. So the file's structure is walked here
first (BEGIN and END, with their lines, after unfolding), and each component the library
reads is matched to its BEGIN line in order: the library reads them in the order they come.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from icalendar.error import BrokenCalendarProperty, IncompleteComponent, InvalidCalendar

from core.clock import LONDON, at_london

from .periods import Period, one_line, reason_for, refused, service_years_fault, source_key

COUNTING = (
    "Each line named is where the event or free/busy entry at fault begins (its BEGIN line), "
    "the file's first line being line 1."
)
#: Free/busy types that are busy; any other but FREE counts as busy too, as RFC 5545 says.
FREE = "FREE"
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_UNREADABLE = (
    BrokenCalendarProperty,
    IncompleteComponent,
    InvalidCalendar,
    ValueError,
    TypeError,
    OverflowError,
)


@dataclass
class Roster:
    """What a roster holds: its busy periods, and how many entries were not busy."""

    periods: list[Period] = field(default_factory=list)
    ignored: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)

    def fault(self, line: int, message: str) -> None:
        messages = self.errors.setdefault(f"line {line}", [])
        if message not in messages:
            messages.append(message)


@dataclass
class _Block:
    name: str
    begin: int
    end: int = 0
    depth: int = 0


def read(data: bytes) -> Roster:
    """The periods of the roster in `data`; any fault refuses it (`ImportRefused`, code
    `invalid_roster`, keyed by line)."""
    roster = Roster()
    lines = _lines(data, roster)
    blocks = _blocks(lines, roster) if not roster.errors else []
    calendars = _calendars(lines, blocks, roster) if not roster.errors else []
    for component, line in _with_lines(calendars, blocks):
        if component.errors:  # lines the library could not read, which it set aside
            for _, problem in component.errors:
                roster.fault(line, _unreadable(component.name, problem))
        elif component.name == "VEVENT":
            _event(component, line, roster)
        elif component.name == "VFREEBUSY":
            _free_busy(component, line, roster)
    if roster.errors:
        raise refused(roster.errors, code="invalid_roster", unit="line", counting=COUNTING)
    return roster


# --- The file's lines and structure -----------------------------------------------------------


def _lines(data: bytes, roster: Roster) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        roster.fault(data[: error.start].count(b"\n") + 1, "This line is not UTF-8 text.")
        return []
    return _LINE_BREAK.split(text)


def _blocks(lines: list[str], roster: Roster) -> list[_Block]:
    """Every component's BEGIN and END lines, in the file's order; a fault in the structure is
    the roster's (the rest of the file cannot be placed after it)."""
    blocks: list[_Block] = []
    open_blocks: list[_Block] = []
    for number, line in _unfolded(lines):
        word, _, value = line.partition(":")
        word, name = word.strip().upper(), value.strip().upper()
        if word == "BEGIN":
            if not open_blocks and name != "VCALENDAR":
                roster.fault(number, f"BEGIN:{name} is outside BEGIN:VCALENDAR … END:VCALENDAR.")
                return blocks
            block = _Block(name, number, depth=len(open_blocks))
            blocks.append(block)
            open_blocks.append(block)
        elif word == "END":
            if not open_blocks:
                roster.fault(number, f"END:{name} has no BEGIN:{name} before it.")
                return blocks
            block = open_blocks.pop()
            if block.name != name:
                roster.fault(
                    block.begin, f"BEGIN:{block.name} is not ended: line {number} is END:{name}."
                )
                return blocks
            block.end = number
        elif line.strip() and not open_blocks:
            roster.fault(number, "This line is outside BEGIN:VCALENDAR … END:VCALENDAR.")
            return blocks
    if open_blocks:
        block = open_blocks[-1]
        roster.fault(block.begin, f"BEGIN:{block.name} is never ended (no END:{block.name}).")
    elif not blocks:
        roster.fault(1, "This is not an iCalendar file: it has no BEGIN:VCALENDAR.")
    return blocks


def _unfolded(lines: list[str]):
    """(line number, content line), a folded line (one going on in the next, which begins
    with a space or a tab) joined up and numbered by its first line."""
    number, content = 0, None
    for index, line in enumerate(lines, start=1):
        if line[:1] in (" ", "\t") and content is not None:
            content += line[1:]
            continue
        if content is not None:
            yield number, content
        number, content = index, line
    if content is not None:
        yield number, content


def _calendars(lines: list[str], blocks: list[_Block], roster: Roster) -> list:
    """The calendars as the library reads them. When it cannot read the file, each component
    is read alone to find the one at fault."""
    try:
        return icalendar.Calendar.from_ical("\r\n".join(lines), multiple=True)
    except _UNREADABLE as error:
        problem = error
    for block in blocks:
        if block.depth != 1:
            continue
        alone = ["BEGIN:VCALENDAR", *lines[block.begin - 1 : block.end], "END:VCALENDAR"]
        try:
            icalendar.Calendar.from_ical("\r\n".join(alone))
        except _UNREADABLE as error:
            roster.fault(block.begin, _unreadable(block.name, error))
            return []
    roster.fault(blocks[0].begin if blocks else 1, _unreadable("VCALENDAR", problem))
    return []


def _unreadable(name: str, error: Exception | str) -> str:
    return f"This {name} cannot be read as iCalendar: {str(error)[:200]}"


def _with_lines(calendars: list, blocks: list[_Block]):
    """Each component the library read, with the line of its BEGIN."""
    remaining = iter(blocks)
    for calendar in calendars:
        for component in calendar.walk():
            block = next((b for b in remaining if b.name == component.name), None)
            yield component, block.begin if block else 1


# --- Events and free/busy periods --------------------------------------------------------------


def _event(event, line: int, roster: Roster) -> None:
    status = str(event.get("STATUS", "")).upper()
    if status == "CANCELLED" or str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        roster.ignored += 1
        return
    if "RRULE" in event or "RDATE" in event:
        roster.fault(
            line,
            "A repeating event (RRULE or RDATE) is not read: export the roster with each "
            "shift as an event of its own.",
        )
        return
    if "DTSTART" not in event:
        roster.fault(line, "The event has no start (DTSTART).")
        return
    try:
        start = event["DTSTART"].dt
        if fault := service_years_fault(start):
            roster.fault(line, f"DTSTART: {fault}")
            return
        end = event.end
        duration = event.get("DURATION")
        if duration is not None and duration.dt < timedelta(0):
            end = start + duration.dt
    except _UNREADABLE as error:
        roster.fault(line, f"The event's start and end cannot be read: {str(error)[:200]}")
        return
    if fault := service_years_fault(end):
        roster.fault(line, f"DTEND: {fault}")
        return
    starts_at = _moment(start, event["DTSTART"], line, roster)
    ends_at = _moment(end, event.get("DTEND") or event["DTSTART"], line, roster)
    if starts_at is None or ends_at is None:
        return
    if ends_at < starts_at:
        roster.fault(line, f"The event ends ({_words(end)}) before it starts ({_words(start)}).")
        return
    if ends_at == starts_at:
        roster.ignored += 1  # it takes no time, so it keeps the officer from nothing
        return
    summary = str(event.get("SUMMARY", ""))
    categories = [str(category) for category in event.categories]
    uid = str(event.get("UID", "")).strip()
    recurrence = event.get("RECURRENCE-ID")
    parts = [uid] if uid else ["no-uid", starts_at.isoformat(), ends_at.isoformat()]
    if recurrence is not None:
        parts.append(recurrence.to_ical().decode())
    roster.periods.append(
        Period(
            place=f"line {line}",
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason_for(*categories, summary),
            note=one_line(summary),
            source_key=source_key(*parts),
        )
    )


def _free_busy(component, line: int, roster: Roster) -> None:
    values = component.get("FREEBUSY") or []
    for period in values if isinstance(values, list) else [values]:
        if str(period.params.get("FBTYPE", "BUSY")).upper() == FREE:
            roster.ignored += 1
            continue
        try:
            start, end = period.start, period.end
        except _UNREADABLE as error:
            roster.fault(line, f"A FREEBUSY period cannot be read: {str(error)[:200]}")
            continue
        if fault := service_years_fault(start, end):
            roster.fault(line, f"FREEBUSY: {fault}")
            continue
        starts_at = _moment(start, period, line, roster)
        ends_at = _moment(end, period, line, roster)
        if starts_at is None or ends_at is None:
            continue
        if ends_at < starts_at:
            roster.fault(line, f"A FREEBUSY period ends ({_words(end)}) before it starts.")
            continue
        if ends_at == starts_at:
            roster.ignored += 1
            continue
        key = f"{starts_at:%Y%m%dT%H%M%SZ}/{ends_at:%Y%m%dT%H%M%SZ}"
        roster.periods.append(
            Period(
                f"line {line}", starts_at, ends_at, reason_for(), "", source_key("freebusy", key)
            )
        )


def _moment(value: date | datetime, prop, line: int, roster: Roster) -> datetime | None:
    """A roster's time in UTC: a date is London midnight at its start; a time in a zone the
    file or the IANA database knows is read in it; a floating time is London time."""
    if not isinstance(value, datetime):
        return at_london(value, time()).astimezone(UTC)
    if value.tzinfo is None:
        zone = getattr(prop, "params", {}).get("TZID")
        if zone:
            roster.fault(
                line,
                f"The time zone {zone} is not one the service knows, and the file has no "
                "VTIMEZONE for it.",
            )
            return None
        value = value.replace(tzinfo=LONDON)
    return value.astimezone(UTC)


def _words(value: date | datetime) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
