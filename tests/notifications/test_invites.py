"""Calendar invites by email, as a witness's or a suite's calendar client reads them.

Bookings are made, moved and cancelled through the services; the outbox is sent by the real
send path (eager Celery after commit) into Django's test mailbox. Every .ics is read back with
`vobject`, a parser independent of the `icalendar` library that writes them.
"""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

import pytest
import vobject
from django.conf import settings
from django.utils import timezone

from bookings.models import LiveLinkBasis
from bookings.services import booking_cancel, booking_create, booking_reschedule
from tests.factories import HearingFactory, SuiteFactory, london

SUITE_CONTACT = "brighton.suite@sussex.police.example"
VEVENT_PROPERTIES = {
    "uid",
    "sequence",
    "dtstamp",
    "created",
    "last-modified",
    "dtstart",
    "dtend",
    "summary",
    "description",
    "location",
    "status",
    "transp",
    "organizer",
    "attendee",
}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a booking service and let its messages go out, as they do once it commits."""

    def run(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(actor=None, **arguments)

    return run


@pytest.fixture
def suite_with_contact(suite):
    suite.contact_email = SUITE_CONTACT
    suite.save()
    return suite


def emails_to(mailoutbox, address: str) -> list:
    return [email for email in mailoutbox if email.to == [address]]


def invite(email) -> tuple[str, vobject.base.Component]:
    """The email's text/calendar part: the iTIP method its Content-Type names, and the
    calendar parsed."""
    [part] = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), vobject.readOne(
        part.get_payload(decode=True).decode(), validate=True
    )


def everything_in(email) -> str:
    """All a reader of the email could see: headers and every part decoded, with iCalendar
    lines unfolded and its escaped commas and newlines read as text."""
    message = email.message()
    texts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            texts.append(part.get_payload(decode=True).decode())
    text = "\n".join(texts)
    return text.replace("\r\n ", "").replace("\n ", "").replace("\\,", ",").replace("\\n", "\n")


def booking_uid(booking) -> str:
    """The event's one UID, in every invite and feed: the booking reference at our domain."""
    return f"{booking.reference.lower()}@{settings.ICAL_UID_DOMAIN}"


def london_wall_clock(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


# --- What a new booking sends ------------------------------------------------------------------


def test_the_officer_gets_an_invite_their_calendar_adds_at_the_hearing_time(
    clock, hearing, officer, suite, mailoutbox, sent
):
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite)

    [email] = emails_to(mailoutbox, officer.email)
    method, calendar = invite(email)

    assert method == "REQUEST"
    assert set(calendar.contents) == {
        "version",
        "prodid",
        "calscale",
        "method",
        "vtimezone",
        "vevent",
    }
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value
    assert calendar.calscale.value == "GREGORIAN"
    assert calendar.method.value == "REQUEST"
    [zone] = calendar.contents["vtimezone"]
    assert zone.tzid.value == "Europe/London"

    [event] = calendar.contents["vevent"]
    assert set(event.contents) == VEVENT_PROPERTIES
    assert event.uid.value == f"{booking.reference.lower()}@{settings.ICAL_UID_DOMAIN}"
    assert int(event.sequence.value) == booking.version == 1
    assert event.dtstamp.value.utcoffset() == timedelta(0)
    assert abs(event.dtstamp.value - timezone.now()) < timedelta(minutes=1)
    assert event.created.value.utcoffset() == timedelta(0)
    assert event.created.value == booking.created_at.replace(microsecond=0)
    assert event.contents["last-modified"][0].value.utcoffset() == timedelta(0)
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"]
    assert event.dtend.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"]
    assert london_wall_clock(event.dtstart.value) == datetime(2027, 3, 24, 10, 0)
    assert london_wall_clock(event.dtend.value) == datetime(2027, 3, 24, 13, 0)
    assert event.dtstart.value == booking.starts_at
    assert event.dtend.value == booking.ends_at
    assert suite.name in event.summary.value
    assert "by 09:45" in event.description.value  # the suite's 15 minutes' set-up
    assert booking.reference in event.description.value
    assert event.location.value == "Brighton Police Station, John Street, Brighton, BN2 0LA"
    assert event.status.value == "CONFIRMED"
    assert event.transp.value == "OPAQUE"
    assert event.organizer.value == f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}"
    [attendee] = event.contents["attendee"]
    assert attendee.value == f"mailto:{officer.email}"
    assert attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
    assert attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]


