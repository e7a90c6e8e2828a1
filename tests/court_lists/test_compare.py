"""The comparison's rules, as examples and as properties (Hypothesis): a list against the
hearings the service has gives exactly the changes that make the hearings follow the list."""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bookings.models import HearingType
from core.clock import at_london
from court_lists.compare import KnownHearing, Slot, compare, listed_cases, session_end
from court_lists.models import ChangeKind
from court_lists.readers import Listing

DAY = date(2027, 3, 24)  # a Wednesday, GMT
SUMMER_DAY = date(2027, 3, 29)  # the Monday after the clocks go forward, BST
URNS = [f"47BR04{n:03d}26" for n in range(6)]
ROOMS = ["Court 1", "Court 2", "Court 3"]
TIMES = [time(10), time(10, 30), time(11, 30), time(14), time(14, 30), time(15, 30)]


def at(day, hour, minute=0):
    return at_london(day, time(hour, minute)).astimezone(UTC)


def listing(urn, day, hour, minute=0, room="Court 1", kind=HearingType.TRIAL):
    return Listing(urn, at(day, hour, minute), room, kind)


def hearing(id, urn, day, hour, minute=0, room="Court 1", hours=3):
    starts = at(day, hour, minute)
    return KnownHearing(id, urn, starts, starts + timedelta(hours=hours), room)


# --- The rules, by example -------------------------------------------------------------------


def test_a_urn_new_to_the_day_is_added_and_ends_with_its_session():
    [change] = compare(day=DAY, hearings=[], listings=[listing("47BR0412326", DAY, 11, 30)])

    assert change.kind == ChangeKind.ADDED
    assert change.after == Slot(at(DAY, 11, 30), "Court 1")
    assert change.ends_at == at(DAY, 13)
    assert change.hearing_type == HearingType.TRIAL


def test_a_urn_in_both_sessions_is_one_hearing_from_its_first_sitting_to_the_afternoons_end():
    listings = [
        listing("47BR0412326", DAY, 14, room="Court 2", kind=HearingType.OTHER),
        listing("47BR0412326", DAY, 10),
    ]

    [change] = compare(day=DAY, hearings=[], listings=listings)

    assert change.after == Slot(at(DAY, 10), "Court 1")
    assert change.ends_at == at(DAY, 16, 30)
    assert change.hearing_type == HearingType.TRIAL


def test_a_known_hearing_at_another_start_or_in_another_courtroom_moves_and_keeps_its_length():
    known = [hearing(1, URNS[0], DAY, 10, hours=2), hearing(2, URNS[1], DAY, 14, hours=1)]
    listings = [listing(URNS[0], DAY, 11, 30), listing(URNS[1], DAY, 14, room="Court 3")]

    changes = compare(day=DAY, hearings=known, listings=listings)

    assert [(c.kind, c.hearing_id, c.after, c.ends_at) for c in changes] == [
        (ChangeKind.MOVED, 1, Slot(at(DAY, 11, 30), "Court 1"), at(DAY, 13, 30)),
        (ChangeKind.MOVED, 2, Slot(at(DAY, 14), "Court 3"), at(DAY, 15)),
    ]
    assert changes[0].before == Slot(at(DAY, 10), "Court 1")


def test_a_hearing_the_list_no_longer_has_is_missing():
    known = [hearing(1, URNS[0], DAY, 10), hearing(2, URNS[1], DAY, 10)]

    [change] = compare(day=DAY, hearings=known, listings=[listing(URNS[0], DAY, 10)])

    assert (change.kind, change.hearing_id, change.after) == (ChangeKind.MISSING, 2, None)
    assert change.before == Slot(at(DAY, 10), "Court 1")


def test_a_hearing_gone_from_its_day_but_listed_on_another_moves_there_keeping_its_length():
    known = [
        hearing(1, URNS[0], DAY, 10, hours=2),
        hearing(7, URNS[0], SUMMER_DAY, 14, room="Court 2"),
        hearing(8, URNS[0], SUMMER_DAY + timedelta(days=2), 10),
    ]

    [change] = compare(day=DAY, hearings=known, listings=[])

    assert (change.kind, change.hearing_id) == (ChangeKind.MOVED, 1)
    assert change.after == Slot(at(SUMMER_DAY, 14), "Court 2")  # the first other day
    assert change.ends_at == at(SUMMER_DAY, 16)


def test_a_hearing_typed_in_twice_is_one_hearing_to_the_list_and_both_follow_it():
    known = [hearing(1, URNS[0], DAY, 10), hearing(2, URNS[0], DAY, 11)]

    changes = compare(day=DAY, hearings=known, listings=[listing(URNS[0], DAY, 10)])

    assert [(c.kind, c.hearing_id) for c in changes] == [(ChangeKind.MOVED, 2)]


