"""Reading a court's lists: versions, the court's policy, staff deciding what a list proposes,
and nothing half-done."""

from datetime import UTC, datetime

import pytest

from accounts.models import Role
from bookings import services as bookings_services
from bookings.models import BookingEvent, BookingStatus, Hearing, HearingStatus
from core.errors import Conflict, DomainError
from court_lists import samples
from court_lists.models import ChangeState, CourtList, ListChange, ReadOutcome
from court_lists.readers import ListFormatError
from court_lists.services import change_apply, change_dismiss
from notifications.models import Message
from tests.factories import HearingFactory, UserFactory, london
from tests.helpers import book, signed_in

from .conftest import (
    DROPPED_URN,
    MONDAY,
    MOVED_URN,
    PUBLIC,
    REVISED,
    STANDARD,
    WEDNESDAY,
    WEDNESDAY_URNS,
    read_sample,
)

pytestmark = pytest.mark.django_db


def listed(court, day=WEDNESDAY):
    """{URN: (start, end, courtroom)} of the court's listed hearings that day."""
    return {
        h.case_reference: (h.starts_at, h.ends_at, h.courtroom)
        for h in Hearing.objects.filter(court=court, status=HearingStatus.LISTED)
        if h.starts_at.date() == day
    }


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_a_first_list_under_the_apply_policy_lists_every_hearing_in_it(clock, brighton_applies):
    court_list = read_sample(brighton_applies, STANDARD)

    assert court_list.outcome == ReadOutcome.APPLIED
    assert court_list.published_at == utc(2027, 3, 23, 16, 45)
    assert (court_list.provenance, court_list.language) == ("COMMON_PLATFORM", "ENGLISH")
    hearings = listed(brighton_applies)
    assert set(hearings) == WEDNESDAY_URNS
    # a morning sitting ends at 13:00, an afternoon one at 16:30; the trial in both sessions
    # is one hearing from its morning start to the afternoon's end
    assert hearings["47BR0398826"] == (utc(2027, 3, 24, 11, 30), utc(2027, 3, 24, 13), "Court 1")
    assert hearings["47BR0356426"] == (utc(2027, 3, 24, 14), utc(2027, 3, 24, 16, 30), "Court 2")
    assert hearings["47BR0412326"] == (utc(2027, 3, 24, 10), utc(2027, 3, 24, 16, 30), "Court 1")
    changes = court_list.changes.all()
    assert {c.kind for c in changes} == {"added"} and len(changes) == 11
    assert all(c.state == ChangeState.APPLIED and c.hearing_id for c in changes)


def test_under_the_propose_policy_a_list_changes_nothing_until_staff_decide(clock, brighton):
    court_list = read_sample(brighton, STANDARD)

    assert court_list.outcome == ReadOutcome.PROPOSED
    assert listed(brighton) == {}
    assert {c.state for c in court_list.changes.all()} == {ChangeState.PROPOSED}

    # when: a court user applies one added hearing and dismisses another
    added = court_list.changes.get(case_reference="47BR0377126")
    applied = change_apply(change=added, actor=None)
    dismissed = change_dismiss(
        change=court_list.changes.get(case_reference="47BR0421726"), actor=None
    )

    assert applied.state == ChangeState.APPLIED and applied.decided_at is not None
    assert applied.hearing.hearing_type == "sentencing"
    assert set(listed(brighton)) == {"47BR0377126"}
    assert dismissed.state == ChangeState.DISMISSED
    with pytest.raises(Conflict) as refused:
        change_apply(change=dismissed, actor=None)
    assert refused.value.code == "list_change_decided"


def test_the_same_list_again_is_unchanged_and_changes_nothing(clock, brighton_applies):
    read_sample(brighton_applies, STANDARD)
    before = listed(brighton_applies)

    again = read_sample(brighton_applies, STANDARD)

    assert again.outcome == ReadOutcome.UNCHANGED
    assert again.changes.count() == 0
    assert listed(brighton_applies) == before


def test_a_revised_list_moves_one_hearing_and_vacates_the_one_it_dropped(clock, brighton_applies):
    read_sample(brighton_applies, STANDARD)

    revised = read_sample(brighton_applies, REVISED)

    assert revised.outcome == ReadOutcome.APPLIED
    changes = {(c.kind, c.case_reference): c for c in revised.changes.all()}
    assert set(changes) == {("moved", MOVED_URN), ("missing", DROPPED_URN)}
    moved = changes["moved", MOVED_URN]
    assert moved.before == {"starts_at": "2027-03-24T14:00:00Z", "courtroom": "Court 2"}
    assert moved.after == {"starts_at": "2027-03-24T14:30:00Z", "courtroom": "Court 3"}
    # the moved trial keeps its length (2h30)
    assert listed(brighton_applies)[MOVED_URN] == (
        utc(2027, 3, 24, 14, 30),
        utc(2027, 3, 24, 17),
        "Court 3",
    )
    vacated = Hearing.objects.get(case_reference=DROPPED_URN)
    assert vacated.status == HearingStatus.VACATED
    assert vacated.vacated_reason == (
        "Not in the court's list published 24 Mar 2027 07:55 (Common Platform)"
    )


