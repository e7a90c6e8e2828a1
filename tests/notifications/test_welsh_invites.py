"""The witness's email invites in their language, as their mail and calendar clients show them:
the subject, the body, and the calendar's SUMMARY and DESCRIPTION, with Welsh day and month
names and the court's and suite's Welsh names; both languages, Welsh first, in one invite for a
witness written to in both. The suite's invite goes to staff and stays English.

Bookings are made and cancelled through the services; the outbox is sent by the real send path
into Django's test mailbox, and every .ics read back with `vobject`."""

import pytest
import vobject

from bookings.services import booking_cancel, booking_create
from evidence_suites.whereabouts import WHERE_TO_GO_SEPARATELY
from tests.factories import CourtFactory, ForceFactory, HearingFactory, SuiteFactory, WitnessFactory

pytestmark = pytest.mark.django_db

SUITE_CONTACT = "cardiff.suite@south-wales.police.example"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a booking service and let its messages go out, as they do once it commits."""

    def run(service, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return service(actor=None, **arguments)

    return run


@pytest.fixture
def south_wales(db):
    return ForceFactory(code="south-wales", name="South Wales Police")


@pytest.fixture
def cardiff_suite(south_wales):
    return SuiteFactory(
        code="cardiff-bay",
        name="Cardiff Bay Police Station",
        name_cy="Gorsaf Heddlu Bae Caerdydd",
        force=south_wales,
        address="James Street, Cardiff",
        postcode="CF10 5EW",
        contact_email=SUITE_CONTACT,
    )


@pytest.fixture
def cardiff_hearing(db):
    court = CourtFactory(
        code="cardiff-mc", name="Cardiff Magistrates' Court", name_cy="Llys Ynadon Caerdydd"
    )
    return HearingFactory(court=court)  # Wednesday 24 March 2027, 10:00


def book(sent, hearing, suite, *, language: str):
    witness = WitnessFactory(force=suite.force, language=language)
    return sent(booking_create, hearing=hearing, witness=witness, suite=suite)


def emails_to(mailoutbox, address: str) -> list:
    return [email for email in mailoutbox if email.to == [address]]


def event_of(email):
    """The email's text/calendar part: its iTIP method and the event, parsed."""
    [part] = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    calendar = vobject.readOne(part.get_payload(decode=True).decode(), validate=True)
    return part.get_param("method"), calendar.vevent


def language_of(prop) -> list[str] | None:
    return prop.params.get("LANGUAGE")


# --- A witness who chose Welsh ------------------------------------------------------------------


def test_a_welsh_witness_gets_their_invite_in_welsh(
    clock, cardiff_hearing, cardiff_suite, mailoutbox, sent, settings
):
    booking = book(sent, cardiff_hearing, cardiff_suite, language="cy")

    [email] = emails_to(mailoutbox, booking.witness.email)
    method, event = event_of(email)

    assert email.subject == "Rhoi tystiolaeth drwy gyswllt fideo: Gorsaf Heddlu Bae Caerdydd"
    assert email.body.splitlines() == [
        "Pryd: Dydd Mercher 24 Mawrth 2027 am 10:00.",
        "Cyrhaeddwch erbyn 09:45, os gwelwch yn dda. Ble: Gorsaf Heddlu Bae Caerdydd.",
        "Byddwch yn rhoi tystiolaeth i'r llys hwn: Llys Ynadon Caerdydd.",
        f"Cyfeirnod yr achos (URN): {cardiff_hearing.case_reference}.",
        f"Cyfeirnod yr archeb: {booking.reference}.",
        f"Cwestiynau: {settings.WITNESS_CARE_PHONE}.",
    ]
    assert email.extra_headers["Content-Language"] == "cy"
    assert method == "REQUEST"
    assert event.summary.value == email.subject
    assert language_of(event.summary) == ["cy"]
    assert event.description.value == email.body
    assert language_of(event.description) == ["cy"]
    assert "Dydd Mercher 24 Mawrth 2027" in event.description.value
    assert event.location.value == "Gorsaf Heddlu Bae Caerdydd, James Street, Cardiff, CF10 5EW"
    for english in ("Give evidence", "Wednesday", "March", "Please arrive", "Booking reference"):
        assert english not in email.subject + email.body, english