def test_sessions_end_at_13_00_and_16_30_london_time_on_both_sides_of_the_clock_change():
    assert session_end(at(DAY, 10)) == datetime(2027, 3, 24, 13, tzinfo=UTC)
    assert session_end(at(DAY, 14)) == datetime(2027, 3, 24, 16, 30, tzinfo=UTC)
    assert session_end(at(SUMMER_DAY, 10)) == datetime(2027, 3, 29, 12, tzinfo=UTC)
    assert session_end(at(SUMMER_DAY, 13)) == datetime(2027, 3, 29, 15, 30, tzinfo=UTC)
    assert session_end(at(SUMMER_DAY, 17)) == at(SUMMER_DAY, 18)  # an evening court: an hour


# --- The rules, as properties ------------------------------------------------------------------

listings = st.lists(
    st.builds(
        lambda urn, moment, room, kind, day: Listing(
            urn, at_london(day, moment).astimezone(UTC), room, kind
        ),
        st.sampled_from(URNS),
        st.sampled_from(TIMES),
        st.sampled_from(ROOMS),
        st.sampled_from(HearingType.values),
        st.just(DAY),
    ),
    max_size=10,
)
known_hearings = st.lists(
    st.tuples(
        st.sampled_from(URNS),
        st.sampled_from([DAY, DAY + timedelta(days=1), DAY + timedelta(days=8)]),
        st.sampled_from(TIMES),
        st.sampled_from(ROOMS),
        st.integers(min_value=1, max_value=6),
    ),
    max_size=8,
).map(
    lambda rows: [
        KnownHearing(
            n + 1,
            urn,
            at_london(day, moment).astimezone(UTC),
            at_london(day, moment).astimezone(UTC) + timedelta(minutes=30 * halves),
            room,
        )
        for n, (urn, day, moment, room, halves) in enumerate(rows)
    ]
)


def follow(hearings: list[KnownHearing], changes) -> list[KnownHearing]:
    """The hearings after every change is applied: what the service would then have."""
    by_id = {h.id: h for h in hearings}
    next_id = itertools.count(max(by_id, default=0) + 1)
    for change in changes:
        if change.kind == ChangeKind.ADDED:
            new = KnownHearing(
                next(next_id),
                change.case_reference,
                change.after.starts_at,
                change.ends_at,
                change.after.courtroom,
            )
            by_id[new.id] = new
        elif change.kind == ChangeKind.MOVED:
            by_id[change.hearing_id] = replace(
                by_id[change.hearing_id],
                starts_at=change.after.starts_at,
                ends_at=change.ends_at,
                courtroom=change.after.courtroom,
            )
        else:
            del by_id[change.hearing_id]
    return list(by_id.values())


def first_slots(rows) -> dict[str, Slot]:
    return {urn: case.slot for urn, case in listed_cases(rows).items()}


@given(hearings=known_hearings, rows=listings)
def test_once_its_changes_are_applied_the_same_list_brings_none(hearings, rows):
    after = follow(hearings, compare(day=DAY, hearings=hearings, listings=rows))

    assert compare(day=DAY, hearings=after, listings=rows) == []


@given(first=listings, second=listings)
def test_a_second_list_brings_exactly_its_differences_from_the_first(first, second):
    # given: the service follows the first list, on a day with nothing else
    hearings = follow([], compare(day=DAY, hearings=[], listings=first))

    changes = compare(day=DAY, hearings=hearings, listings=second)

    kinds = {kind: {c.case_reference for c in changes if c.kind == kind} for kind in ChangeKind}
    before, after = first_slots(first), first_slots(second)
    assert kinds[ChangeKind.ADDED] == set(after) - set(before)
    assert kinds[ChangeKind.MISSING] == set(before) - set(after)
    assert kinds[ChangeKind.MOVED] == {u for u in set(before) & set(after) if before[u] != after[u]}
    assert len(changes) == len(set(before) | set(after)) - sum(
        1 for u in set(before) & set(after) if before[u] == after[u]
    )


@given(hearings=known_hearings, rows=listings)
def test_moved_hearings_keep_their_length_and_added_ones_fit_their_sessions(hearings, rows):
    lengths = {h.id: h.ends_at - h.starts_at for h in hearings}

    for change in compare(day=DAY, hearings=hearings, listings=rows):
        if change.kind == ChangeKind.MOVED:
            assert change.ends_at - change.after.starts_at == lengths[change.hearing_id]
        if change.kind == ChangeKind.ADDED:
            assert (
                change.after.starts_at
                < change.ends_at
                <= change.after.starts_at + timedelta(hours=12)
            )
            assert change.ends_at in {at(DAY, 13), at(DAY, 16, 30)}


@given(hearings=known_hearings, rows=listings, data=st.data())
def test_the_order_of_a_lists_sittings_makes_no_difference(hearings, rows, data):
    shuffled = data.draw(st.permutations(rows))

    assert compare(day=DAY, hearings=hearings, listings=shuffled) == compare(
        day=DAY, hearings=hearings, listings=rows
    )
