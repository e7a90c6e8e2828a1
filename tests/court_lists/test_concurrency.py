"""Two lists for one court and day arriving at the same moment are read one after the other
(the court day's row lock), on PostgreSQL, where two transactions really do run at once. The
comparison is slowed down so that, without the lock, both would compare against the same
hearings and both create them."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from bookings.models import Hearing, HearingStatus
from court_lists import services

from .conftest import DROPPED_URN, REVISED, STANDARD, WEDNESDAY_URNS, read_sample

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_comparison(monkeypatch):
    compare = services.compare

    def slowly(**kwargs):
        time.sleep(0.5)
        return compare(**kwargs)

    monkeypatch.setattr(services, "compare", slowly)


def read_at_once(court, names):
    barrier = threading.Barrier(len(names))

    def read(name):
        try:
            barrier.wait()
            return read_sample(court, name).outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        return list(pool.map(read, names))


def listed_urns(court):
    return sorted(
        Hearing.objects.filter(court=court, status=HearingStatus.LISTED).values_list(
            "case_reference", flat=True
        )
    )


def test_the_same_list_twice_at_once_lists_each_hearing_once(brighton_applies, slow_comparison):
    outcomes = read_at_once(brighton_applies, [STANDARD, STANDARD])

    assert sorted(outcomes) == ["applied", "unchanged"]
    assert listed_urns(brighton_applies) == sorted(WEDNESDAY_URNS)


def test_two_versions_at_once_leave_the_hearings_as_the_newer_one_lists_them(
    brighton_applies, slow_comparison
):
    outcomes = read_at_once(brighton_applies, [STANDARD, REVISED])

    # whichever was read first, the older one changed nothing after the newer
    assert sorted(outcomes) in (["applied", "applied"], ["applied", "superseded"])
    assert listed_urns(brighton_applies) == sorted(WEDNESDAY_URNS - {DROPPED_URN})
