"""Reads: what each role may see, and the availability search (suites minus bookings)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
)
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import is_admin
from core import clock
from core.db import Minutes, Overlaps
from evidence_suites.models import Closure, Force, OpeningHours, Suite

from . import rules, visibility
from .models import (
    OCCUPYING_STATUSES,
    OPEN_STATUSES,
    AttentionFlag,
    Booking,
    BookingEvent,
    BookingStatus,
    Court,
    Hearing,
    Unavailability,
    Witness,
)

EARTH_RADIUS_KM = 6371.0088


# --- Scoping by role -------------------------------------------------------------------------


def booking_list(*, user: User) -> QuerySet[Booking]:
    """Admins see every booking; a scheduler their force's witnesses' bookings; a suite manager
    the bookings at their force's suites; a court user the bookings for their court."""
    bookings = Booking.objects.select_related("hearing__court", "witness", "suite")
    if is_admin(user):
        return bookings
    if user.role == Role.SCHEDULER:
        return bookings.filter(witness__force_id=user.force_id)
    if user.role == Role.SUITE_MANAGER:
        return bookings.filter(suite__force_id=user.force_id)
    if user.role == Role.COURT_USER:
        return bookings.filter(hearing__court_id=user.court_id)
    return bookings.none()


def witness_list(*, user: User) -> QuerySet[Witness]:
    witnesses = Witness.objects.select_related("force")
    if is_admin(user):
        return witnesses
    if user.role == Role.SCHEDULER:
        return witnesses.filter(force_id=user.force_id)
    return witnesses.none()


def hearing_list(*, user: User) -> QuerySet[Hearing]:
    hearings = Hearing.objects.select_related("court")
    if user.role == Role.COURT_USER and not is_admin(user):
        return hearings.filter(court_id=user.court_id)
    return hearings


def court_list(*, user: User) -> QuerySet[Court]:
    return Court.objects.order_by("name")


def force_list(*, user: User) -> QuerySet[Force]:
    return Force.objects.order_by("name")


def suites_manageable_by(*, user: User) -> QuerySet[Suite]:
    if is_admin(user):
        return Suite.objects.all()
    if user.role == Role.SUITE_MANAGER:
        return Suite.objects.filter(force_id=user.force_id)
    return Suite.objects.none()


def witness_unavailability(witness: Witness) -> QuerySet[Unavailability]:
    """The witness's dates to avoid that have not ended before today (London), earliest first.
    Whoever may see the witness (witness_list) may see them, reasons and notes included."""
    today = datetime.combine(clock.local(timezone.now()).date(), time.min, tzinfo=clock.LONDON)
    return Unavailability.objects.filter(witness_id=witness.pk, ends_at__gt=today).order_by(
        "starts_at", "id"
    )


def booking_history(*, booking: Booking, user: User | None = None) -> QuerySet[BookingEvent]:
    """The booking's history as `user` may read it (bookings.visibility.hidden_actions); every
    entry when no user is given (the system's own readers)."""
    events = booking.events.order_by("at", "id")
    if user is None:
        return events
    return events.exclude(action__in=visibility.hidden_actions(user, booking.witness))


def attention_list(*, user: User) -> QuerySet[AttentionFlag]:
    return (
        AttentionFlag.objects.filter(resolved_at__isnull=True, booking__in=booking_list(user=user))
        .select_related("booking__suite", "booking__hearing__court", "booking__witness")
        .order_by("created_at")
    )


# --- Availability ----------------------------------------------------------------------------


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance between two points on the Earth's surface."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


#: The longest set-up and turnaround a suite may have (the suite_turnaround_at_most_a_day
#: constraint).
MAX_TURNAROUND_MINUTES = 240


def _padded(moment: datetime, direction: int):
    """`moment` moved by the outer suite's set-up and turnaround (rules.occupied_window), in
    SQL: earlier for the start of a window (-1), later for its end (1)."""
    turnaround = Minutes(OuterRef("turnaround_minutes"))
    at = Value(moment, output_field=DateTimeField())
    return ExpressionWrapper(
        at + turnaround if direction > 0 else at - turnaround, output_field=DateTimeField()
    )


