"""A booking's history: every change to a booking is recorded, in the same transaction, as
who did it, when, and what changed (before → after)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from accounts import audit
from accounts.models import User

from ..models import Booking, BookingEvent, HistoryAction


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _actor_label(actor: User | None, label: str | None) -> str:
    if label:
        return label
    return actor.get_username() if actor is not None else "system"


def booking_event_record(**entry: Any) -> BookingEvent:
    """Append one entry to a booking's history: who, when, what changed (before → after), given
    as to `booking_event_build`."""
    event = booking_event_build(**entry)
    event.save(force_insert=True)
    # A new booking is in the audit log already, all of it.
    if event.action != HistoryAction.CREATED:
        audit.record(
            event.booking,
            changes=event.changes,
            actor=event.actor,
            actor_label=entry.get("actor_label") or "",
            event=event.action,
        )
    return event


def booking_events_record(
    *,
    bookings: list[Booking],
    action: str,
    changes: dict[str, tuple[Any, Any]],
    actor: User | None = None,
) -> list[BookingEvent]:
    """The same entry in the history of each of `bookings` (a court's list naming the bookings
    it moved or stood down), with its audit entries: two INSERTs however many bookings."""
    events = BookingEvent.objects.bulk_create(
        [
            booking_event_build(booking=booking, action=action, changes=changes, actor=actor)
            for booking in bookings
        ]
    )
    if events:
        audit.record_many(
            bookings,
            changes=events[0].changes,
            actor=actor,
            event=action,
        )
    return events


def booking_event_build(
    *,
    booking: Booking,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    actor: User | None = None,
    actor_label: str | None = None,
) -> BookingEvent:
    """A history entry not yet saved, for callers that write many at once (bulk_create)."""
    return BookingEvent(
        booking=booking,
        at=timezone.now(),
        actor=actor,
        actor_label=_actor_label(actor, actor_label),
        action=action,
        changes={
            field: [_jsonable(before), _jsonable(after)]
            for field, (before, after) in (changes or {}).items()
        },
    )


def _diff(booking: Booking, new_values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose new value differs from the booking's (a related object by its id)."""
    changes = {}
    for field, value in new_values.items():
        before = getattr(booking, field)
        if isinstance(before, models.Model):
            before_cmp, value_cmp = before.pk, getattr(value, "pk", value)
        else:
            before_cmp, value_cmp = before, value
        if before_cmp != value_cmp:
            changes[field] = (before, value)
    return changes
