"""The retention tests' witness (docs/privacy.md): Amelia Pond, whose details they hunt for,
booked on 26 February 2027 for a hearing on 2 March where she gave evidence, and the sweep
run on the night she falls due."""

from datetime import timedelta

import pytest
import time_machine

from bookings import services
from bookings.models import Booking
from bookings.retention import retention_sweep
from notifications.models import Audience, Channel, Message
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london

NAME, PHONE, NATIONAL, EMAIL = (
    "Amelia Pond",
    "+447700900123",
    "07700 900123",
    "amelia.pond@sussex.police.example",
)
BOOKED_ON = london(2027, 2, 26, 9)
HEARING_STARTS = london(2027, 3, 2, 10)
HEARING_ENDS = london(2027, 3, 2, 13)
#: The night the sweep first finds the witness due: 91 days after their hearing ended.
DUE = HEARING_ENDS + timedelta(days=91)


def sweep(at=DUE):
    with time_machine.travel(at, tick=False):
        return retention_sweep()


def personal(text: str) -> list[str]:
    """What of Amelia's details `text` still holds."""
    found = [NAME, PHONE, "7700900123", "7700 900123", EMAIL, "PC 4123", "Pond"]
    return [term for term in found if term.casefold() in text.casefold()]


@pytest.fixture
def amelia(sussex):
    return WitnessFactory(
        force=sussex,
        full_name=NAME,
        collar_number="PC 4123",
        phone=PHONE,
        email=EMAIL,
    )


@pytest.fixture
def hearing_day(court):
    return HearingFactory(court=court, starts_at=HEARING_STARTS, ends_at=HEARING_ENDS)


@pytest.fixture
def suite_with_email(sussex):
    return SuiteFactory(force=sussex, name="Brighton Suite", contact_email="suite@sussex.example")


def book(hearing, witness, suite, **details) -> Booking:
    with time_machine.travel(BOOKED_ON, tick=False):
        return services.booking_create(
            actor=None, hearing=hearing, witness=witness, suite=suite, **details
        )


@pytest.fixture
def booking(amelia, hearing_day, suite_with_email):
    """Amelia gave evidence on 2 March 2027; she was booked on 26 February."""
    booking = book(hearing_day, amelia, suite_with_email)
    with time_machine.travel(london(2027, 3, 2, 9, 50), tick=False):
        services.booking_check_in(actor=None, booking=booking)
    with time_machine.travel(london(2027, 3, 2, 11), tick=False):
        booking = services.booking_complete(actor=None, booking=booking, outcome="gave_evidence")
    return booking


def witness_message(booking, channel=Channel.SMS) -> Message:
    return Message.objects.filter(
        booking=booking, channel=channel, audience=Audience.WITNESS
    ).first()
