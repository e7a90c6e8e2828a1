"""The rule a booking meets a witness's dates to avoid by (bookings/services/unavailability.py):
a booking overlapping a period is refused, naming it; touching ends do not clash; and a night
shift ending after 06:00 London time takes the rest of that morning too, until 13:00, either side
of a clock change. Then the same rule over random periods and windows (Hypothesis)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bookings import services
from bookings.models import Booking, HistoryAction, Unavailability, UnavailabilityReason
from core.clock import LONDON
from evidence_suites.models import OpeningHours
from tests.factories import HearingFactory, SuiteFactory, london

pytestmark = pytest.mark.django_db

REST_DAY, NIGHTS, LEAVE = (
    UnavailabilityReason.REST_DAY,
    UnavailabilityReason.NIGHT_SHIFT,
    UnavailabilityReason.ANNUAL_LEAVE,
)


@pytest.fixture
def any_hour_suite(sussex):
    """A suite open 00:00–23:59 every day, so only the witness's dates can refuse a booking."""
    suite = SuiteFactory(force=sussex, code="any-hour", weekdays=[])
    OpeningHours.objects.bulk_create(
        OpeningHours(suite=suite, weekday=day, opens=time(0), closes=time(23, 59))
        for day in range(7)
    )
    return suite


def period(witness, starts_at, ends_at, reason=LEAVE):
    return Unavailability.objects.create(
        witness=witness, starts_at=starts_at, ends_at=ends_at, reason=reason
    )


def try_booking(court, witness, suite, starts_at, ends_at, **extra):
    hearing = HearingFactory(court=court, starts_at=starts_at, ends_at=ends_at)
    return services.booking_create(
        actor=None, hearing=hearing, witness=witness, suite=suite, allow_past=True, **extra
    )


# --- Examples, in words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shift_ends", "booking", "refused"),
    [
        pytest.param((7, 0), (10, 12), True, id="off-nights-at-07:00-not-at-10:00"),
        pytest.param((7, 0), (12, 45, 14), True, id="not-at-12:45-either"),
        pytest.param((7, 0), (13, 15), False, id="free-from-13:00"),
        pytest.param((6, 0), (10, 12), False, id="off-at-06:00-the-morning-is-free"),
        pytest.param((6, 15), (9, 10), True, id="off-at-06:15-the-morning-is-not"),
    ],
)
def test_a_night_shift_ending_after_six_takes_the_morning_until_one(
    officer, court, any_hour_suite, shift_ends, booking, refused
):
    period(officer, london(2027, 3, 23, 22), london(2027, 3, 24, *shift_ends), NIGHTS)
    start = london(2027, 3, 24, booking[0], booking[1] if len(booking) == 3 else 0)
    end = london(2027, 3, 24, booking[-1])

    if refused:
        with pytest.raises(services.UnavailableDates) as refusal:
            try_booking(court, officer, any_hour_suite, start, end)
        assert "night shift, Tue 23 Mar 2027 22:00 to Wed 24 Mar 2027" in refusal.value.detail
        assert "and that morning until 13:00" in refusal.value.detail
    else:
        assert try_booking(court, officer, any_hour_suite, start, end).pk


def test_the_night_shift_rule_holds_on_the_morning_the_clocks_go_forward(
    officer, court, any_hour_suite
):
    # Sunday 28 March 2027: 01:00 GMT becomes 02:00 BST; the shift ends 07:00 BST (06:00Z)
    period(officer, london(2027, 3, 27, 22), london(2027, 3, 28, 7), NIGHTS)

    with pytest.raises(services.UnavailableDates):  # 12:00–12:55 BST is 11:00Z
        try_booking(
            court, officer, any_hour_suite, london(2027, 3, 28, 12), london(2027, 3, 28, 12, 55)
        )
    made = try_booking(
        court, officer, any_hour_suite, london(2027, 3, 28, 13), london(2027, 3, 28, 14)
    )
    assert made.starts_at == datetime(2027, 3, 28, 12, 0, tzinfo=UTC)  # 13:00 BST


def test_a_booking_ending_as_leave_begins_is_not_refused(officer, court, any_hour_suite):
    period(officer, london(2027, 3, 24, 12), london(2027, 3, 26, 0))

    booking = try_booking(
        court, officer, any_hour_suite, london(2027, 3, 24, 10), london(2027, 3, 24, 12)
    )

    assert booking.pk and not booking.overrides_rest_day


