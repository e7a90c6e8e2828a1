"""The day-before check of courts' links: at 15:00 London on each working day (beat), the
bookings for the next sitting day (Friday's is Monday's, and a bank holiday is no sitting day:
notifications.schedule) that have no video link or room from the court go on the attention list,
and each court with such bookings and a contact address is emailed one list of its own, with a
link to each booking's page to set it. As the MoJ's Book a Video Link service chases courts.

Safe to run again: a booking is flagged once for its sitting day, and a court emailed once for
it. The flags are the record (their `data` names the day and whether the court was emailed); a
flag is resolved when the court's link arrives (`link_arrived`). An email the mail server
refuses leaves its court unrecorded, for the next run to try again.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from bookings import visibility
from bookings.models import OPEN_STATUSES, AttentionFlag, AttentionKind, Booking, Court
from core.clock import at_london, local

from .schedule import is_working_day, next_working_day

logger = logging.getLogger(__name__)

KIND = AttentionKind.NO_VIDEO_LINK


@dataclass
class ChaseResult:
    """What one run did: the sitting day it covered (None on a day that is not a working day),
    the bookings it flagged and the courts (by code) it emailed."""

    day: date | None
    flagged: int = 0
    emailed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def day_to_chase(today: date) -> date | None:
    """The sitting day a check on `today` covers: the next working day, if today is one."""
    return next_working_day(today) if is_working_day(today) else None


def unlinked_bookings(day: date) -> QuerySet[Booking]:
    """Bookings still going ahead on `day` (London) with neither a video link nor a room."""
    return (
        Booking.objects.filter(
            status__in=OPEN_STATUSES,
            starts_at__gte=at_london(day, time(0)),
            starts_at__lt=at_london(day + timedelta(days=1), time(0)),
            video_url="",
            video_room="",
        )
        .select_related("hearing__court", "suite", "witness")
        .order_by("hearing__court_id", "starts_at", "id")
    )


def _flag(bookings: list[Booking], day: date, now: datetime) -> int:
    """One flag per booking for its sitting day: a booking flagged for it already (dealt with
    or not) is left as it is; an open flag for another day (the booking moved) is turned to
    this one. Returns how many bookings were newly flagged."""
    flags = AttentionFlag.objects.filter(booking__in=bookings, kind=KIND)
    for_day = {f.booking_id for f in flags if f.data.get("day") == day.isoformat()}
    still_open = {f.booking_id: f for f in flags if f.resolved_at is None}
    new, moved = [], []
    for booking in bookings:
        if booking.pk in for_day:
            continue
        detail = (
            f"{booking.hearing.court.name} has not given the video link for "
            f"{local(booking.starts_at):%a %d %b at %H:%M}; they were asked at {local(now):%H:%M}."
        )
        data = {"day": day.isoformat(), "court_emailed": False}
        if (flag := still_open.get(booking.pk)) is not None:
            flag.detail, flag.data = detail, data
            moved.append(flag)
        else:
            new.append(
                AttentionFlag(booking=booking, kind=KIND, detail=detail, data=data, created_at=now)
            )
    AttentionFlag.objects.bulk_create(new)
    AttentionFlag.objects.bulk_update(moved, ["detail", "data"])
    return len(new)


def _booking_url(booking: Booking) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('web:booking', args=[booking.pk])}"


def court_email(court: Court, bookings: list[Booking], day: date) -> EmailMessage:
    """The court's one email for the day: its own bookings without a link, each as its court
    users see it (the witness's type and initials, the suite's name: never a confidential
    suite's whereabouts, which no email carries), with the page to set the link on."""
    rows = [
        {
            "reference": booking.reference,
            "starts": local(booking.starts_at),
            "ends": local(booking.ends_at),
            "case_reference": booking.hearing.case_reference,
            "courtroom": booking.hearing.courtroom,
            "witness_type": booking.witness.get_witness_type_display().lower(),
            "witness": visibility.witness_label(Role.COURT_USER, booking.witness),
            "suite": booking.suite.name,
            "url": _booking_url(booking),
        }
        for booking in bookings
    ]
    context = {"court": court, "day": day, "bookings": rows, "phone": settings.WITNESS_CARE_PHONE}
    return EmailMessage(
        subject=f"Video links needed for {day:%A} {day.day} {day:%B}: {court.name}",
        body=render_to_string("notifications/court_chase_email.txt", context).strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[court.contact_email],
    )


def _email_court(court: Court, bookings: list[Booking], day: date) -> bool:
    """Email the court its list, once for the day; record it on the day's flags. The court's row
    is held while it goes, so two runs at once send one email."""
    with transaction.atomic():
        Court.objects.select_for_update().filter(pk=court.pk).first()
        day_flags = AttentionFlag.objects.filter(
            kind=KIND, booking__hearing__court=court, data__day=day.isoformat()
        )
        if day_flags.filter(data__court_emailed=True).exists():
            return False
        court_email(court, bookings, day).send()
        for flag in day_flags:
            flag.data = {**flag.data, "court_emailed": True}
            flag.save(update_fields=["data"])
    return True


def court_links_chase(*, now: datetime | None = None) -> ChaseResult:
    """The day-before check as of `now` (default: now)."""
    now = now or timezone.now()
    day = day_to_chase(local(now).date())
    if day is None:
        return ChaseResult(day=None)
    bookings = list(unlinked_bookings(day))
    result = ChaseResult(day=day, flagged=_flag(bookings, day, now))
    by_court: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_court[booking.hearing.court_id].append(booking)
    for its in by_court.values():
        court = its[0].hearing.court
        if not court.contact_email:
            continue
        try:
            if _email_court(court, its, day):
                result.emailed.append(court.code)
        except (smtplib.SMTPException, OSError):
            logger.exception("The day-before email to court %s could not be sent", court.code)
            result.failed.append(court.code)
    return result


def link_arrived(*, booking: Booking) -> None:
    """The court's link or room is set: the booking leaves the attention list for it."""
    if booking.video_url or booking.video_room:
        AttentionFlag.objects.filter(booking=booking, kind=KIND, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
