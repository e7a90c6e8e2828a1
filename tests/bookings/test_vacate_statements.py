"""A vacated hearing's stand-downs cost a fixed number of statements each: a court list that
drops 40 hearings with 120 witnesses is one transaction, and what each booking costs is what
the court waits for before any witness can be told."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory
from tests.helpers import book

pytestmark = pytest.mark.django_db

#: Per booking stood down: two savepoints (4), the compare-and-swap and its re-read, the
#: attention flags, the history and audit entries, the withdrawal of what waits, the outbox's
#: read, the ledger and its INSERT (13). The witness, suite and court are read once with the
#: bookings.
STATEMENTS_PER_STAND_DOWN = 13


def statements_to_vacate(court, sussex, witnesses: int) -> int:
    hearing = HearingFactory(court=court)
    for _ in range(witnesses):
        book(hearing, WitnessFactory(force=sussex), SuiteFactory(force=sussex))
    with CaptureQueriesContext(connection) as captured:
        services.hearing_vacate(actor=None, hearing=hearing, reason="Cracked trial.")
    return len(captured)


def test_each_witness_stood_down_costs_the_same_few_statements(clock, court, sussex):
    one, four = (statements_to_vacate(court, sussex, n) for n in (1, 4))

    assert (four - one) / 3 == STATEMENTS_PER_STAND_DOWN, (one, four)