def test_a_list_published_before_one_already_read_is_superseded_and_changes_nothing(
    clock, brighton_applies
):
    read_sample(brighton_applies, STANDARD)
    read_sample(brighton_applies, REVISED)
    before = listed(brighton_applies)

    first_again = read_sample(brighton_applies, STANDARD)
    public = read_sample(brighton_applies, PUBLIC)  # published five minutes before the first

    assert (first_again.outcome, public.outcome) == (ReadOutcome.SUPERSEDED, ReadOutcome.SUPERSEDED)
    assert first_again.changes.count() == public.changes.count() == 0
    assert listed(brighton_applies) == before


def test_the_standard_list_after_the_same_days_public_list_is_nothing_new(clock, brighton_applies):
    read_sample(brighton_applies, PUBLIC)

    standard = read_sample(brighton_applies, STANDARD)

    assert standard.outcome == ReadOutcome.UNCHANGED
    assert Hearing.objects.count() == len(WEDNESDAY_URNS)


def test_a_newer_lists_changes_replace_those_still_waiting_from_an_earlier_one(clock, brighton):
    first = read_sample(brighton, STANDARD)

    revised = read_sample(brighton, REVISED)

    assert revised.outcome == ReadOutcome.PROPOSED
    waiting = ListChange.objects.filter(state=ChangeState.PROPOSED)
    assert {c.court_list_id for c in waiting} == {revised.pk}
    assert {c.case_reference for c in waiting} == WEDNESDAY_URNS - {DROPPED_URN}
    replaced = first.changes.all()
    assert {(c.state, c.superseded_by_id) for c in replaced} == {
        (ChangeState.DISMISSED, revised.pk)
    }
    assert all(c.decided_by is None for c in replaced)


def test_a_proposal_the_hearing_has_outgrown_is_refused(clock, brighton):
    hearing = HearingFactory(
        court=brighton, case_reference=DROPPED_URN, starts_at=london(2027, 3, 24, 10, 30)
    )
    court_list = read_sample(brighton, REVISED)
    proposal = court_list.changes.get(case_reference=DROPPED_URN)
    assert proposal.kind == "missing" and proposal.hearing == hearing

    # when: someone relists the hearing by hand before the proposal is decided
    bookings_services.hearing_relist(
        actor=None,
        hearing=hearing,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 13),
    )

    with pytest.raises(Conflict) as refused:
        change_apply(change=proposal, actor=None)
    assert refused.value.code == "list_change_out_of_date"
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.LISTED


def test_a_hearing_gone_from_its_day_but_listed_on_another_moves_there(clock, brighton_applies):
    """The Wednesday hearing was adjourned to Monday: Monday's list came first and listed it;
    Wednesday's list no longer has it. It moves to Monday, keeping its length."""
    wednesday = HearingFactory(
        court=brighton_applies,
        case_reference="47BR0452126",
        starts_at=london(2027, 3, 24, 10),
        ends_at=london(2027, 3, 24, 12),
    )
    read_sample(brighton_applies, MONDAY)  # lists 47BR0452126 on Monday from 10:00 (BST)

    court_list = read_sample(brighton_applies, STANDARD)

    change = court_list.changes.get(hearing=wednesday)
    assert change.kind == "moved"
    assert change.after == {"starts_at": "2027-03-29T09:00:00Z", "courtroom": "Court 1"}
    wednesday.refresh_from_db()
    assert (wednesday.starts_at, wednesday.ends_at) == (utc(2027, 3, 29, 9), utc(2027, 3, 29, 11))


def test_each_applied_change_names_its_list_in_the_bookings_history(
    clock, brighton_applies, suite, officer, other_officer
):
    read_sample(brighton_applies, STANDARD)
    moved = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    dropped = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)

    revised = read_sample(brighton_applies, REVISED)

    named = (
        "Magistrates' standard list for Wed 24 Mar 2027, published Wed 24 Mar 2027 07:55 "
        "(Common Platform)"
    )
    for booking in (moved, dropped):
        note = BookingEvent.objects.get(booking=booking, action="court_list")
        assert note.changes == {"court_list": [None, named]}
        assert note.actor_label == "system"
    dropped.refresh_from_db()
    assert dropped.status == BookingStatus.CANCELLED
    assert dropped.cancellation_reason == (
        "Hearing vacated: Not in the court's list published 24 Mar 2027 07:55 (Common Platform)"
    )
    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at) == (utc(2027, 3, 24, 14, 30), utc(2027, 3, 24, 17))
    assert {c.case_reference: c.booking_ids for c in revised.changes.all()} == {
        MOVED_URN: [moved.pk],
        DROPPED_URN: [dropped.pk],
    }


