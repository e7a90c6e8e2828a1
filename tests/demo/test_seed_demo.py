"""`manage.py seed_demo`: a current, consistent demo data set that a second run leaves alone."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO
from itertools import combinations

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from bookings.models import Booking, BookingStatus, Hearing, HearingStatus, Outcome
from demo import data as demo_data
from demo.management.commands import seed_demo
from evidence_suites.models import Suite
from tests.factories import london

# Wednesday before the clocks go forward (Sunday 28 March 2027): the window spans GMT and BST.
WEDNESDAY_NOON = london(2027, 3, 24, 12, 30)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--not-production", stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "evidence_suites", "bookings")
        for model in apps.get_app_config(app).get_models()
    }


def overlapping_suite_bookings() -> list[tuple[str, str]]:
    by_suite = defaultdict(list)
    for booking in Booking.objects.exclude(status=BookingStatus.CANCELLED):
        by_suite[booking.suite_id].append(booking)
    return [
        (a.reference, b.reference)
        for bookings in by_suite.values()
        for a, b in combinations(bookings, 2)
        if a.occupied_from < b.occupied_until and b.occupied_from < a.occupied_until
    ]


@pytest.fixture
def wednesday():
    with time_machine.travel(WEDNESDAY_NOON, tick=True) as traveller:
        yield traveller


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_new(wednesday):
    first = seed()
    after_first = counts()
    second = seed()

    assert counts() == after_first
    assert "already loaded, nothing new" in second
    assert "already loaded" not in first
    assert after_first["bookings.Booking"] >= 20
    assert after_first["bookings.Witness"] == len(demo_data.WITNESSES)
    assert after_first["evidence_suites.Suite"] == len(demo_data.SUITES)


@pytest.mark.django_db
def test_the_data_tells_a_story_past_present_and_future(wednesday):
    seed()
    now = timezone.now()

    past = Booking.objects.filter(ends_at__lte=now)
    completed = past.filter(status=BookingStatus.COMPLETED)
    assert completed.filter(outcome=Outcome.GAVE_EVIDENCE).exists()
    assert completed.filter(outcome=Outcome.NO_SHOW).count() == 1
    assert not past.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN])
    for booking in completed.exclude(outcome=Outcome.NO_SHOW):
        assert booking.checked_in_at < booking.released_at <= booking.ends_at
        # Recorded as it happened: check-in and release on the day, not at seeding time.
        assert [event.action for event in booking.events.all()] == [
            "created",
            "checked_in",
            "completed",
        ]
        assert booking.events.last().at == booking.released_at
    assert Booking.objects.filter(starts_at__gt=now, status=BookingStatus.CONFIRMED).count() >= 10

    vacated = Hearing.objects.get(status=HearingStatus.VACATED)
    assert vacated.vacated_reason == demo_data.VACATED_REASON
    assert all(b.status == BookingStatus.CANCELLED for b in vacated.bookings.all())
    assert Booking.objects.filter(cancellation_reason=demo_data.CANCELLED_REASON).count() == 1
    assert Hearing.objects.filter(ends_at__lte=now, status=HearingStatus.LISTED).count() == 0

    # Local sittings on both sides of the clock change.
    starts = {timezone.localtime(b.starts_at).strftime("%H:%M") for b in Booking.objects.all()}
    assert starts <= {"10:00", "11:30", "12:00", "14:00", "15:15", "15:30"}
    assert Suite.objects.filter(location_confidential=True).count() == 1
    assert Suite.objects.get(code="eastbourne").closures.filter(starts_at__gt=now).count() == 1


@pytest.mark.django_db
def test_no_booking_overlaps_another_in_its_suite(wednesday):
    seed()
    assert overlapping_suite_bookings() == []


@pytest.mark.django_db
def test_prints_the_demo_sign_ins_every_time(wednesday):
    for output in (seed(), seed()):
        assert f"Demo sign-ins (password: {demo_data.DEMO_PASSWORD})" in output
        for row in demo_data.USERS:
            assert row.username in output
        assert "http://127.0.0.1:8000/api/docs/" in output
        assert "http://127.0.0.1:8000/admin/" in output


@pytest.mark.django_db
def test_demo_users_can_sign_in_and_keep_a_changed_password(wednesday):
    seed()
    admin = authenticate(username="admin", password=demo_data.DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff
    court_user = User.objects.get(username="brighton.court")
    assert (court_user.role, court_user.court.code) == (Role.COURT_USER, "brighton-mc")
    assert User.objects.get(username="kent.scheduler").force.code == "kent"

    court_user.set_password("the-court-changed-it-9")
    court_user.save()
    seed()
    assert authenticate(username="brighton.court", password="the-court-changed-it-9")


@pytest.mark.django_db
def test_seeding_on_a_later_day_adds_only_the_new_days():
    with time_machine.travel(WEDNESDAY_NOON, tick=True):
        seed()
    hearings_before = set(Hearing.objects.values_list("court", "case_reference", "starts_at"))

    with time_machine.travel(london(2027, 3, 29, 8, 15), tick=True):  # the next Monday
        seed()

    hearings_after = set(Hearing.objects.values_list("court", "case_reference", "starts_at"))
    assert hearings_before < hearings_after  # the days already seeded were found, not redone
    assert Hearing.objects.filter(status=HearingStatus.VACATED).count() == 1
    assert Booking.objects.filter(outcome=Outcome.NO_SHOW).count() == 1
    assert overlapping_suite_bookings() == []


@pytest.mark.django_db
def test_works_without_time_machine(monkeypatch, wednesday):
    """Production images leave dev dependencies out: the seed must not need time-machine."""
    monkeypatch.setattr(seed_demo, "time_machine", None)
    seed()
    completed = Booking.objects.filter(status=BookingStatus.COMPLETED)
    assert completed.exists()
    assert all(b.checked_in_at < b.released_at for b in completed.exclude(outcome="no_show"))
    assert overlapping_suite_bookings() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        london(2027, 3, 27, 11, 0),  # a Saturday: no sitting today
        london(2027, 10, 29, 10, 45),  # mid-morning, in the middle of the first bookings
        london(2027, 12, 24, 18, 0),  # after the courts rose
    ],
)
def test_any_day_gives_a_consistent_data_set(moment):
    with time_machine.travel(moment, tick=True):
        seed()
        now = timezone.now()
        assert Booking.objects.filter(status=BookingStatus.COMPLETED, ends_at__lte=now).exists()
        assert not Booking.objects.filter(
            ends_at__lte=now, status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]
        ).exclude(hearing__status=HearingStatus.VACATED)
        for booking in Booking.objects.filter(status=BookingStatus.CHECKED_IN):
            assert booking.starts_at - booking.checked_in_at < timedelta(hours=1)
            assert booking.checked_in_at <= now
        assert overlapping_suite_bookings() == []
