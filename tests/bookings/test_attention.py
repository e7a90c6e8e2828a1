"""What needs a scheduler's attention, including what only the clock can tell."""

import pytest

from bookings import services
from tests.factories import HearingFactory, london

pytestmark = pytest.mark.django_db


def kinds(api):
    return [
        (item["booking_reference"], item["kind"])
        for item in api.get("/api/v1/attention/").json()["results"]
    ]


def test_a_booking_whose_day_passed_without_an_outcome_needs_attention(
    clock, api, hearing, suite, officer
):
    booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    assert (booking.reference, "missing_outcome") not in kinds(api)

    clock.move_to(london(2027, 3, 25, 9))  # the morning after the hearing

    assert (booking.reference, "missing_outcome") in kinds(api)
    services.booking_complete(actor=None, booking=booking, outcome="no_show")
    assert (booking.reference, "missing_outcome") not in kinds(api)


def test_tomorrows_witness_who_has_not_confirmed_needs_a_call(clock, api, court, suite, officer):
    tomorrow = HearingFactory(
        court=court, starts_at=london(2027, 3, 23, 10), ends_at=london(2027, 3, 23, 13)
    )
    booking = services.booking_create(actor=None, hearing=tomorrow, witness=officer, suite=suite)

    assert (booking.reference, "unconfirmed") in kinds(api)
    services.booking_witness_confirm(booking=booking, channel="SMS")
    assert (booking.reference, "unconfirmed") not in kinds(api)


def test_the_attention_list_is_scoped_like_bookings(clock, api_as, kent, court, suite, officer):
    from tests.factories import UserFactory

    booking = services.booking_create(
        actor=None,
        hearing=HearingFactory(
            court=court, starts_at=london(2027, 3, 23, 10), ends_at=london(2027, 3, 23, 13)
        ),
        witness=officer,
        suite=suite,
    )
    kent_scheduler = UserFactory(role="scheduler", force=kent)

    items = api_as(kent_scheduler).get("/api/v1/attention/").json()["results"]

    assert booking.reference not in [item["booking_reference"] for item in items]