def test_the_courts_own_users_read_which_list_moved_their_booking(
    clock, brighton_applies, suite, officer
):
    read_sample(brighton_applies, STANDARD)
    moved = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    read_sample(brighton_applies, REVISED)
    clerk = UserFactory(role=Role.COURT_USER, force=None, court=brighton_applies)

    history = signed_in(clerk).get(f"/api/v1/bookings/{moved.pk}/history/").json()["results"]

    (note,) = [entry for entry in history if entry["action"] == "court_list"]
    assert note["changes"]["court_list"][1].startswith("Magistrates' standard list for Wed 24")


def test_a_fault_half_way_through_applying_leaves_nothing_behind(
    clock, brighton_applies, suite, officer, other_officer, monkeypatch
):
    read_sample(brighton_applies, STANDARD)
    booked = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    hearings, lists, messages = (
        listed(brighton_applies),
        CourtList.objects.count(),
        Message.objects.count(),
    )

    def vacate_fails(**kwargs):
        raise RuntimeError("the database went away")

    # the revised list moves one hearing (first), then vacates the other: that fails
    monkeypatch.setattr(bookings_services, "hearing_vacate", vacate_fails)
    with pytest.raises(RuntimeError):
        read_sample(brighton_applies, REVISED)

    assert listed(brighton_applies) == hearings
    assert CourtList.objects.count() == lists
    assert not ListChange.objects.filter(court_list__published_at=utc(2027, 3, 24, 7, 55)).exists()
    assert Message.objects.count() == messages
    booked.refresh_from_db()
    assert (booked.starts_at, booked.status) == (utc(2027, 3, 24, 14), BookingStatus.CONFIRMED)
    assert not BookingEvent.objects.filter(booking=booked, action="moved_with_hearing").exists()


def test_a_refused_document_records_nothing(clock, brighton_applies):
    document = samples.document(STANDARD)
    del document["courtLists"][0]["courtHouse"]["courtRoom"][0]["session"][0]["sittings"][0][
        "sittingStart"
    ]

    with pytest.raises(ListFormatError):
        read_sample(brighton_applies, STANDARD, document=document)

    assert CourtList.objects.count() == Hearing.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "value"),
    [("language", "KLINGON"), ("sensitivity", "SECRET"), ("provenance", "common platform")],
)
def test_metadata_outside_the_formats_words_is_refused(clock, brighton, header, value):
    with pytest.raises(DomainError) as refused:
        read_sample(brighton, STANDARD, **{header: value})

    assert refused.value.code == "invalid_list_metadata"
    assert list(refused.value.fields) == [f"x-{header}"]
    assert CourtList.objects.count() == 0


def test_a_hearing_gone_from_its_day_is_not_moved_back_onto_a_day_already_past(
    clock, brighton_applies
):
    """Only hearings still to come are where a hearing gone from its day may have moved to: one
    that sat earlier in the month under the same URN is history."""
    HearingFactory(
        court=brighton_applies,
        case_reference="47BR0999926",
        starts_at=london(2027, 3, 1, 10),
        ends_at=london(2027, 3, 1, 13),
    )
    on_day = HearingFactory(
        court=brighton_applies, case_reference="47BR0999926", starts_at=london(2027, 3, 24, 10)
    )

    court_list = read_sample(brighton_applies, STANDARD)

    assert court_list.changes.get(hearing=on_day).kind == "missing"
    on_day.refresh_from_db()
    assert on_day.status == HearingStatus.VACATED


def test_a_trial_already_over_is_not_listed_again_by_the_afternoons_revised_list(
    clock, brighton_applies
):
    read_sample(brighton_applies, STANDARD)
    # given: the morning's first trial has concluded by the time the revision arrives
    over = Hearing.objects.get(case_reference="47BR0412326")
    Hearing.objects.filter(pk=over.pk).update(status=HearingStatus.CONCLUDED)

    revised = read_sample(brighton_applies, REVISED)

    # then: the revision moves and drops what it did before, and adds nothing for the trial
    assert {(c.kind, c.case_reference) for c in revised.changes.all()} == {
        ("moved", MOVED_URN),
        ("missing", DROPPED_URN),
    }
    assert Hearing.objects.filter(case_reference="47BR0412326").count() == 1
