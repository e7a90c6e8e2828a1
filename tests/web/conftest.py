"""The staff pages' fixtures: a scheduler's browser, a second Sussex suite far from the court,
and a booking to look at."""

from decimal import Decimal

import pytest

from bookings import services
from tests.factories import SuiteFactory
from tests.notifications.conftest import fake_twilio  # noqa: F401 (a fixture, for the pages that text)


@pytest.fixture
def browser(client, scheduler):
    """The Sussex scheduler, signed in."""
    client.force_login(scheduler)
    return client


@pytest.fixture
def far_suite(sussex):
    """Arundel: first by name, but about 25 km from Brighton's court."""
    return SuiteFactory(
        code="arundel",
        name="Arundel Police Station",
        force=sussex,
        address="The Causeway, Arundel",
        postcode="BN18 9JL",
        latitude=Decimal("50.85480"),
        longitude=Decimal("-0.55460"),
        kit_notes="CVP, document camera",
        accessibility_notes="Step-free entrance",
    )


@pytest.fixture
def booking(clock, scheduler, hearing, officer, suite):
    """Amelia Pond at Brighton on Wednesday 24 March 2027, 10:00–13:00."""
    return services.booking_create(actor=scheduler, hearing=hearing, witness=officer, suite=suite)
