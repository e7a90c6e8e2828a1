"""Ready for the hearing, in the demo: each suite's dial address, the court's room and PIN on
most bookings of the next few sitting days (one left without, for the 15:00 check to
chase), and a few officers' dates to avoid on days they are not booked.

Through the services, as staff would enter them; idempotent like the rest of `seed_demo`."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from bookings import services
from bookings.models import (
    OPEN_STATUSES,
    Booking,
    UnavailabilityReason,
    UnavailabilitySource,
    Witness,
    WitnessType,
)
from core.clock import at_london, local
from evidence_suites.models import Suite, VideoPlatform
from notifications.schedule import next_working_day

#: The demo's officers' dates to avoid: (collar number, days after today's next sitting day,
#: reason, note, start and end London times; None for the whole day).
DATES_TO_AVOID = [
    ("PC 1234", 2, UnavailabilityReason.ANNUAL_LEAVE, "Booked leave", None),
    ("DC 4521", 1, UnavailabilityReason.REST_DAY, "", None),
    ("PC 2876", 3, UnavailabilityReason.NIGHT_SHIFT, "Nights", (time(22), time(7))),
]


def seed_suite_endpoints(suites: dict[str, Suite], created: Counter) -> None:
    """Each suite's address for the court to dial (HMCTS's Cloud Video Platform, by SIP)."""
    for suite in suites.values():
        if suite.video_endpoint:
            continue
        suite.video_endpoint = f"sip:{suite.code}@video.example.net"
        suite.video_platform = VideoPlatform.CVP
        suite.save(update_fields=["video_endpoint", "video_platform", "updated_at"])
        created["suite video addresses"] += 1


def seed_court_links(today: date, created: Counter) -> None:
    """The court's room and PIN on the open bookings of today and the next three sitting days,
    but for the next sitting day's last one, which the day-before check chases at 15:00."""
    tomorrow = next_working_day(today)
    until = next_working_day(next_working_day(tomorrow))
    bookings = list(
        Booking.objects.filter(
            status__in=OPEN_STATUSES,
            starts_at__gte=at_london(today, time.min),
            starts_at__lt=at_london(until + timedelta(days=1), time.min),
            video_url="",
            video_room="",
        )
        .select_related("hearing")
        .order_by("starts_at", "pk")
    )
    chased = next((b for b in reversed(bookings) if local(b.starts_at).date() == tomorrow), None)
    for booking in bookings:
        if booking is chased or booking.events.filter(action="video_link_set").exists():
            continue  # left for the check, or cleared by someone since
        room = f"{booking.hearing.court_id}{booking.hearing.pk % 1000:03d}"[:8]
        services.booking_set_video_link(
            actor=None, booking=booking, video_room=room, video_pin=f"{booking.pk % 9000 + 1000}"
        )
        created["court video links"] += 1


def seed_dates_to_avoid(today: date, created: Counter) -> list[str]:
    """A day of leave, a rest day and a night shift for three officers, on days they have no
    booking; returns what it recorded, for seed_demo's report."""
    first = next_working_day(today)
    said = []
    for collar, after, reason, note, hours in DATES_TO_AVOID:
        witness = Witness.objects.filter(
            witness_type=WitnessType.POLICE_OFFICER, collar_number=collar
        ).first()
        if witness is None:
            continue
        day = first
        for _ in range(after):
            day = next_working_day(day)
        starts_at, ends_at = _period(day, hours)
        key = f"demo-{collar}-{reason}"
        if witness.unavailability.filter(source_key=key).exists():
            continue
        if witness.bookings.filter(
            status__in=OPEN_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists():
            continue  # the demo booked them that day: no clash to stage
        services.unavailability_add(
            actor=None,
            witness=witness,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            note=note,
            source=UnavailabilitySource.STAFF,
            source_key=key,
        )
        created["dates to avoid"] += 1
        said.append(f"{witness.full_name}: {reason.label.lower()} on {day:%a %d %b}")
    return said


def _period(day: date, hours: tuple[time, time] | None) -> tuple[datetime, datetime]:
    if hours is None:
        return at_london(day, time.min), at_london(day + timedelta(days=1), time.min)
    starts, ends = hours  # a night shift: from the evening before to the morning of `day`
    return at_london(day - timedelta(days=1), starts), at_london(day, ends)
