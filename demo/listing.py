"""A demo court's daily list as HMCTS publishes it (the magistrates' standard list, the shape of
court_lists/samples/): written from the hearings the demo listed, so its URNs, courtrooms and
sittings are the service's own, with the judiciary and the parties a real list names.

A list is for one court and one day: each courtroom, its morning and afternoon sessions, each
sitting's start (UTC), and in each sitting the hearings, one case each. The push headers it
comes with are those of `court_lists/samples/manifest.json`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bookings.models import Court, Hearing
from core.clock import local

from . import data, parties

LIST_TYPE = "MAGISTRATES_STANDARD_LIST"
PROVENANCE = "COMMON_PLATFORM"
#: A hearing with no courtroom yet (one listed by hand) is listed in this one.
UNASSIGNED_COURTROOM = "Court 1"
#: How the list words each kind of hearing (read back as the same kind by court_lists).
HEARING_WORDS = {
    "trial": "Trial",
    "newton_hearing": "Newton Hearing",
    "appeal": "Appeal against conviction",
    "first_hearing": "First Hearing",
    "case_management": "Pre-Trial Review",
    "sentencing": "Sentence",
    "other": "Application",
}
#: The local justice area of each force's courts.
LJA = {
    "sussex": "Sussex Local Justice Area",
    "kent": "Kent Local Justice Area",
    "surrey": "Surrey Local Justice Area",
    "gwent": "Gwent Local Justice Area",
}
MAGISTRATES = [
    "Mrs A Whitcombe JP",
    "Mr R Osei JP",
    "Ms L Carraway JP",
    "Mr D Pennington JP",
    "Mrs F Achterberg JP",
    "Mr S Nwachukwu JP",
    "Ms H Delacroix JP",
]
DISTRICT_JUDGE = "District Judge (Magistrates' Courts) Halloran"


@dataclass(frozen=True)
class Entry:
    """One hearing as the list has it: its case, kind, sitting start and courtroom, and whether
    anyone gives evidence at it by video link (its channel)."""

    case_reference: str
    hearing_type: str
    starts_at: datetime
    courtroom: str
    by_video: bool = False

    @classmethod
    def of(cls, hearing: Hearing, *, by_video: bool) -> Entry:
        return cls(
            case_reference=hearing.case_reference,
            hearing_type=hearing.hearing_type,
            starts_at=hearing.starts_at,
            courtroom=hearing.courtroom or UNASSIGNED_COURTROOM,
            by_video=by_video,
        )


def utc_text(moment: datetime) -> str:
    """A time as the lists give one: UTC to the second, ending in Z."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def court_row(court: Court) -> data.CourtRow | None:
    return next((row for row in data.COURTS if row.code == court.code), None)


def list_headers(court: Court, day: date, *, published_at: datetime) -> dict[str, str]:
    """The headers CaTH pushes the list with (court_lists.intake reads them)."""
    return {
        "x-list-type": LIST_TYPE,
        "x-court-id": court.cath_location_id or "",
        "x-content-date": f"{day:%Y-%m-%d}T00:00:00",
        "x-language": "ENGLISH",
        "x-provenance": PROVENANCE,
        "x-sensitivity": "CLASSIFIED",
        "x-display-from": utc_text(published_at),
        "x-display-to": f"{day:%Y-%m-%d}T23:59:00Z",
        "x-type": "LIST",
    }


def list_document(
    court: Court, day: date, entries: list[Entry], *, published_at: datetime
) -> dict[str, Any]:
    """The court's standard list for `day`, listing `entries`, published at `published_at`."""
    row = court_row(court)
    force = row.force if row else "sussex"
    *street, town = court.address.split(", ")
    rooms: dict[str, dict[bool, dict[datetime, list[Entry]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for entry in sorted(entries, key=lambda e: (e.courtroom, e.starts_at, e.case_reference)):
        afternoon = local(entry.starts_at).time() >= time(13, 0)
        rooms[entry.courtroom][afternoon][entry.starts_at].append(entry)
    return {
        "document": {"publicationDate": utc_text(published_at), "version": "1.0"},
        "venue": {
            "venueName": court.name,
            "venueAddress": {"line": street, "town": town, "postCode": court.postcode},
        },
        "courtLists": [
            {
                "courtHouse": {
                    "courtHouseName": court.name,
                    "lja": LJA.get(force, ""),
                    "courtRoom": [
                        {
                            "courtRoomName": room,
                            "session": [
                                {
                                    "judiciary": _bench(court, day, room, afternoon),
                                    "sittings": [
                                        _sitting(starts_at, listed, force=force, day=day)
                                        for starts_at, listed in sorted(sittings.items())
                                    ],
                                }
                                for afternoon, sittings in sorted(sessions.items())
                            ],
                        }
                        for room, sessions in sorted(rooms.items())
                    ],
                }
            }
        ],
    }


def _bench(court: Court, day: date, room: str, afternoon: bool) -> list[dict[str, Any]]:
    """Three magistrates, or now and then a district judge sitting alone."""
    rng = random.Random(f"{data.SEED}:bench:{court.code}:{day}:{room}:{afternoon}")
    if rng.random() < 0.15:
        return [{"johKnownAs": DISTRICT_JUDGE, "isPresiding": True}]
    chosen = rng.sample(MAGISTRATES, 3)
    return [{"johKnownAs": name, "isPresiding": i == 0} for i, name in enumerate(chosen)]


def _sitting(starts_at: datetime, entries: list[Entry], *, force: str, day: date) -> dict:
    return {
        "sittingStart": utc_text(starts_at),
        "hearing": [
            {
                "hearingType": HEARING_WORDS.get(entry.hearing_type, "Application"),
                "panel": "ADULT",
                "channel": ["VIDEO HEARING" if entry.by_video else "IN PERSON"],
                "case": [
                    {
                        "caseUrn": entry.case_reference,
                        "caseSequenceIndicator": "1 of 1",
                        "reportingRestriction": False,
                        "party": parties.parties(
                            entry.case_reference,
                            force=force,
                            hearing_type=entry.hearing_type,
                            day=day,
                        ),
                    }
                ],
            }
            for entry in entries
        ],
    }
