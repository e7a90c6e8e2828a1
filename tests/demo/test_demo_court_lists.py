"""`make run`'s demo follows the courts' published lists: each demo court's list for each day to
come is read (and changes nothing), a court that proposes its changes has one waiting for staff,
and a few minutes after seeding the revised list of the court that applies its changes arrives
through beat and the watched folder, moving one hearing and standing another's witnesses down by
text. None of the parties the lists name is kept."""

import logging
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from bookings.models import Booking, BookingStatus, Court, Hearing, HearingStatus, ListChangesPolicy
from core.clock import local
from court_lists.models import ChangeState, CourtList, ListChange, ReadOutcome
from court_lists.tasks import sweep_court_list_inbox
from demo import court_lists as demo_court_lists
from demo import data as demo_data
from demo.tasks import deliver_demo_court_lists
from notifications.tasks import sweep_outbox
from tests.factories import london
from tests.helpers import assert_stood_down, every_value, texts_by_phone

pytestmark = pytest.mark.django_db

WEDNESDAY_NOON = london(2027, 3, 24, 12, 30)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--not-production", stdout=out)
    return out.getvalue()


def when(moment) -> str:
    """A booking's day and time as a text gives it: "Thu 25 Mar at 10:00"."""
    moment = local(moment)
    return f"{moment:%a} {moment.day} {moment:%b} at {moment:%H:%M}"


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY_NOON, tick=True) as traveller:
        yield traveller


@pytest.fixture(
    params=[
        # The move (a morning trial, to the afternoon) and the drop fall on two days ...
        WEDNESDAY_NOON,
        # ... or on one, the busiest (an afternoon trial an hour later; BST).
        london(2027, 10, 29, 10, 45),
    ],
    ids=["two-days", "one-day"],
)
def any_day(request):
    with time_machine.travel(request.param, tick=True) as traveller:
        yield traveller


@pytest.fixture
def folders(settings, tmp_path):
    """The folders `make run` gives the demo: the pending lists and the watched inbox."""
    settings.DEMO_COURT_LISTS_PENDING = str(tmp_path / "demo-pending")
    settings.COURT_LISTS_INBOX = str(tmp_path / "inbox")
    return Path(settings.DEMO_COURT_LISTS_PENDING), Path(settings.COURT_LISTS_INBOX)


@pytest.fixture
def documents(monkeypatch):
    """Every list document the demo writes, as it writes it."""
    written = []
    original = demo_court_lists.list_document

    def recording(*args, **kwargs):
        written.append(original(*args, **kwargs))
        return written[-1]

    monkeypatch.setattr(demo_court_lists, "list_document", recording)
    return written


def listed_ahead(court: Court) -> set:
    today = timezone.localdate()
    return {
        local(h.starts_at).date()
        for h in Hearing.objects.filter(court=court, status=HearingStatus.LISTED)
        if local(h.starts_at).date() >= today
    }


def test_each_demo_court_has_its_list_for_every_day_to_come_and_it_changes_nothing(
    wednesday, folders
):
    seed()

    courts = Court.objects.filter(code__in=[row.code for row in demo_data.COURTS])
    assert {(c.code, c.cath_location_id, c.list_changes) for c in courts} == {
        (row.code, row.cath_location_id, row.list_changes) for row in demo_data.COURTS
    }
    assert {c.list_changes for c in courts} == {ListChangesPolicy.APPLY, ListChangesPolicy.PROPOSE}
    for court in courts:
        read = set(CourtList.objects.filter(court=court).values_list("content_date", flat=True))
        assert read, f"{court} has no list"
        assert read == listed_ahead(court), court
    # Every first version lists the demo's hearings as they are: nothing to change.
    firsts = [
        CourtList.objects.filter(court=read.court, content_date=read.content_date).earliest("id")
        for read in CourtList.objects.all()
    ]
    assert {first.outcome for first in firsts} == {ReadOutcome.UNCHANGED}
    assert not ListChange.objects.exclude(state=ChangeState.PROPOSED).exists()


def test_a_court_that_proposes_has_a_move_waiting_for_staff(wednesday, folders):
    seed()

    waiting = ListChange.objects.get()
    court = waiting.court_list.court
    assert court.list_changes == ListChangesPolicy.PROPOSE
    assert waiting.kind == "moved" and waiting.state == ChangeState.PROPOSED
    hearing = waiting.hearing
    assert hearing.bookings.filter(status=BookingStatus.CONFIRMED).exists()
    assert waiting.before["starts_at"] < waiting.after["starts_at"]  # to a later sitting
    # Not moved until someone applies it.
    assert hearing.status == HearingStatus.LISTED
    assert hearing.starts_at == datetime.fromisoformat(waiting.before["starts_at"])


