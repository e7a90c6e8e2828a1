"""How booking writes keep out of each other's way: row locks taken in one fixed order,
a bounded retry when PostgreSQL breaks a deadlock anyway, and compare-and-swap on a booking's
version so that of two racing changes one wins and the other is told the booking changed.

Lock order. A booking write first locks its hearing, then the suite, then the witness (of
several, lowest id first), FOR NO KEY UPDATE, which rows merely referring to them do not wait
for. A second write for the same suite or witness waits there until the first commits or
rolls back, then meets its booking in check_free (a clean 409) or finds the slot free:
without these locks writers meet only in the exclusion constraints, where several left
waiting on a booking that rolls back deadlock on each other. Taken in this one order by
every path, the locks cannot deadlock among themselves. On SQLite they are plain reads:
BEGIN IMMEDIATE already serialises writers.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from core.errors import Conflict
from evidence_suites.models import Suite

from .. import rules
from ..models import Booking, Witness

# How many times in all a booking write is tried when PostgreSQL aborts it to break a
# deadlock. A safety net for writers outside the lock order; two racing writers need one
# retry, a third leaves room for a slow wake-up.
WRITE_ATTEMPTS = 3

T = TypeVar("T")


def _lock_suites_and_witnesses(suite_ids, witness_ids) -> tuple[list[Suite], list[Witness]]:
    """The suites and witnesses as they are now, locked (after the hearing) in the lock order."""
    suites = Suite.objects.select_for_update(no_key=True).filter(pk__in=suite_ids).order_by("pk")
    witnesses = (
        Witness.objects.select_for_update(no_key=True).filter(pk__in=witness_ids).order_by("pk")
    )
    return list(suites), list(witnesses)


def _write_retrying_deadlocks(write: Callable[[], T]) -> T:
    """Run `write` in a savepoint of its own, and again after a short, jittered pause if
    PostgreSQL aborted it to break a deadlock (see rules.is_retryable).

    Only the savepoint is rolled back, so the request's transaction, and the hearing lock it
    holds, carry on; the pause lets the writer that went ahead get past its own check first.
    The last attempt's error is raised as it is: bounded, because a pile-up of several writers
    each waiting for another's uncommitted booking can deadlock again on every try (the lock
    order keeps the service's own writers out of such pile-ups)."""
    for attempt in range(1, WRITE_ATTEMPTS):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if not rules.is_retryable(error):
                raise
        time.sleep(random.uniform(0.01, 0.05) * attempt)
    with transaction.atomic():
        return write()


def _compare_and_swap(booking: Booking, expected_statuses: Iterable[str], **values) -> Booking:
    """Apply `values` only if the booking is still what this request read (same version and
    an expected status); otherwise someone else changed it first and this request loses."""
    try:
        updated = _write_retrying_deadlocks(
            lambda: Booking.objects.filter(
                pk=booking.pk, version=booking.version, status__in=expected_statuses
            ).update(version=F("version") + 1, updated_at=timezone.now(), **values)
        )
    except IntegrityError as error:
        conflict = rules.conflict_from_integrity_error(error)
        if conflict is not None:
            raise conflict from None
        raise
    if not updated:
        raise Conflict(
            "booking_changed",
            "The booking was changed by someone else a moment ago; reload it and try again.",
        )
    # The re-read forgets the related rows the caller read with the booking (refresh_from_db
    # clears them); those it still points at are kept, so a court list standing 120 bookings
    # down does not read each witness and suite again, one at a time.
    related = {
        field: getattr(booking, field.name)
        for field in booking._meta.concrete_fields
        if field.is_relation and field.is_cached(booking)
    }
    booking.refresh_from_db()
    for field, row in related.items():
        if row is not None and getattr(booking, field.attname) == row.pk:
            setattr(booking, field.name, row)
    return booking