def test_the_invite_is_also_attached_as_an_ics_file_with_the_same_event(
    clock, hearing, officer, suite, mailoutbox, sent
):
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite)

    [email] = emails_to(mailoutbox, officer.email)
    [(filename, content, mimetype)] = email.attachments
    attached = vobject.readOne(
        content.decode() if isinstance(content, bytes) else content, validate=True
    )
    _method, inline = invite(email)

    assert filename.endswith(".ics")
    assert mimetype == "application/ics"
    assert attached.method.value == "REQUEST"
    assert attached.vevent.uid.value == inline.vevent.uid.value == booking_uid(booking)
    assert attached.vevent.sequence.value == inline.vevent.sequence.value


def test_the_suite_contact_gets_its_own_invite_for_the_same_event(
    clock, hearing, officer, suite_with_contact, mailoutbox, sent
):
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite_with_contact)

    [email] = emails_to(mailoutbox, SUITE_CONTACT)
    method, calendar = invite(email)
    event = calendar.vevent

    assert method == calendar.method.value == "REQUEST"
    assert event.uid.value == booking_uid(booking)
    assert int(event.sequence.value) == booking.version
    assert [a.value for a in event.contents["attendee"]] == [f"mailto:{SUITE_CONTACT}"]
    assert event.dtstart.value == booking.starts_at
    assert event.location.value == "Brighton Police Station, John Street, Brighton, BN2 0LA"
    assert booking.reference in event.summary.value
    assert "initials AP" in event.description.value  # the suite learns no more than initials
    text = everything_in(email)
    assert officer.email not in text
    assert "Amelia" not in text and "Pond" not in text
    assert str(officer.phone) not in text
    # The officer's own invite is addressed to the officer alone.
    [officer_email] = emails_to(mailoutbox, officer.email)
    assert SUITE_CONTACT not in everything_in(officer_email)


def test_a_confidential_suite_is_named_in_invites_but_its_address_is_nowhere(
    clock, hearing, officer, secret_suite, mailoutbox, sent
):
    secret_suite.contact_email = SUITE_CONTACT
    secret_suite.save()

    sent(booking_create, hearing=hearing, witness=officer, suite=secret_suite)

    for address in (officer.email, SUITE_CONTACT):
        [email] = emails_to(mailoutbox, address)
        _method, calendar = invite(email)
        assert calendar.vevent.location.value == "Sussex Witness Suite A"
        text = everything_in(email)
        for secret_detail in ("Hidden Lane", "Lewes", "BN7 9ZZ", "BN7"):
            assert secret_detail not in text, (address, secret_detail)
    _method, calendar = invite(emails_to(mailoutbox, officer.email)[0])
    assert "will tell you where to go" in calendar.vevent.description.value


# --- Moves and cancellations update the one event ---------------------------------------------


def test_a_moved_booking_sends_a_request_that_updates_the_same_event_to_the_new_time(
    clock, hearing, officer, suite_with_contact, mailoutbox, sent
):
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite_with_contact)

    moved = sent(
        booking_reschedule,
        booking=booking,
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )

    for address in (officer.email, SUITE_CONTACT):
        first, second = (invite(email) for email in emails_to(mailoutbox, address))
        (_, created), (method, updated) = first, second
        assert method == updated.method.value == "REQUEST"
        assert updated.vevent.uid.value == created.vevent.uid.value == booking_uid(booking)
        assert int(updated.vevent.sequence.value) > int(created.vevent.sequence.value)
        assert int(updated.vevent.sequence.value) == moved.version
        assert london_wall_clock(updated.vevent.dtstart.value) == datetime(2027, 3, 24, 14, 0)
        assert london_wall_clock(updated.vevent.dtend.value) == datetime(2027, 3, 24, 16, 30)
        assert updated.vevent.status.value == "CONFIRMED"


def test_a_cancelled_booking_sends_a_cancel_that_removes_the_same_event(
    clock, hearing, officer, suite_with_contact, mailoutbox, sent
):
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite_with_contact)
    booking = sent(
        booking_reschedule,
        booking=booking,
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )

    cancelled = sent(booking_cancel, booking=booking, reason="The defendant pleaded guilty.")

    for address in (officer.email, SUITE_CONTACT):
        *requests, last = (invite(email) for email in emails_to(mailoutbox, address))
        assert [method for method, _ in requests] == ["REQUEST", "REQUEST"]
        method, calendar = last
        assert method == calendar.method.value == "CANCEL"
        event = calendar.vevent
        assert event.uid.value == booking_uid(booking)
        assert event.status.value == "CANCELLED"
        last_request_sequence = int(requests[-1][1].vevent.sequence.value)
        assert int(event.sequence.value) > last_request_sequence
        assert int(event.sequence.value) == cancelled.version
        assert [a.value for a in event.contents["attendee"]] == [f"mailto:{address}"]
        assert event.dtstart.value == cancelled.starts_at