def available_suites(
    *,
    starts_at: datetime,
    ends_at: datetime,
    near: tuple[float | Decimal, float | Decimal] | None = None,
    force: Force | int | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Active suites open for the whole window, not closed and not booked then (set-up and
    turnaround included), nearest first when `near` is given, else by name.

    One query whatever the number of suites or bookings. Rows, not model instances: the answer
    is plain data."""
    period = rules.opening_period_filter(starts_at, ends_at)
    if period is None or ends_at <= starts_at:
        return []
    open_then = OpeningHours.objects.filter(period, suite=OuterRef("pk"))
    closed_then = Closure.objects.filter(
        suite=OuterRef("pk"), starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    # A constant window, widened by the longest set-up and turnaround a suite may have, is what
    # the suite exclusion constraint's index can search (so the cost does not grow with years
    # of bookings); each suite's own window is then checked on the few bookings found.
    longest = timedelta(minutes=MAX_TURNAROUND_MINUTES)
    booked_then = Booking.objects.filter(
        Overlaps("occupied_from", "occupied_until", starts_at - longest, ends_at + longest),
        Overlaps("occupied_from", "occupied_until", _padded(starts_at, -1), _padded(ends_at, 1)),
        suite=OuterRef("pk"),
        status__in=OCCUPYING_STATUSES,
    )
    candidates = Suite.objects.filter(
        Exists(open_then), ~Exists(closed_then), ~Exists(booked_then), is_active=True
    ).order_by()
    if force is not None:
        candidates = candidates.filter(force=force)
    suites = candidates.values(
        "id",
        "code",
        "name",
        "force_id",
        "force__code",
        "address",
        "postcode",
        "latitude",
        "longitude",
        "location_confidential",
        "turnaround_minutes",
        "capacity",
    )

    results = []
    for suite in suites:
        latitude, longitude = float(suite["latitude"]), float(suite["longitude"])
        distance = None
        if near is not None:
            distance = round(
                great_circle_km(float(near[0]), float(near[1]), latitude, longitude), 2
            )
        results.append(
            {
                "suite": suite["id"],
                "code": suite["code"],
                "name": suite["name"],
                "force": suite["force_id"],
                "force_code": suite["force__code"],
                "distance_km": distance,
                "address": suite["address"],
                "postcode": suite["postcode"],
                "latitude": latitude,
                "longitude": longitude,
                "location_confidential": suite["location_confidential"],
                "capacity": suite["capacity"],
                "turnaround_minutes": suite["turnaround_minutes"],
            }
        )
    if near is not None:
        results.sort(key=lambda row: (row["distance_km"], row["name"]))
    else:
        results.sort(key=lambda row: row["name"])
    return results[:limit] if limit else results


def with_open_flags(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.prefetch_related(
        Prefetch("flags", queryset=AttentionFlag.objects.filter(resolved_at__isnull=True))
    )


# --- The attention list ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionItem:
    """One thing a scheduler must deal with, and the booking it is about."""

    kind: str
    label: str
    detail: str
    booking: Booking
    since: datetime
    flag_id: int | None = None
    data: dict | None = None


ATTENTION_LABELS = {
    "relist_conflict": "Hearing moved; suite not free",
    # A relist conflict because the new time is in the witness's dates to avoid.
    "witness_unavailable_dates": "Hearing moved onto the witness's dates to avoid",
    "suite_closed": "Suite closed over the booking",
    "message_failed": "Message not delivered",
    "witness_cannot_attend": "Witness cannot attend",
    "unconfirmed": "Witness has not confirmed",
    "missing_outcome": "Outcome not recorded",
}


def _flag_label(flag: AttentionFlag) -> str:
    reason = (flag.data or {}).get("reason_code") if isinstance(flag.data, dict) else None
    if flag.kind == "relist_conflict" and reason == "witness_unavailable_dates":
        return ATTENTION_LABELS[reason]
    return ATTENTION_LABELS.get(flag.kind, flag.get_kind_display())


def attention_items(*, user: User, now: datetime | None = None) -> list[AttentionItem]:
    """Open flags, plus what the clock tells: tomorrow's witnesses who have not confirmed, and
    bookings whose day has passed with no outcome. Three queries."""
    now = now or timezone.now()
    today = clock.local(now).date()
    start_of_today = datetime.combine(today, time.min, tzinfo=clock.LONDON)
    tomorrow = start_of_today + timedelta(days=1)
    visible = booking_list(user=user)
    items = [
        AttentionItem(
            kind=flag.kind,
            label=_flag_label(flag),
            detail=flag.detail,
            booking=flag.booking,
            since=flag.created_at,
            flag_id=flag.pk,
            data=flag.data,
        )
        for flag in attention_list(user=user)
    ]
    unconfirmed = visible.filter(
        status=BookingStatus.CONFIRMED,
        witness_confirmed_at__isnull=True,
        starts_at__gte=tomorrow,
        starts_at__lt=tomorrow + timedelta(days=1),
    )
    items += [
        AttentionItem(
            kind="unconfirmed",
            label=ATTENTION_LABELS["unconfirmed"],
            detail=f"Due {clock.local(b.starts_at):%a %d %b %H:%M}; no reply to the text yet.",
            booking=b,
            since=b.created_at,
        )
        for b in unconfirmed
    ]
    missing = visible.filter(status__in=OPEN_STATUSES, ends_at__lt=start_of_today)
    items += [
        AttentionItem(
            kind="missing_outcome",
            label=ATTENTION_LABELS["missing_outcome"],
            detail=f"Was due {clock.local(b.starts_at):%a %d %b}; record arrival and outcome.",
            booking=b,
            since=b.ends_at,
        )
        for b in missing
    ]
    return sorted(items, key=lambda item: item.since)
