"""Court lists (#16): the lists CaTH pushes, and a national morning of them read and compared
(the stand-down storm one court's revised list sets off is in `bench.court_list_storm`).

Every list is the magistrates' standard list as CaTH pushes it, built (untimed) by the demo's
own `demo.listing.list_document` and `list_headers`, with the judiciary and the parties a real
list names (`demo.parties`: names, dates of birth, addresses, ASN, PNC ids, offences and
pleas): 6 courtrooms × 2 sessions × 12 hearings (four sittings of three), 144 hearings and
about 150 KB a list, for a weekday far ahead that holds no other hearing, so what each list
must change is known exactly.

**A national morning.** 130 courts with a CaTH location id (the benchmark's own and more), on
the model's default policy (`propose`: changes wait for staff). Of each list's 144 hearings
126 are new to the service (added), 12 known at the list's slot and 6 known in another
courtroom (moved); 2 hearings the service has that day are not in the list (missing).
Ours: the 130 documents read one after another as the POST reads them, in process:
`intake.document_from` (the API's JSON parser with its depth check), `intake.list_headers`,
`intake.list_receive` (the court found by its location id, then `services.court_list_read`:
the reader's schema validation and walk, the day locked, the day's hearings compared, the list
and its 134 changes written). In process, because the limit is: HTTP would add token
authentication, the parser's copy and the answer's serialisation to one side only (one pass
over HTTP is timed too, as a fact). The limit: `json.loads` and the reader's own jsonschema
validator (`Draft202012Validator` with its format checker) over the same bytes, nothing else.
Each list must come out `proposed`, with the digest of the document's own 144 hearings and
126 added, 6 moved and 2 missing changes. The lists read are deleted between runs (untimed),
so each run reads the same 130 lists into the same state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall

from core.clock import at_london

from .client import Client
from .grid import weekdays
from .measure import Measure, seconds
from .reference_data import TOWNS

ROOMS = 6
SITTINGS = tuple(wall(*t) for t in ((10, 0), (10, 30), (11, 0), (11, 30)))
SITTINGS += tuple(wall(*t) for t in ((14, 0), (14, 30), (15, 0), (15, 30)))
PER_SITTING = 3  # 4 sittings × 3 = 12 hearings a session
HEARINGS_PER_LIST = ROOMS * len(SITTINGS) * PER_SITTING  # 144
KINDS = ("trial", "first_hearing", "trial", "case_management", "sentencing", "trial")
KINDS += ("newton_hearing", "appeal")
KNOWN_EVERY = 8  # one hearing in eight is known already (18 of 144) ...
MOVED_EVERY = 3  # ... and one in three of those is known in another courtroom (6)
MISSING = 2  # hearings the service has that day that the list no longer has
EXPECTED = {"added": 126, "moved": 6, "missing": 2}
FIRST_LOCATION_ID = 9000  # the storm's court is 8999
DAYS_AHEAD = 300  # past the feeds' window and the booking path's slots
PATH = "/api/v1/court-lists/"


@dataclass
class Pushed:
    """One list as CaTH pushes it: headers and body, and what reading it must give."""

    court_id: int
    headers: dict[str, str]
    raw: bytes
    digest: str

    def http_headers(self, token: str) -> dict[str, str]:
        return {
            **self.headers,
            "Content-Type": "application/json",
            "Authorization": f"Token {token}",
        }


def list_entries(prefix: str, day: date):
    from demo.listing import Entry

    entries = []
    for room in range(1, ROOMS + 1):
        for starts in SITTINGS:
            for _ in range(PER_SITTING):
                n = len(entries)
                entries.append(
                    Entry(
                        case_reference=f"{prefix}{n:04d}{day:%y}",
                        hearing_type=KINDS[n % len(KINDS)],
                        starts_at=at_london(day, starts).astimezone(UTC),
                        courtroom=f"Courtroom {room}",
                        by_video=n % 4 == 0,
                    )
                )
    return entries


def pushed_list(court, day: date, entries, published_at: datetime) -> Pushed:
    from court_lists.readers import Listing, ReadList
    from demo.listing import LIST_TYPE, list_document, list_headers

    document = list_document(court, day, entries, published_at=published_at)
    listings = tuple(
        Listing(e.case_reference.upper(), e.starts_at, e.courtroom, e.hearing_type) for e in entries
    )
    return Pushed(
        court_id=court.pk,
        headers=list_headers(court, day, published_at=published_at),
        raw=json.dumps(document).encode(),
        digest=ReadList(LIST_TYPE, published_at, "1.0", listings).digest,
    )


def hearing_row(court, case_reference: str, hearing_type: str, starts_at: datetime, courtroom: str):
    from bookings.models import Hearing
    from court_lists.compare import session_end

    return Hearing(
        court=court,
        case_reference=case_reference,
        hearing_type=hearing_type,
        courtroom=courtroom,
        starts_at=starts_at,
        ends_at=session_end(starts_at),
    )


def free_weekdays(after: date, count: int) -> list[date]:
    """Weekdays from `after` on with no hearing at all."""
    from bookings.models import Hearing

    days = []
    for day in weekdays(after, after + timedelta(days=7 * count + 60)):
        if not Hearing.objects.filter(
            starts_at__gte=at_london(day, wall.min),
            starts_at__lt=at_london(day + timedelta(days=1), wall.min),
        ).exists():
            days.append(day)
            if len(days) == count:
                return days
    raise RuntimeError(f"no {count} free weekdays after {after}")


def publication_time(world, minutes_ago: int) -> datetime:
    return (world.now - timedelta(minutes=minutes_ago)).astimezone(UTC).replace(microsecond=0)


def _morning_courts(world, count: int) -> list:
    """`count` courts with a CaTH location id: the benchmark's own (but the feed's), then new
    ones."""
    from bookings.models import Court

    courts = list(Court.objects.exclude(pk=world.feed_court).order_by("pk")[:count])
    for n in range(len(courts), count):
        town = TOWNS[n % len(TOWNS)]
        courts.append(
            Court(
                code=f"bench-cath-{n + 1}",
                name=f"{town} Magistrates' Court",
                address=f"The Law Courts\n{town}",
                postcode="BN1 1AA",
                latitude=51.0,
                longitude=-0.5,
                contact_email=f"listing-{n + 1}@courts.example",
            )
        )
    Court.objects.bulk_create([court for court in courts if court.pk is None])
    for n, court in enumerate(courts):
        court.cath_location_id = str(FIRST_LOCATION_ID + n)
    Court.objects.bulk_update(courts, ["cath_location_id"])
    return courts


def prepare_morning(world, count: int) -> tuple[date, list[Pushed]]:
    """The courts, the hearings the service knows, and each court's list as bytes."""
    from bookings.models import Hearing

    (day,) = free_weekdays(world.today + timedelta(days=DAYS_AHEAD), 1)
    known, lists = [], []
    for n, court in enumerate(_morning_courts(world, count)):
        prefix = f"{10 + n % 90:02d}CL{n:03d}"
        entries = list_entries(prefix, day)
        for i, entry in enumerate(entries[::KNOWN_EVERY]):
            room = entry.courtroom
            if i % MOVED_EVERY == 0:  # the service has it in the next courtroom
                room = f"Courtroom {int(room.split()[-1]) % ROOMS + 1}"
            known.append(
                hearing_row(court, entry.case_reference, entry.hearing_type, entry.starts_at, room)
            )
        for m in range(MISSING):
            starts_at = at_london(day, SITTINGS[m]).astimezone(UTC)
            known.append(
                hearing_row(court, f"{prefix}X{m}{day:%y}", "trial", starts_at, "Courtroom 1")
            )
        lists.append(pushed_list(court, day, entries, publication_time(world, 90)))
    Hearing.objects.bulk_create(known, batch_size=1000)
    return day, lists