def test_a_welsh_witness_stood_down_gets_a_welsh_cancel(
    clock, cardiff_hearing, cardiff_suite, mailoutbox, sent
):
    booking = book(sent, cardiff_hearing, cardiff_suite, language="cy")

    sent(booking_cancel, booking=booking, reason="Hearing vacated.")

    _, cancel = emails_to(mailoutbox, booking.witness.email)
    method, event = event_of(cancel)
    assert method == "CANCEL"
    assert cancel.subject == (
        "Canslwyd: Rhoi tystiolaeth drwy gyswllt fideo: Gorsaf Heddlu Bae Caerdydd"
    )
    assert event.description.value.splitlines()[0] == (
        "Mae'r archeb hon wedi'i chanslo: nid oes eich angen."
    )
    assert event.summary.value == cancel.subject


def test_a_confidential_suite_is_named_in_welsh_and_where_to_go_is_said_in_welsh(
    clock, cardiff_hearing, south_wales, mailoutbox, sent
):
    suite = SuiteFactory(
        name="Witness Suite B",
        name_cy="Ystafell Tystion B",
        force=south_wales,
        address="1 Secret Row, Cardiff",
        postcode="CF99 9ZZ",
        location_confidential=True,
    )
    # The line comes from evidence_suites.whereabouts, looked up in the catalogue as it is there.
    assert WHERE_TO_GO_SEPARATELY == "The witness care team will tell you where to go."

    booking = book(sent, cardiff_hearing, suite, language="cy")

    [email] = emails_to(mailoutbox, booking.witness.email)
    _, event = event_of(email)
    assert "Bydd y tîm gofal tystion yn dweud wrthych ble i fynd." in event.description.value
    assert event.location.value == "Ystafell Tystion B"
    assert "Secret Row" not in email.body + event.location.value


def test_the_suites_invite_for_a_welsh_witness_stays_english(
    clock, cardiff_hearing, cardiff_suite, mailoutbox, sent
):
    booking = book(sent, cardiff_hearing, cardiff_suite, language="cy")

    [email] = emails_to(mailoutbox, SUITE_CONTACT)
    _, event = event_of(email)

    assert email.subject == f"Video link {booking.reference}: Cardiff Magistrates' Court"
    assert email.body.startswith(f"Booking {booking.reference} at Cardiff Bay Police Station.")
    assert email.extra_headers["Content-Language"] == "en-GB"
    assert language_of(event.summary) == ["en-GB"]
    for welsh in ("Caerdydd", "Rhoi", "Pryd", "Dydd"):
        assert welsh not in email.subject + email.body, welsh


# --- Both languages, and English --------------------------------------------------------------


def test_a_witness_written_to_in_both_gets_one_invite_welsh_first(
    clock, cardiff_hearing, cardiff_suite, mailoutbox, sent
):
    booking = book(sent, cardiff_hearing, cardiff_suite, language="en_cy")

    [email] = emails_to(mailoutbox, booking.witness.email)
    _, event = event_of(email)

    assert email.subject == (
        "Rhoi tystiolaeth drwy gyswllt fideo: Gorsaf Heddlu Bae Caerdydd"
        " / Give evidence by video link at Cardiff Bay Police Station"
    )
    assert event.summary.value == email.subject
    welsh, english = event.description.value.split("\n\n")
    assert welsh.startswith("Pryd: Dydd Mercher 24 Mawrth 2027 am 10:00.")
    assert english.startswith("When: Wednesday 24 March 2027 at 10:00.")
    assert "Please arrive at Cardiff Bay Police Station by 09:45." in english
    assert email.body == event.description.value
    # One tag cannot say "Welsh and English": no LANGUAGE; the email lists both, Welsh first.
    assert language_of(event.summary) is None
    assert language_of(event.description) is None
    assert email.extra_headers["Content-Language"] == "cy, en-GB"
    assert event.location.value == (
        "Gorsaf Heddlu Bae Caerdydd / Cardiff Bay Police Station, James Street, Cardiff, CF10 5EW"
    )


def test_an_english_witness_gets_english_saying_so(
    clock, cardiff_hearing, cardiff_suite, mailoutbox, sent
):
    booking = book(sent, cardiff_hearing, cardiff_suite, language="en")

    [email] = emails_to(mailoutbox, booking.witness.email)
    _, event = event_of(email)

    assert email.subject == "Give evidence by video link at Cardiff Bay Police Station"
    assert event.description.value.splitlines()[:3] == [
        "When: Wednesday 24 March 2027 at 10:00.",
        "Please arrive at Cardiff Bay Police Station by 09:45.",
        "You will give evidence to Cardiff Magistrates' Court.",
    ]
    assert language_of(event.summary) == language_of(event.description) == ["en-GB"]
    assert email.extra_headers["Content-Language"] == "en-GB"
