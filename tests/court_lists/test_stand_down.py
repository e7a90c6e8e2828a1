"""A court that applies its list changes at once: a revised list that moves one hearing and
drops another moves the first witness's booking and stands the second witness down, by text,
without anyone typing anything (through the real twilio SDK to the fake Twilio)."""

import pytest

from bookings.models import BookingStatus, Hearing
from court_lists import samples
from notifications.models import Kind, Message
from tests.helpers import book

from .conftest import DROPPED_URN, MOVED_URN, REVISED, STANDARD, read_sample

pytestmark = pytest.mark.django_db


def texts_to(fake, witness):
    """The texts the witness's phone got, newest first (as the fake lists them)."""
    return [
        m["body"]
        for m in fake.messages()
        if m["to"] == str(witness.phone) and m["direction"] == "outbound-api"
    ]


def test_a_revised_list_texts_the_moved_witness_and_stands_the_dropped_ones_down(
    clock,
    brighton_applies,
    suite,
    officer,
    other_officer,
    fake_twilio,
    django_capture_on_commit_callbacks,
):
    fake_twilio.configure(callbacks_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        read_sample(brighton_applies, STANDARD)
        moving = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
        dropped = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
    assert len(texts_to(fake_twilio, officer)) == len(texts_to(fake_twilio, other_officer)) == 1

    # when: the court's revised list arrives
    with django_capture_on_commit_callbacks(execute=True):
        read_sample(brighton_applies, REVISED)

    # then: the moved trial's witness is told the new time, and the dropped trial's is stood down
    changed, _confirmation = texts_to(fake_twilio, officer)
    assert changed.startswith("Your video link booking has changed. It is now Wed 24 Mar at 14:30")
    stand_down, _confirmation = texts_to(fake_twilio, other_officer)
    assert stand_down.startswith(
        "You are no longer needed to give evidence on Wed 24 Mar at 10:30 at "
        "Brighton Police Station. Please do not attend."
    )
    dropped.refresh_from_db()
    moving.refresh_from_db()
    assert dropped.status == BookingStatus.CANCELLED
    assert moving.status == BookingStatus.CONFIRMED
    assert Message.objects.filter(booking=dropped, kind=Kind.STAND_DOWN, channel="sms").count() == 1


def test_the_same_revised_list_again_texts_nobody(
    clock, brighton_applies, suite, other_officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        read_sample(brighton_applies, STANDARD)
        book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
        read_sample(brighton_applies, REVISED)
    sent = len(fake_twilio.messages())

    with django_capture_on_commit_callbacks(execute=True):
        again = read_sample(brighton_applies, REVISED)
        older = read_sample(brighton_applies, STANDARD)

    assert (again.outcome, older.outcome) == ("unchanged", "superseded")
    assert len(fake_twilio.messages()) == sent


def empty(document):
    """The same list with every sitting taken out: a list of no hearings at all."""
    for court_list in document["courtLists"]:
        for room in court_list["courtHouse"]["courtRoom"]:
            for session in room["session"]:
                session["sittings"] = []
    return document


def test_an_empty_list_that_would_stand_down_the_whole_day_waits_for_staff_and_texts_nobody(
    clock, brighton_applies, suite, other_officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        read_sample(brighton_applies, STANDARD)
        booking = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
    sent = len(fake_twilio.messages())
    revised = samples.document(REVISED)

    # when: a revision of the day arrives that lists nothing at all
    with django_capture_on_commit_callbacks(execute=True):
        held = read_sample(brighton_applies, REVISED, document=empty(revised))

    # then: even though the court applies changes at once, these wait for a person
    assert held.outcome == "proposed"
    assert {change.kind for change in held.changes.all()} == {"missing"}
    assert {change.state for change in held.changes.all()} == {"proposed"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert len(fake_twilio.messages()) == sent  # nobody was stood down
