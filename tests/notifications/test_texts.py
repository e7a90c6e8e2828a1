"""The SMS a witness receives: short enough for two segments, GSM-7 where it can be, and only
what DOMAIN.md allows (date, time, the suite's public name, a link and a contact)."""

import hashlib
import re

import pytest
from django.conf import settings

from bookings.models import BookingEvent
from bookings.services import booking_create
from notifications import texts
from notifications.models import Channel, Kind, Message, WitnessLink
from tests.factories import SuiteFactory
from tests.helpers import assert_stood_down

from .conftest import POLICE_ONLY

CONTACT = "01632 960123"
ADDRESS = "John Street\nBrighton"
POSTCODE = "BN2 0LA"
REALISTIC = "Brighton Police Station"
VERY_LONG = "Bognor Regis Community Hub and Police Office, Video Room Two"
NOT_GSM = "Chichester Vidéo Suite — Room 2"
LINK_PATTERN = re.compile(r"http://testserver/w/([A-Za-z0-9_-]{22})/")


def full_link() -> str:
    """A link as long as a real one: the public address, /w/, and a 22-character token."""
    return f"{settings.PUBLIC_BASE_URL}/w/{'A' * 22}/"


def as_sent(text: str) -> str:
    return text.replace(texts.LINK_PLACEHOLDER, full_link())


def is_gsm7(text: str) -> bool:
    return all(c in texts.GSM7_BASIC or c in texts.GSM7_EXTENDED for c in text)


@pytest.fixture
def make_booking(clock, sussex, hearing, officer):
    def make(suite_name: str):
        suite = SuiteFactory(
            name=suite_name,
            force=sussex,
            address=ADDRESS,
            postcode=POSTCODE,
            contact_phone=CONTACT,
        )
        return booking_create(
            actor=None,
            hearing=hearing,
            witness=officer,
            suite=suite,
            needs_intermediary=True,
            **POLICE_ONLY,
        )

    return make


# --- Counting segments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("é" * 160, 1),  # in GSM-7's basic set
        ("€" * 80, 1),  # 160 septets: each € needs an escape
        ("€" * 81, 2),
        ("a" * 159 + "€", 2),
        ("[" * 153, 2),
        ("ł" * 70, 1),  # UCS-2
        ("ł" * 71, 2),
        ("ł" * 134, 2),
        ("ł" * 135, 3),
        ("a" * 69 + "—", 1),  # one character outside GSM-7 turns the whole text into UCS-2
        ("a" * 70 + "—", 2),
        ("", 1),
    ],
    ids=lambda value: f"{len(value)}x{value[:1]!r}" if isinstance(value, str) else str(value),
)
def test_segments_are_counted_as_a_phone_counts_them(text, expected):
    assert texts.segments(text) == expected


def test_plain_turns_typography_into_gsm7_and_keeps_its_accents():
    assert texts.plain(NOT_GSM) == "Chichester Vidéo Suite - Room 2"
    assert texts.plain("St Mary’s “Quiet” Room – 2…") == 'St Mary\'s "Quiet" Room - 2...'
    assert texts.plain("Hôtel de Ville") == "Hotel de Ville"  # ô is not GSM-7: its accent goes
    assert is_gsm7(texts.plain(NOT_GSM))


# --- Every text, for every kind of suite name --------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("suite_name", [REALISTIC, VERY_LONG, NOT_GSM])
def test_every_text_fits_two_gsm7_segments_and_says_when_where_and_whom_to_ask(
    make_booking, kind, suite_name
):
    assert len(VERY_LONG) == 60
    booking = make_booking(suite_name)

    text = as_sent(texts.sms_text(booking, kind).body)

    assert texts.segments(text) <= 2, text
    assert is_gsm7(text), text
    assert texts.plain(suite_name) in text
    assert CONTACT in text
    if kind == Kind.REMINDER_ON_DAY:
        assert "Today" in text
    else:
        assert "Wed 24 Mar" in text
    if kind != Kind.STAND_DOWN:  # the stand-down text: see the test below
        assert "10:00" in text
        assert "arrive by 09:45" in text
        assert full_link() in text


def test_the_stand_down_text_says_the_time_of_the_booking_it_cancels(make_booking):
    # A witness booked for 10:00 and 14:00 that day must know which one they can skip.
    booking = make_booking(REALISTIC)

    text = as_sent(texts.sms_text(booking, Kind.STAND_DOWN).body)

    assert_stood_down(text, on="Wed 24 Mar at 10:00", suite=REALISTIC)


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("suite_name", [REALISTIC, VERY_LONG, NOT_GSM])
def test_no_text_carries_more_than_the_witness_needs(make_booking, kind, suite_name):
    booking = make_booking(suite_name)

    text = as_sent(texts.sms_text(booking, kind).body).lower()

    for detail in (
        "john street",
        POSTCODE.lower(),
        "bn2",
        booking.hearing.case_reference.lower(),
        "amelia",
        "pond",
        str(booking.witness.phone),
        "polish",
        "interpreter",
        "intermediary",
        "defendant",
        "john smith",
        "anxious",
        booking.hearing.court.name.lower(),
    ):
        assert detail not in text, detail


def test_a_suite_name_as_long_as_the_model_allows_still_leaves_the_link_in_two_segments(
    make_booking,
):
    longest = ("Littlehampton Community Safety Hub and Neighbourhood Police Office " * 2)[:120]
    booking = make_booking(longest)

    for kind in (Kind.CONFIRMATION, Kind.CHANGE, Kind.REMINDER_AHEAD, Kind.REMINDER_ON_DAY):
        text = as_sent(texts.sms_text(booking, kind).body)
        assert texts.segments(text) <= 2, (kind, text)
        assert full_link() in text  # what is dropped is the optional last sentence


# --- Through the real send path -----------------------------------------------------------------


def test_the_sms_the_witness_receives_has_a_working_link_kept_only_masked(
    clock, hearing, officer, suite, fake_twilio, django_capture_on_commit_callbacks, client
):
    fake_twilio.configure(callbacks_enabled=False)  # no receipts to an app that is not serving
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)

    [received] = fake_twilio.messages()
    assert received["to"] == str(officer.phone)
    assert texts.segments(received["body"]) <= 2
    assert "Wed 24 Mar" in received["body"] and suite.name in received["body"]
    [token] = LINK_PATTERN.findall(received["body"])

    page = client.get(f"/w/{token}/")
    assert page.status_code == 200
    assert booking.reference in page.content.decode()

    stored = Message.objects.get(booking=booking, channel=Channel.SMS, kind=Kind.CONFIRMATION)
    assert token not in stored.body
    assert texts.LINK_PLACEHOLDER not in stored.body
    assert f"{settings.PUBLIC_BASE_URL}/w/" in stored.body  # staff can see a link was sent
    [link] = WitnessLink.objects.filter(booking=booking)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # Nowhere in the database is the token kept in clear.
    for row in Message.objects.all():
        assert token not in f"{row.body} {row.subject} {row.status_detail}"
    for event in BookingEvent.objects.all():
        assert token not in str(event.changes)
    assert not WitnessLink.objects.filter(token_hash=token).exists()