def test_a_booking_moved_to_another_suite_leaves_the_old_suites_calendar(
    clock, sussex, hearing, officer, suite_with_contact, mailoutbox, sent
):
    hove = SuiteFactory(
        name="Hove Police Station", force=sussex, contact_email="hove.suite@sussex.police.example"
    )
    booking = sent(booking_create, hearing=hearing, witness=officer, suite=suite_with_contact)

    moved = sent(booking_reschedule, booking=booking, suite=hove)

    [method, hove_calendar] = invite(emails_to(mailoutbox, "hove.suite@sussex.police.example")[0])
    assert method == "REQUEST"
    assert hove_calendar.vevent.location.value.startswith("Hove Police Station")
    _, officer_calendar = invite(emails_to(mailoutbox, officer.email)[-1])
    assert officer_calendar.vevent.location.value.startswith("Hove Police Station")
    # Brighton's calendar still holds the event from the first invite: it must be told to drop
    # it, or Brighton sets up a room for a witness who is going to Hove.
    brighton = [invite(email) for email in emails_to(mailoutbox, SUITE_CONTACT)]
    assert [method for method, _ in brighton] == ["REQUEST", "CANCEL"]
    _, cancel = brighton[-1]
    assert cancel.vevent.uid.value == booking_uid(booking)
    assert int(cancel.vevent.sequence.value) == moved.version


# --- Time zones -------------------------------------------------------------------------------


def test_an_invite_after_the_clocks_go_forward_is_at_10_00_london_time(
    clock, court, officer, suite, mailoutbox, sent
):
    # Clocks go forward on Sunday 28 March 2027: the booking is made in GMT for a day in BST.
    after_change = HearingFactory(court=court, starts_at=london(2027, 3, 29, 10))

    sent(booking_create, hearing=after_change, witness=officer, suite=suite)

    [email] = emails_to(mailoutbox, officer.email)
    _method, calendar = invite(email)
    event = calendar.vevent
    assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/London"]
    assert london_wall_clock(event.dtstart.value) == datetime(2027, 3, 29, 10, 0)
    assert event.dtstart.value.astimezone(UTC) == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert event.dtend.value.astimezone(UTC) == datetime(2027, 3, 29, 12, 0, tzinfo=UTC)
    # The time zone the invite carries agrees with the calendar on both sides of the change.
    london_as_sent = calendar.vtimezone.gettzinfo()
    assert london_as_sent.utcoffset(datetime(2027, 3, 24, 10)) == timedelta(0)
    assert london_as_sent.utcoffset(datetime(2027, 3, 29, 10)) == timedelta(hours=1)
    assert london_as_sent.utcoffset(datetime(2027, 11, 1, 10)) == timedelta(0)


# --- Privacy ----------------------------------------------------------------------------------


def test_no_email_mentions_the_defendant_the_offence_or_special_measures(
    clock, hearing, officer, suite_with_contact, mailoutbox, sent
):
    booking = sent(
        booking_create,
        hearing=hearing,
        witness=officer,
        suite=suite_with_contact,
        interpreter_language="Polish",
        needs_intermediary=True,
        needs_supporter=True,
        live_link_basis=LiveLinkBasis.YJCEA_1999_S24,
        notes="Defendant John Smith, charged with assault; witness anxious about meeting him.",
    )
    booking = sent(
        booking_reschedule,
        booking=booking,
        starts_at=london(2027, 3, 24, 14),
        ends_at=london(2027, 3, 24, 16, 30),
    )
    sent(booking_cancel, booking=booking, reason="Defendant John Smith pleaded guilty.")

    assert len(mailoutbox) == 6  # create, move and cancel, to the officer and to the suite
    for email in mailoutbox:
        text = everything_in(email).lower()
        for detail in (
            "polish",
            "interpreter",
            "intermediary",
            "supporter",
            "special measures",
            "defendant",
            "john smith",
            "assault",
            "anxious",
            "pleaded guilty",
            "youth justice",
            "s.24",
            "amelia",
            "pond",
            str(officer.phone),
        ):
            assert detail not in text, (email.to, detail)
