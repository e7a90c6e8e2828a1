"""The court's link, as the suite and the witness receive it: the suite's calendar gets a new
invite with the court's room or link and PIN, one SEQUENCE higher, every time the court sets or
changes it; the witness gets nothing at all for it, and whatever was still on its way to them
(their confirmation) still arrives, at the fake Twilio, with no link, room or PIN in it.

Bookings are made, moved and linked through the services; the outbox is sent by the real send
path into Django's test mailbox and the fake Twilio."""

import pytest

from bookings.services import booking_create, booking_reschedule, booking_set_video_link
from evidence_suites.models import VideoPlatform
from notifications.models import Audience, Channel, Kind, Message, Status
from notifications.tasks import sweep_outbox
from tests.factories import london
from tests.helpers import assert_booked, texts_to
from tests.notifications.test_invites import emails_to, everything_in, invite

SUITE_CONTACT = "brighton.suite@sussex.police.example"
SUITE_ADDRESS = "sip:brighton-suite-1@video.sussex.police.example"
ROOM, PIN = "3051", "48213"
LINK = "https://join.video.hmcts.example/court-4?pin=48213"


@pytest.fixture
def linked_suite(suite):
    """Brighton, whose kit the court dials on the Cloud Video Platform, with a contact address
    for its invites."""
    suite.contact_email = SUITE_CONTACT
    suite.video_endpoint = SUITE_ADDRESS
    suite.video_platform = VideoPlatform.CVP
    suite.save()
    return suite


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a booking service and let its messages go out, as they do once it commits."""

    def go(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(actor=None, **arguments)

    return go


def suite_invites(mailoutbox):
    return [invite(email)[1].vevent for email in emails_to(mailoutbox, SUITE_CONTACT)]


def conferences(event) -> dict[str, str]:
    """The event's CONFERENCE properties (RFC 7986), label → the URI a client joins."""
    return {c.params["LABEL"][0]: c.value for c in event.contents.get("conference", [])}


def test_the_suite_gets_a_new_invite_with_the_courts_room_and_pin_one_sequence_higher(
    clock, hearing, officer, linked_suite, mailoutbox, run
):
    # given: a booking whose invite the suite has
    booking = run(booking_create, hearing=hearing, witness=officer, suite=linked_suite)
    [first] = suite_invites(mailoutbox)

    # when: the court gives its room and the guest PIN
    run(booking_set_video_link, booking=booking, video_room=ROOM, video_pin=PIN)

    # then: the suite's calendar gets the same event again, one higher, with the room and PIN
    # and the address the court dials
    _, second = suite_invites(mailoutbox)
    assert second.uid.value == first.uid.value
    assert int(second.sequence.value) == int(first.sequence.value) + 1
    description = second.description.value
    assert f"The court's video room: {ROOM}." in description
    assert f"Guest PIN: {PIN}." in description
    assert f"The suite's video address (HMCTS Cloud Video Platform): {SUITE_ADDRESS}" in description
    assert conferences(second) == {"The suite's video address": SUITE_ADDRESS}
    assert invite(emails_to(mailoutbox, SUITE_CONTACT)[-1])[0] == "REQUEST"

    # when: the court sends a join link instead
    run(booking_set_video_link, booking=booking, video_url=LINK, video_pin=PIN)

    # then: one higher again, the link a client can open, the room gone
    third = suite_invites(mailoutbox)[-1]
    assert int(third.sequence.value) == int(second.sequence.value) + 1
    assert f"The court's video link: {LINK}" in third.description.value
    assert ROOM not in third.description.value
    assert conferences(third) == {
        "The court's video link": LINK,
        "The suite's video address": SUITE_ADDRESS,
    }


def test_the_witness_gets_nothing_for_the_courts_link_neither_a_text_nor_an_email(
    clock, hearing, officer, linked_suite, mailoutbox, fake_twilio, run
):
    # given: the officer booked, their confirmation text and invite received
    booking = run(booking_create, hearing=hearing, witness=officer, suite=linked_suite)
    texts_before = texts_to(fake_twilio, officer.phone)
    assert len(texts_before) == 1
    assert len(emails_to(mailoutbox, officer.email)) == 1

    # when: the court sets its link, then changes it
    run(booking_set_video_link, booking=booking, video_room=ROOM, video_pin=PIN)
    run(booking_set_video_link, booking=booking, video_url=LINK, video_pin=PIN)

    # then: the officer's phone and inbox have nothing new
    assert texts_to(fake_twilio, officer.phone) == texts_before
    assert len(emails_to(mailoutbox, officer.email)) == 1
    assert not Message.objects.filter(
        booking=booking, audience=Audience.WITNESS, link_version__gt=0
    ).exists()

    # when: the booking then moves an hour later (news for the witness)
    run(
        booking_reschedule,
        booking=booking,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 13),
    )

    # then: the witness's text and invite about the move carry no link, room or PIN
    moved_text = texts_to(fake_twilio, officer.phone)[-1]
    moved_invite = everything_in(emails_to(mailoutbox, officer.email)[-1])
    for seen in (moved_text, moved_invite):
        for secret in (ROOM, PIN, LINK, "join.video", SUITE_ADDRESS, "CONFERENCE"):
            assert secret not in seen


