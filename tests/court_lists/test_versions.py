"""Versions of one court's list for one day, read through the service (Hypothesis draws the
lists): the same list again is `unchanged`, a newer one brings exactly its differences, and an
older one read after a newer is `superseded` and changes nothing."""

from collections import defaultdict
from datetime import UTC, date, time

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Hearing, HearingStatus
from core.clock import at_london
from court_lists.models import ChangeKind, ReadOutcome
from court_lists.services import court_list_read

pytestmark = pytest.mark.django_db

DAY = date(2027, 3, 24)
URNS = [f"47BR05{n:03d}26" for n in range(6)]
ROOMS = ["Court 1", "Court 2", "Court 3"]
TIMES = [time(10), time(10, 30), time(11, 30), time(14), time(14, 30)]

#: (URN, courtroom, sitting start): one case in one sitting of a list.
cases = st.lists(
    st.tuples(st.sampled_from(URNS), st.sampled_from(ROOMS), st.sampled_from(TIMES)),
    max_size=8,
    unique=True,
)


def document(rows, published):
    """A standard list holding `rows`, every case with its defendant's details."""
    sittings = defaultdict(lambda: defaultdict(list))
    for urn, room, moment in rows:
        sittings[room][moment].append(urn)
    return {
        "document": {"publicationDate": published, "version": "1"},
        "venue": {"venueName": "Brighton Magistrates' Court"},
        "courtLists": [
            {
                "courtHouse": {
                    "courtHouseName": "Brighton Magistrates' Court",
                    "courtRoom": [
                        {
                            "courtRoomName": room,
                            "session": [
                                {
                                    "sittings": [
                                        {
                                            "sittingStart": at_london(DAY, moment)
                                            .astimezone(UTC)
                                            .strftime("%Y-%m-%dT%H:%M:%SZ"),
                                            "hearing": [
                                                {"hearingType": "Trial", "case": [case(u)]}
                                                for u in urns
                                            ],
                                        }
                                        for moment, urns in by_time.items()
                                    ]
                                }
                            ],
                        }
                        for room, by_time in sittings.items()
                    ],
                }
            }
        ],
    }


def case(urn):
    return {
        "caseUrn": urn,
        "party": [
            {
                "partyRole": "DEFENDANT",
                "individualDetails": {
                    "individualForenames": "Declan",
                    "individualSurname": "Threlkeld",
                    "dateOfBirth": "14/07/1991",
                    "asn": "2601BR0100000412326X",
                },
                "offence": [{"offenceTitle": "Criminal damage", "plea": "NOT_GUILTY"}],
            }
        ],
    }


def read(court, rows, published):
    return court_list_read(
        court=court,
        list_type="MAGISTRATES_STANDARD_LIST",
        content_date=DAY,
        document=document(rows, published),
        provenance="COMMON_PLATFORM",
        sensitivity="CLASSIFIED",
    )


def first_slots(rows) -> dict[str, tuple]:
    """Each URN's earliest sitting: the slot the service's hearing should have."""
    slots = {}
    for urn, room, moment in sorted(rows, key=lambda r: (r[2], r[1])):
        slots.setdefault(urn, (at_london(DAY, moment), room))
    return slots


def hearings(court) -> dict[str, tuple]:
    return {
        h.case_reference: (h.starts_at, h.courtroom, h.ends_at)
        for h in Hearing.objects.filter(court=court, status=HearingStatus.LISTED)
    }


def slots(court) -> dict[str, tuple]:
    return {urn: (starts, room) for urn, (starts, room, _) in hearings(court).items()}


FIRST, LATER = "2027-03-23T16:45:00Z", "2027-03-24T07:55:00Z"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=cases, second=cases)
def test_versions_of_a_days_list_bring_exactly_their_differences(
    clock, brighton_applies, first, second
):
    with transaction.atomic():
        # when: the first version is read, then read again
        read(brighton_applies, first, FIRST)
        assert slots(brighton_applies) == first_slots(first)
        before = hearings(brighton_applies)
        assert read(brighton_applies, first, FIRST).outcome == ReadOutcome.UNCHANGED
        assert hearings(brighton_applies) == before

        # when: a later version is read
        later = read(brighton_applies, second, LATER)

        # then: its changes are exactly the differences, and the hearings follow it
        old, new = first_slots(first), first_slots(second)
        kinds = {kind: set() for kind in ChangeKind}
        for change in later.changes.all():
            kinds[change.kind].add(change.case_reference)
        assert kinds[ChangeKind.ADDED] == set(new) - set(old)
        assert kinds[ChangeKind.MISSING] == set(old) - set(new)
        assert kinds[ChangeKind.MOVED] == {u for u in set(old) & set(new) if old[u] != new[u]}
        if not second and len(old) > 1:
            # an empty list that would vacate a whole day of hearings waits for staff
            assert later.outcome == ReadOutcome.PROPOSED
            assert slots(brighton_applies) == first_slots(first)
            transaction.set_rollback(True)
            return
        assert later.outcome == (ReadOutcome.APPLIED if any(kinds.values()) else "unchanged")
        assert slots(brighton_applies) == new
        for urn in set(old) & set(new):  # a moved hearing keeps its length
            starts, _, ends = hearings(brighton_applies)[urn]
            assert ends - starts == before[urn][2] - before[urn][0]

        # when: the first version arrives again, after the later one
        after_later = hearings(brighton_applies)
        again = read(brighton_applies, first, FIRST)

        # then: it is superseded and changes nothing
        assert again.outcome == ReadOutcome.SUPERSEDED
        assert again.changes.count() == 0
        assert hearings(brighton_applies) == after_later
        transaction.set_rollback(True)