def _forget(lists: list[Pushed], day: date) -> None:
    """The lists read for the day, their changes and the days' locks gone: as before the
    morning (nothing else changed, the changes being only proposed)."""
    from court_lists.models import CourtList, CourtListDay, ListChange

    courts = [item.court_id for item in lists]
    ListChange.objects.filter(
        court_list__court_id__in=courts, court_list__content_date=day
    ).delete()
    CourtList.objects.filter(court_id__in=courts, content_date=day).delete()
    CourtListDay.objects.filter(court_id__in=courts, day=day).delete()


def _read_in_process(lists: list[Pushed]) -> list[int]:
    from court_lists import intake

    read = []
    for item in lists:
        document = intake.document_from(item.raw)
        headers = intake.list_headers(item.headers)
        read.append(intake.list_receive(headers=headers, document=document).pk)
    return read


def _read_over_http(lists: list[Pushed], app_url: str, token: str) -> list[int]:
    client, read = Client(app_url), []
    for item in lists:
        status, _headers, body = client.request("POST", PATH, item.raw, item.http_headers(token))
        if status != 201:
            raise AssertionError(f"the list POST answered {status}: {body[:300]!r}")
        read.append(json.loads(body)["id"])
    client.close()
    return read


def _validated_alone(lists: list[Pushed], validator) -> int:
    return sum(validator.is_valid(json.loads(item.raw)) for item in lists)


def _check_morning(lists: list[Pushed], read: list[int]) -> None:
    """Each list read for its court, proposed, with its document's hearings and changes."""
    from django.db.models import Count

    from court_lists.models import CourtList, ListChange

    found = {row.pk: row for row in CourtList.objects.filter(pk__in=read)}
    kinds: dict[int, dict[str, int]] = {pk: {} for pk in read}
    for pk, kind, n in (
        ListChange.objects.filter(court_list_id__in=read)
        .values_list("court_list_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        kinds[pk][kind] = n
    for item, pk in zip(lists, read, strict=True):
        row = found[pk]
        seen = (row.court_id, row.outcome, row.digest, kinds[pk])
        wanted = (item.court_id, "proposed", item.digest, EXPECTED)
        if seen != wanted:
            raise AssertionError(f"a morning list was read as {seen}, not {wanted}")


def morning(world, app_url: str, repeats: int, count: int) -> dict:
    from court_lists.readers import reader_for
    from demo.listing import LIST_TYPE

    day, lists = prepare_morning(world, count)
    validator = reader_for(LIST_TYPE).schema._validator  # the reader's own
    ours, limit = Measure("s"), Measure("s")
    _check_morning(lists[:1], _read_in_process(lists[:1]))  # warm: imports, the plan cache
    _forget(lists, day)
    for _ in range(repeats):
        spent, read = seconds(lambda: _read_in_process(lists))
        ours.runs.append(spent)
        _check_morning(lists, read)
        _forget(lists, day)
        spent, valid = seconds(lambda: _validated_alone(lists, validator))
        limit.runs.append(spent)
        if valid != len(lists):
            raise AssertionError(f"{len(lists) - valid} morning lists failed the schema")
    spent, read = seconds(lambda: _read_over_http(lists, app_url, world.admin[1]))
    _check_morning(lists, read)
    _forget(lists, day)
    return {
        "ours": ours,
        "limit": limit,
        "day": day,
        "facts": {
            "lists": len(lists),
            "hearings": len(lists) * HEARINGS_PER_LIST,
            "changes_per_list": EXPECTED,
            "megabytes": round(sum(len(item.raw) for item in lists) / 1e6, 1),
            "over_http_one_client_s": round(spent, 2),
            "day": day.isoformat(),
        },
    }