def test_the_revised_list_arrives_with_beat_and_stands_witnesses_down_by_text(
    any_day, folders, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    pending, inbox = folders
    seed()
    # As `make run` starts, beat's outbox sweep sends the demo's confirmations; what follows
    # is what the revised list sends.
    sweep_outbox()
    already = {phone: len(sent) for phone, sent in texts_by_phone(fake_twilio).items()}

    def texted_since() -> dict[str, list[str]]:
        return {
            phone: sent[already.get(phone, 0) :]
            for phone, sent in texts_by_phone(fake_twilio).items()
            if sent[already.get(phone, 0) :]
        }

    brighton = Court.objects.get(list_changes=ListChangesPolicy.APPLY)
    before = {
        h.pk: h.starts_at
        for h in Hearing.objects.filter(court=brighton, status=HearingStatus.LISTED)
    }
    booked = list(
        Booking.objects.filter(hearing__in=before, status=BookingStatus.CONFIRMED).select_related(
            "witness", "suite"
        )
    )

    # Not yet due: nothing arrives.
    assert deliver_demo_court_lists() == 0
    assert not inbox.exists() or not list(inbox.glob("*.json"))

    any_day.shift(demo_court_lists.REVISED_LIST_AFTER + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        delivered = deliver_demo_court_lists()
        assert delivered >= 1
        assert sweep_court_list_inbox() == delivered

    assert not list(pending.glob("*.json"))
    assert len(list((inbox / "processed").glob("*.headers.json"))) == delivered
    revised = CourtList.objects.filter(court=brighton).order_by("-published_at")[:delivered]
    assert {court_list.outcome for court_list in revised} == {ReadOutcome.APPLIED}

    moved = [
        h
        for h in Hearing.objects.filter(pk__in=before, status=HearingStatus.LISTED)
        if h.starts_at != before[h.pk]
    ]
    vacated = list(Hearing.objects.filter(pk__in=before, status=HearingStatus.VACATED))
    assert len(moved) == len(vacated) == 1
    assert moved[0].starts_at > before[moved[0].pk]  # a later sitting
    assert vacated[0].vacated_reason.startswith("Not in the court's list published")

    followed = [b for b in booked if b.hearing_id == moved[0].pk]
    stood_down = [b for b in booked if b.hearing_id == vacated[0].pk]
    assert followed and stood_down
    for booking in followed:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        (text,) = texted_since()[str(booking.witness.phone)]
        assert text.startswith(
            f"Your video link booking has changed. It is now {when(booking.starts_at)}"
        ), text
    for booking in stood_down:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        (text,) = texted_since()[str(booking.witness.phone)]
        suite = None if booking.suite.location_confidential else booking.suite.name
        assert_stood_down(text, on=when(booking.starts_at), suite=suite)
    # Nobody else was texted.
    texted = {str(b.witness.phone) for b in [*followed, *stood_down]}
    assert set(texted_since()) == texted


def test_a_second_run_reads_no_list_again_and_after_the_revision_leaves_none_pending(
    wednesday, folders
):
    pending, _inbox = folders
    seed()
    lists, changes = CourtList.objects.count(), ListChange.objects.count()
    first_pending = sorted(p.name for p in pending.iterdir())
    assert first_pending

    second = seed()  # e.g. `make run` stopped before the revised list came, and run again

    assert (CourtList.objects.count(), ListChange.objects.count()) == (lists, changes)
    assert "already loaded, nothing new" in second
    assert sorted(p.name for p in pending.iterdir()) == first_pending  # due again, later
    assert "A revised court list arrives" in second

    wednesday.shift(demo_court_lists.REVISED_LIST_AFTER + timedelta(seconds=30))
    deliver_demo_court_lists()
    sweep_court_list_inbox()
    lists = CourtList.objects.count()

    third = seed()

    assert CourtList.objects.count() == lists
    assert "already loaded, nothing new" in third
    assert "A revised court list arrives" not in third
    assert not list(pending.glob("*.json"))


def test_without_the_pending_folder_no_revised_list_is_left(settings, wednesday, tmp_path):
    settings.DEMO_COURT_LISTS_PENDING = ""
    output = seed()

    assert "A revised court list arrives" not in output
    assert deliver_demo_court_lists() == 0
    assert CourtList.objects.filter(outcome=ReadOutcome.APPLIED).count() == 0


def test_no_party_the_lists_name_is_kept_or_logged(
    wednesday, folders, documents, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    seed()
    wednesday.shift(demo_court_lists.REVISED_LIST_AFTER + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        deliver_demo_court_lists()
        sweep_court_list_inbox()

    private = set()
    for document in documents:
        for court_list in document["courtLists"]:
            for room in court_list["courtHouse"]["courtRoom"]:
                for session in room["session"]:
                    for sitting in session["sittings"]:
                        for hearing in sitting["hearing"]:
                            for case in hearing["case"]:
                                for party in case["party"]:
                                    person = party.get("individualDetails")
                                    if person:
                                        private |= {
                                            person["individualSurname"],
                                            person["dateOfBirth"],
                                            person["asn"],
                                            person["pncId"],
                                            person["address"]["line"][1],
                                        }
    assert len(documents) > 10 and len(private) > 50
    values = [value for _table, _column, value in every_value()]
    assert [term for term in private if any(term in value for value in values)] == []
    logged = [record.getMessage() for record in caplog.records]
    assert [term for term in private if any(term in line for line in logged)] == []