def test_a_confirmation_still_waiting_when_the_link_is_set_still_arrives(
    clock,
    hearing,
    officer,
    linked_suite,
    mailoutbox,
    fake_twilio,
    run,
    django_capture_on_commit_callbacks,
):
    # given: a new booking whose messages have not gone yet (the workers are busy)
    with django_capture_on_commit_callbacks(execute=False):
        booking = booking_create(actor=None, hearing=hearing, witness=officer, suite=linked_suite)
    assert texts_to(fake_twilio, officer.phone) == []

    # when: the court sets its room before they go, and then the outbox is sent
    run(booking_set_video_link, booking=booking, video_room=ROOM, video_pin=PIN)
    sweep_outbox()

    # then: the officer still gets their confirmation, with no room or PIN in it
    [confirmation] = texts_to(fake_twilio, officer.phone)
    assert_booked(confirmation, on="Wed 24 Mar at 10:00", suite=linked_suite.name)
    assert ROOM not in confirmation and PIN not in confirmation
    assert len(emails_to(mailoutbox, officer.email)) == 1
    # and the suite gets one invite, the one with the room: the older one went unsent
    [with_room] = suite_invites(mailoutbox)
    assert f"The court's video room: {ROOM}." in with_room.description.value
    older = Message.objects.get(
        booking=booking, kind=Kind.CONFIRMATION, audience=Audience.SUITE, channel=Channel.EMAIL
    )
    assert (older.status, older.status_detail) == (
        Status.SUPPRESSED,
        "Overtaken by a newer court link.",
    )


def test_two_link_changes_before_either_invite_goes_send_the_suite_only_the_newest(
    clock, hearing, officer, linked_suite, mailoutbox, run, django_capture_on_commit_callbacks
):
    # given: a booking whose invites went
    booking = run(booking_create, hearing=hearing, witness=officer, suite=linked_suite)
    [first] = suite_invites(mailoutbox)

    # when: the court sets a room and then a link, before the first invite goes
    with django_capture_on_commit_callbacks(execute=False):
        booking = booking_set_video_link(
            actor=None, booking=booking, video_room=ROOM, video_pin=PIN
        )
        booking = booking_set_video_link(actor=None, booking=booking, video_url=LINK)
    sweep_outbox()

    # then: one more invite, the newest, two higher than the first
    [_, newest] = suite_invites(mailoutbox)
    assert f"The court's video link: {LINK}" in newest.description.value
    assert ROOM not in newest.description.value
    assert int(newest.sequence.value) == int(first.sequence.value) + 2


def test_a_move_after_the_link_is_set_is_a_higher_sequence_and_keeps_the_link(
    clock, hearing, officer, linked_suite, mailoutbox, run
):
    booking = run(booking_create, hearing=hearing, witness=officer, suite=linked_suite)
    booking = run(booking_set_video_link, booking=booking, video_room=ROOM, video_pin=PIN)
    linked = suite_invites(mailoutbox)[-1]

    # when: the booking moves an hour later
    run(
        booking_reschedule,
        booking=booking,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 13),
    )

    # then: the suite's calendar takes the move (higher SEQUENCE), and it still has the room
    moved = suite_invites(mailoutbox)[-1]
    assert int(moved.sequence.value) > int(linked.sequence.value)
    assert f"The court's video room: {ROOM}." in moved.description.value
    # and so does the officer's calendar take it over their older invite
    witness_sequences = [
        int(invite(email)[1].vevent.sequence.value)
        for email in emails_to(mailoutbox, officer.email)
    ]
    assert witness_sequences == sorted(set(witness_sequences))


def test_a_move_while_the_link_invite_waits_sends_the_suite_one_invite_with_both(
    clock, hearing, officer, linked_suite, mailoutbox, run, django_capture_on_commit_callbacks
):
    booking = run(booking_create, hearing=hearing, witness=officer, suite=linked_suite)

    # when: the link is set and, before its invite goes, the booking moves
    with django_capture_on_commit_callbacks(execute=False):
        booking = booking_set_video_link(
            actor=None, booking=booking, video_room=ROOM, video_pin=PIN
        )
        booking_reschedule(
            actor=None,
            booking=booking,
            starts_at=london(2027, 3, 24, 11),
            ends_at=london(2027, 3, 24, 13),
        )
    sweep_outbox()

    # then: the suite gets one more invite: the new time, with the room
    [_, latest] = suite_invites(mailoutbox)
    assert latest.dtstart.value.hour == 11
    assert f"The court's video room: {ROOM}." in latest.description.value
