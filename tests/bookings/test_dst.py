"""Opening hours are wall-clock times in London; bookings are instants. These tests stand on
the days the clocks change (the last Sunday of March and of October) and book across them."""

from datetime import time, timedelta

import pytest
import time_machine

from bookings import services
from bookings.models import Booking
from core.errors import DomainError
from evidence_suites.models import OpeningHours
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london

pytestmark = pytest.mark.django_db

SUNDAY = 6


def _open_sunday_small_hours(suite):
    OpeningHours.objects.create(suite=suite, weekday=SUNDAY, opens=time(0, 0), closes=time(6, 0))


def test_a_booking_across_the_spring_forward_lasts_one_hour_less_than_the_wall_clock_says(
    sussex, court
):
    # given: it is just after midnight on Sunday 28 March 2027; at 01:00 GMT clocks go forward
    suite = SuiteFactory(force=sussex, turnaround_minutes=0, weekdays=[])
    _open_sunday_small_hours(suite)
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 28, 0, 15), ends_at=london(2027, 3, 28, 5, 0)
    )
    witness = WitnessFactory(force=sussex)
    with time_machine.travel(london(2027, 3, 28, 0, 5), tick=False):
        # when: the suite is booked from 00:30 GMT to 03:30 BST local
        booking = services.booking_create(
            actor=None,
            hearing=hearing,
            witness=witness,
            suite=suite,
            starts_at=london(2027, 3, 28, 0, 30),
            ends_at=london(2027, 3, 28, 3, 30),
        )
    # then: the stored instants are 00:30Z and 02:30Z, two real hours
    booking.refresh_from_db()
    assert booking.starts_at.isoformat() == "2027-03-28T00:30:00+00:00"
    assert booking.ends_at.isoformat() == "2027-03-28T02:30:00+00:00"
    assert booking.ends_at - booking.starts_at == timedelta(hours=2)


def test_a_booking_across_the_fall_back_lasts_one_hour_more_and_the_repeated_hour_is_two_slots(
    sussex, court
):
    suite = SuiteFactory(force=sussex, turnaround_minutes=0, weekdays=[])
    _open_sunday_small_hours(suite)
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 10, 31, 0, 15), ends_at=london(2027, 10, 31, 5, 0)
    )
    first, second, third = WitnessFactory.create_batch(3, force=sussex)
    with time_machine.travel(london(2027, 10, 31, 0, 5), tick=False):
        # 00:30 BST to 03:30 GMT local: four real hours
        long_one = services.booking_create(
            actor=None,
            hearing=hearing,
            witness=first,
            suite=suite,
            starts_at=london(2027, 10, 31, 0, 30),
            ends_at=london(2027, 10, 31, 3, 30),
        )
        other_suite = SuiteFactory(force=sussex, turnaround_minutes=0, weekdays=[])
        _open_sunday_small_hours(other_suite)
        # 01:00–01:45 happens twice: once in BST (+01:00), once in GMT (+00:00)
        from datetime import datetime

        bst = datetime.fromisoformat("2027-10-31T01:00:00+01:00")
        gmt = datetime.fromisoformat("2027-10-31T01:00:00+00:00")
        in_bst = services.booking_create(
            actor=None,
            hearing=hearing,
            witness=second,
            suite=other_suite,
            starts_at=bst,
            ends_at=bst + timedelta(minutes=45),
        )
        in_gmt = services.booking_create(
            actor=None,
            hearing=hearing,
            witness=third,
            suite=other_suite,
            starts_at=gmt,
            ends_at=gmt + timedelta(minutes=45),
        )
    long_one.refresh_from_db()
    assert long_one.ends_at - long_one.starts_at == timedelta(hours=4)
    assert in_gmt.starts_at - in_bst.starts_at == timedelta(hours=1)
    assert Booking.objects.filter(suite=other_suite).count() == 2


def test_opening_hours_follow_the_wall_clock_on_either_side_of_the_change(sussex, court):
    # given: a suite open 08:30–17:30 on weekdays, and it is the last Sunday of March
    suite = SuiteFactory(force=sussex)
    witness = WitnessFactory(force=sussex)
    before = HearingFactory(
        court=court, starts_at=london(2027, 3, 26, 10), ends_at=london(2027, 3, 26, 13)
    )
    after = HearingFactory(
        court=court, starts_at=london(2027, 3, 29, 10), ends_at=london(2027, 3, 29, 13)
    )
    from datetime import UTC, datetime

    with time_machine.travel(london(2027, 3, 25, 12), tick=False):
        # 08:00Z on Friday 26 March is 08:00 GMT: before the suite opens
        with pytest.raises(DomainError) as refused:
            services.booking_create(
                actor=None,
                hearing=before,
                witness=witness,
                suite=suite,
                starts_at=datetime(2027, 3, 26, 8, 0, tzinfo=UTC),
                ends_at=datetime(2027, 3, 26, 9, 0, tzinfo=UTC),
            )
        assert refused.value.code == "outside_opening_hours"
    with time_machine.travel(london(2027, 3, 28, 12), tick=False):
        # 08:00Z on Monday 29 March is 09:00 BST: open
        booking = services.booking_create(
            actor=None,
            hearing=after,
            witness=witness,
            suite=suite,
            starts_at=datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
            ends_at=datetime(2027, 3, 29, 9, 0, tzinfo=UTC),
        )
    assert booking.status == "confirmed"


def test_the_api_books_a_bst_monday_from_a_client_that_sends_local_offsets(api, suite, court):
    # given: standing on the last Sunday of October, a hearing on Monday 1 November (GMT)
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 11, 1, 10), ends_at=london(2027, 11, 1, 13)
    )
    witness = WitnessFactory(force=suite.force)
    with time_machine.travel(london(2027, 10, 31, 12), tick=False):
        response = api.post(
            "/api/v1/bookings/",
            {
                "hearing": hearing.id,
                "witness": witness.id,
                "suite": suite.id,
                "starts_at": "2027-11-01T10:00:00+00:00",
                "ends_at": "2027-11-01T11:30:00+00:00",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    # the API answers in London local time with its offset: GMT again after the change
    assert (
        response.json()["starts_at"] == "2027-11-01T10:00:00Z"
        or response.json()["starts_at"] == "2027-11-01T10:00:00+00:00"
    )
