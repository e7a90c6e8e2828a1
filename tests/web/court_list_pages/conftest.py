# ruff: noqa: F811 -- the court lists' fixtures, imported by name, then asked for by the fixtures here.
"""The court list pages' fixtures: Brighton's lists read, with two changes waiting for staff that
affect bookings; Brighton's court user and another court's; and the pages' addresses."""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from bookings.models import Hearing, ListChangesPolicy
from court_lists.models import ChangeKind, ListChange, ReadOutcome
from tests.court_lists.conftest import (  # noqa: F401 (fixtures)
    DROPPED_URN,
    MOVED_URN,
    REVISED,
    STANDARD,
    brighton,
    fake_twilio,
    read_sample,
)
from tests.factories import CourtFactory, UserFactory
from tests.helpers import book


@pytest.fixture
def proposed(clock, brighton, suite, officer, other_officer):
    """Brighton's Wednesday list read and followed, a witness booked on two of its hearings,
    then the court's revised list read under the default policy: it proposes moving one
    hearing (the officer's) and vacating the other (the other officer's)."""
    brighton.list_changes = ListChangesPolicy.APPLY
    brighton.save()
    read_sample(brighton, STANDARD)
    brighton.list_changes = ListChangesPolicy.PROPOSE
    brighton.save()
    moving = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    dropped = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
    revised = read_sample(brighton, REVISED)
    assert revised.outcome == ReadOutcome.PROPOSED
    return SimpleNamespace(
        court=brighton,
        list=revised,
        moved=ListChange.objects.get(court_list=revised, kind=ChangeKind.MOVED),
        missing=ListChange.objects.get(court_list=revised, kind=ChangeKind.MISSING),
        moving=moving,
        dropped=dropped,
    )


@pytest.fixture
def brighton_user(brighton):
    return UserFactory(username="brighton.lists", role=Role.COURT_USER, force=None, court=brighton)


@pytest.fixture
def elsewhere_user(db):
    return UserFactory(
        username="hastings.lists", role=Role.COURT_USER, force=None, court=CourtFactory()
    )


def changes_url(court) -> str:
    return f"/court-lists/{court.pk}/changes/"


def apply_url(change) -> str:
    return f"/court-lists/{change.court_list.court_id}/changes/{change.pk}/apply/"


def dismiss_url(change) -> str:
    return f"/court-lists/{change.court_list.court_id}/changes/{change.pk}/dismiss/"
