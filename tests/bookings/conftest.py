"""The booking side's fixtures: a booking made through the API."""

import pytest

from tests.helpers import book_through_api


@pytest.fixture
def booking(api, clock, booking_payload):
    """The Sussex officer at Brighton for the whole hearing, Wednesday 10:00–13:00, booked
    through the API by the Sussex scheduler."""
    return book_through_api(api, **booking_payload)
