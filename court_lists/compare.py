"""The comparison: a court's list for a day against the hearings the service has, as changes.

A pure function of its inputs (no database, no clock), so that its rules can be stated as
properties and tested with Hypothesis (tests/court_lists/test_compare.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.clock import at_london, local

from .models import ChangeKind
from .readers import Listing

MORNING_SESSION_ENDS = time(13, 0)
AFTERNOON_SESSION_ENDS = time(16, 30)
#: A sitting that starts after the afternoon session would have ended (an evening court).
LATE_SITTING_LENGTH = timedelta(hours=1)
#: The longest hearing slot the hearing services accept.
LONGEST_HEARING = timedelta(hours=12)


@dataclass(frozen=True)
class KnownHearing:
    """A listed hearing of the court, as far as the comparison needs it."""

    id: int
    case_reference: str
    starts_at: datetime
    ends_at: datetime
    courtroom: str

    @property
    def slot(self) -> Slot:
        return Slot(self.starts_at, self.courtroom)


@dataclass(frozen=True)
class Slot:
    """Where and when a hearing sits: its start and courtroom."""

    starts_at: datetime
    courtroom: str

    def as_json(self) -> dict[str, str]:
        starts_at = self.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return {"starts_at": starts_at, "courtroom": self.courtroom}


@dataclass(frozen=True)
class Change:
    """One difference: `before` is the hearing's slot (None when added), `after` the list's
    (None when missing); `ends_at` is where an added or moved hearing ends."""

    kind: str
    case_reference: str
    hearing_id: int | None
    before: Slot | None
    after: Slot | None
    ends_at: datetime | None = None
    hearing_type: str = ""


def session_end(starts_at: datetime) -> datetime:
    """When the session a sitting starts in ends, in London time: a sitting that starts before
    13:00 is in the morning session (ends 13:00), one before 16:30 in the afternoon (ends
    16:30); a later one is given an hour. Magistrates' lists give no sitting end."""
    moment = local(starts_at)
    for ends in (MORNING_SESSION_ENDS, AFTERNOON_SESSION_ENDS):
        if moment.time() < ends:
            return at_london(moment.date(), ends).astimezone(UTC)
    return starts_at + LATE_SITTING_LENGTH


@dataclass(frozen=True)
class ListedCase:
    """A URN as the list has it for the day: first and last sitting."""

    first: Listing
    last: Listing

    @property
    def slot(self) -> Slot:
        return Slot(self.first.starts_at, self.first.courtroom)

    @property
    def new_hearing_ends_at(self) -> datetime:
        return min(session_end(self.last.starts_at), self.first.starts_at + LONGEST_HEARING)


def listed_cases(listings: Iterable[Listing]) -> dict[str, ListedCase]:
    """Each URN of a day's list, once. A URN in two or more sittings of the day (a trial that
    continues after lunch, or in another courtroom) is one hearing: it starts at its earliest
    sitting, in that sitting's courtroom and with that sitting's hearing type, and a hearing
    new to the service ends with the session of its latest sitting."""
    by_urn: dict[str, list[Listing]] = defaultdict(list)
    for listing in listings:
        by_urn[listing.case_reference].append(listing)
    cases = {}
    for urn, rows in by_urn.items():
        ordered = sorted(rows, key=lambda row: (row.starts_at, row.courtroom, row.hearing_type))
        cases[urn] = ListedCase(first=ordered[0], last=ordered[-1])
    return cases


def compare(
    *, day: date, hearings: Iterable[KnownHearing], listings: Iterable[Listing]
) -> list[Change]:
    """The changes that make the service's hearings follow a court's list for `day`.

    `hearings` are the court's listed hearings on `day` and, for their URNs, on the other days
    a hearing may move to (the caller says which: the days still to come); `listings` are the
    list's. A hearing is court + URN + London day:

    - `added`: a URN in the list with no hearing that day; the new hearing takes the list's
      slot and ends with its session (`listed_cases`).
    - `moved`: a hearing that day whose URN the list has at another start or in another
      courtroom; it keeps its length.
    - `moved`, to another day: a hearing that day not in the list, whose URN has a hearing on
      another of the days given; it takes the slot of the first of those, keeping its length.
    - `missing`: a hearing that day not in the list, its URN on no other day given.

    Several hearings with one URN that day (typed in twice) are one hearing to the list: each
    follows it, none is missing.
    """
    on_day: dict[str, list[KnownHearing]] = defaultdict(list)
    elsewhere: dict[str, list[KnownHearing]] = defaultdict(list)
    for hearing in hearings:
        (on_day if local(hearing.starts_at).date() == day else elsewhere)[
            hearing.case_reference
        ].append(hearing)
    cases = listed_cases(listings)
    changes: list[Change] = []
    for urn, case in cases.items():
        if urn not in on_day:
            changes.append(
                Change(
                    kind=ChangeKind.ADDED,
                    case_reference=urn,
                    hearing_id=None,
                    before=None,
                    after=case.slot,
                    ends_at=case.new_hearing_ends_at,
                    hearing_type=case.first.hearing_type,
                )
            )
            continue
        for hearing in on_day[urn]:
            if hearing.slot != case.slot:
                changes.append(_moved(hearing, case.slot))
    for urn, known in on_day.items():
        if urn in cases:
            continue
        later = min(elsewhere[urn], key=lambda h: (h.starts_at, h.id), default=None)
        for hearing in known:
            if later is not None:
                changes.append(_moved(hearing, later.slot))
            else:
                changes.append(
                    Change(
                        kind=ChangeKind.MISSING,
                        case_reference=urn,
                        hearing_id=hearing.id,
                        before=hearing.slot,
                        after=None,
                    )
                )
    return sorted(changes, key=lambda c: (c.case_reference, c.hearing_id or 0, c.kind))


def _moved(hearing: KnownHearing, to: Slot) -> Change:
    return Change(
        kind=ChangeKind.MOVED,
        case_reference=hearing.case_reference,
        hearing_id=hearing.id,
        before=hearing.slot,
        after=to,
        ends_at=to.starts_at + (hearing.ends_at - hearing.starts_at),
    )