def test_the_refusal_names_every_period_in_the_way_and_only_those(officer, court, any_hour_suite):
    rest = period(officer, london(2027, 3, 24, 0), london(2027, 3, 24, 11), REST_DAY)
    course = period(
        officer, london(2027, 3, 24, 11), london(2027, 3, 24, 16), UnavailabilityReason.COURSE
    )
    period(officer, london(2027, 3, 25, 0), london(2027, 3, 26, 0))  # the next day: not named

    with pytest.raises(services.UnavailableDates) as refusal:
        try_booking(
            court, officer, any_hour_suite, london(2027, 3, 24, 10), london(2027, 3, 24, 12)
        )

    assert refusal.value.code == "witness_unavailable_dates"
    assert [p.pk for p in refusal.value.periods] == [rest.pk, course.pk]
    assert refusal.value.detail == (
        "The witness cannot attend then: rest day, Wed 24 Mar 2027 00:00 to 11:00; "
        "course, Wed 24 Mar 2027 11:00 to 16:00. To book them anyway, give the reason in "
        "override_unavailability."
    )


# --- The property ------------------------------------------------------------------------------

#: Ordinary days and both of 2027's clock changes (28 March, 31 October).
DAYS = [datetime(2027, 3, 24), datetime(2027, 3, 28), datetime(2027, 10, 31), datetime(2027, 6, 9)]


def wall(day: datetime, minutes: int) -> datetime:
    """`minutes` after midnight London time before `day` (may be negative or past the day), as
    the clock on the wall reads it, then as a real instant."""
    moment = day + timedelta(minutes=minutes)
    return moment.replace(tzinfo=LONDON)


@st.composite
def a_period(draw, day):
    # every reason, night shifts (whose rule has edges) three times as often
    reason = draw(st.sampled_from([*UnavailabilityReason.values, NIGHTS, NIGHTS]))
    if reason == NIGHTS:  # a shift from the evening before to the morning, around 06:00
        start = draw(st.integers(-6 * 60, -60)) // 15 * 15
        end = draw(st.sampled_from([5 * 60, 5 * 60 + 45, 6 * 60, 6 * 60 + 15, 7 * 60, 8 * 60]))
        day = day + timedelta(days=draw(st.integers(-1, 1)))
    else:
        start = draw(st.integers(-36 * 60, 36 * 60)) // 15 * 15
        end = start + draw(st.integers(1, 72 * 4)) * 15
    return reason, wall(day, start), wall(day, end)


def effective_end(reason, ends_at):
    """The oracle: in wall-clock terms, a night shift whose end reads later than 06:00 lasts
    until 13:00 on that wall-clock day."""
    local_end = ends_at.astimezone(LONDON)
    if reason == NIGHTS and (local_end.hour, local_end.minute) > (6, 0):
        one_pm = local_end.replace(hour=13, minute=0)
        return max(ends_at, one_pm)
    return ends_at


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_booking_is_refused_exactly_when_it_overlaps_an_effective_period_and_names_those(
    data, officer, court, any_hour_suite
):
    day = data.draw(st.sampled_from(DAYS))
    drawn = data.draw(st.lists(a_period(day), max_size=4))
    # any time of day, mornings (where night shifts reach) as often as the rest
    start_minutes = data.draw(st.integers(0, 22 * 60) | st.integers(5 * 60, 13 * 60)) // 15 * 15
    length = data.draw(st.integers(1, 6 * 4)) * 15
    starts_at = wall(day, start_minutes)
    ends_at = wall(day, min(start_minutes + length, 23 * 60 + 59))
    with transaction.atomic():
        made = [period(officer, s, e, r) for r, s, e in drawn if e > s]
        if any(effective_end(p.reason, p.ends_at) > p.ends_at for p in made):
            event("a night shift takes the morning")
        expected = [
            p.pk
            for p in made
            if p.starts_at < ends_at and effective_end(p.reason, p.ends_at) > starts_at
        ]
        try:
            booking = try_booking(court, officer, any_hour_suite, starts_at, ends_at)
        except services.UnavailableDates as refusal:
            event("refused")
            assert sorted(p.pk for p in refusal.periods) == sorted(expected)
            assert expected, "refused with nothing in the way"
            for p in refusal.periods:
                assert services.unavailability.period_words(p) in refusal.detail
            overridden = try_booking(
                court, officer, any_hour_suite, starts_at, ends_at, override_unavailability="Needed"
            )
            entry = overridden.events.get(action=HistoryAction.UNAVAILABILITY_OVERRIDDEN)
            assert entry.changes["override_unavailability"] == [None, "Needed"]
            assert overridden.overrides_rest_day == any(
                p.reason == REST_DAY for p in refusal.periods
            )
        else:
            event("booked")
            assert expected == [], f"booked over {expected}"
            assert not booking.events.filter(
                action=HistoryAction.UNAVAILABILITY_OVERRIDDEN
            ).exists()
        transaction.set_rollback(True)
    assert not Booking.objects.exists()
