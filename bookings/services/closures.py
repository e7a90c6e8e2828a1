"""Closing a suite for a period, and reopening it. Bookings already in a closed period are
never silently dropped: each goes on the attention list for staff to move."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import clock
from evidence_suites.models import Closure, Suite
from evidence_suites.services import closure_create, closure_delete

from ..models import OPEN_STATUSES, AttentionFlag, AttentionKind, Booking, HistoryAction
from ..selectors import available_suites
from .attention import attention_flag_raise
from .history import booking_event_record
from .locking import _lock_suites_and_witnesses


@transaction.atomic
def suite_closure_add(
    *, actor: User | None, suite: Suite, starts_at: datetime, ends_at: datetime, reason: str
) -> Closure:
    """Close a suite for a period. Bookings already in that time are never silently dropped:
    each is put on the attention list with the nearest suites free then, for staff to move."""
    # The suite's lock (see locking): a booking being made for it now either commits first,
    # and is caught below, or waits, and then meets the closure in its checks.
    [suite], _ = _lock_suites_and_witnesses([suite.pk], [])
    closure = closure_create(suite=suite, starts_at=starts_at, ends_at=ends_at, reason=reason)
    caught = Booking.objects.filter(
        suite=suite,
        status__in=OPEN_STATUSES,
        starts_at__lt=closure.ends_at,
        ends_at__gt=closure.starts_at,
    ).select_related("suite")
    for booking in caught:
        suggestions = available_suites(
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            near=(suite.latitude, suite.longitude),
            limit=4,
        )
        attention_flag_raise(
            booking=booking,
            kind=AttentionKind.SUITE_CLOSED,
            detail=(
                f"{suite.name} is closed {clock.local(closure.starts_at):%a %d %b %H:%M} to "
                f"{clock.local(closure.ends_at):%a %d %b %H:%M}: {closure.reason}"
            ),
            data={
                "closure": closure.pk,
                # the closed suite itself is not free then, so it is never suggested
                "suggested_suites": [row["suite"] for row in suggestions],
            },
        )
        booking_event_record(
            booking=booking,
            actor=actor,
            action=HistoryAction.SUITE_CLOSED,
            changes={"attention": (None, AttentionKind.SUITE_CLOSED)},
        )
    return closure


@transaction.atomic
def suite_closure_remove(*, actor: User | None, closure: Closure) -> None:
    """Reopen the suite: the closure goes, and so do the attention flags it raised."""
    flags = AttentionFlag.objects.filter(
        kind=AttentionKind.SUITE_CLOSED, resolved_at__isnull=True, data__closure=closure.pk
    )
    flags.update(resolved_at=timezone.now(), resolved_by=actor)
    closure_delete(closure=closure)
