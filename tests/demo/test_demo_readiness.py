"""The demo is ready for the hearing: every suite has the address the court dials, the court's
room and PIN are on the bookings of today and the next sitting day but one (left for the 15:00
check to chase), and three officers have dates to avoid on days they are not booked."""

import pytest

from bookings.models import OPEN_STATUSES, Booking, Unavailability
from evidence_suites.models import Suite

from .test_seed_demo import seed, wednesday  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_has_dial_addresses_court_links_and_dates_to_avoid(wednesday):  # noqa: F811
    said = seed()

    assert not Suite.objects.filter(video_endpoint="").exists()
    linked = Booking.objects.filter(status__in=OPEN_STATUSES).exclude(video_room="")
    assert linked.exists()
    assert all(b.video_pin.isdigit() and len(b.video_room) <= 8 for b in linked)
    periods = Unavailability.objects.select_related("witness")
    assert {p.reason for p in periods} == {"annual_leave", "rest_day", "night_shift"}
    for period in periods:  # staged on days the officer is not booked
        assert not period.witness.bookings.filter(
            status__in=OPEN_STATUSES, starts_at__lt=period.ends_at, ends_at__gt=period.starts_at
        ).exists()
    assert "Dates to avoid: Daniel Okafor: annual leave on" in said

    again = seed()

    assert "already loaded, nothing new" in again
    assert Unavailability.objects.count() == 3
