"""Calendar feeds (`/feeds/<token>.ics`) that courts, suites and officers subscribe to: who may
subscribe to what, which bookings a feed holds, and the feed itself.

A feed holds one event per booking in a rolling window of whole days around today (UK time),
with the booking's stable UID and its version as SEQUENCE, the same as the emailed invites, so
a calendar that has both keeps one event. Each event is written for its audience and carries
as little personal data as that audience needs: initials, never a name, phone number or email.
A court's and a suite's events carry the live link (the suite's dial address, the court's link
or room and PIN: bookings.calendar.video_link_lines); a witness's never do.

Building a feed is a fixed number of queries however many events it holds, and its ETag comes
from one aggregate query, without rendering the body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import is_admin
from core.clock import LONDON, local
from evidence_suites.models import Suite
from evidence_suites.whereabouts import WHERE_TO_GO_SEPARATELY, shareable_location

from . import visibility
from .calendar import add_video_link, booking_event, new_calendar, video_link_lines
from .models import Booking, BookingStatus, Court, FeedScope, FeedToken, Witness

#: Change when the events' wording or shape changes, so every subscriber's ETag changes too.
FEED_FORMAT_VERSION = "2"  # 2: the live link (#17)
REFRESH_INTERVAL = timedelta(minutes=15)
#: A subscription not fetched for this long has probably been dropped by its calendar.
STALE_AFTER = timedelta(hours=24)

# Only what the events' text needs: a witness's phone and email never leave the database.
EVENT_FIELDS = (
    "id",
    "reference",
    "version",
    "link_version",
    "status",
    "starts_at",
    "ends_at",
    "occupied_from",
    "occupied_until",
    "created_at",
    "updated_at",
    "video_url",
    "video_room",
    "video_pin",
    "hearing__id",
    "hearing__case_reference",
    "hearing__courtroom",
    "hearing__hearing_type",
    "hearing__court__id",
    "hearing__court__name",
    "suite__id",
    "suite__name",
    "suite__address",
    "suite__postcode",
    "suite__location_confidential",
    "suite__video_endpoint",
    "suite__video_platform",
    "witness__id",
    "witness__full_name",
    "witness__witness_type",
    "witness__anonymised_at",
)


# --- Tokens: who may subscribe to what, and which tokens each user sees ------------------------


#: The feeds whose events carry the live link: the court dials the suite or the suite the court.
#: Never a witness's.
LINK_SCOPES = (FeedScope.COURT, FeedScope.SUITE)

#: Who may subscribe to what, besides admins (who may to anything): per scope, the roles that
#: may, each with (the subject's field, the user's field) that must be equal. Read both to
#: list what a user may subscribe to and to tell whether a token's maker still may.
SUBSCRIBERS: dict[str, dict[str, tuple[str, str]]] = {
    FeedScope.COURT: {Role.COURT_USER: ("pk", "court_id")},
    FeedScope.SUITE: {
        Role.SUITE_MANAGER: ("force_id", "force_id"),
        Role.SCHEDULER: ("force_id", "force_id"),
    },
    FeedScope.WITNESS: {Role.SCHEDULER: ("force_id", "force_id")},
}


def feed_subjects(*, user: User, scope: str) -> QuerySet:
    """What `user` may subscribe to in `scope`: an admin anything; a court user their court; a
    suite manager their force's suites; a scheduler their force's suites and witnesses."""
    model = {FeedScope.COURT: Court, FeedScope.SUITE: Suite, FeedScope.WITNESS: Witness}[
        FeedScope(scope)
    ]
    objects = model.objects.all()
    if is_admin(user):
        return objects
    match = SUBSCRIBERS[FeedScope(scope)].get(user.role)
    if match is None:
        return objects.none()
    subject_field, user_field = match
    return objects.filter(**{subject_field: getattr(user, user_field)})


def may_subscribe(*, user: User | None, scope: str, subject) -> bool:
    """`feed_subjects`' rule for one subject in hand, without a query; and only for an active
    user (a deactivated one may no longer do anything)."""
    if user is None or not user.is_active:
        return False
    if is_admin(user):
        return True
    match = SUBSCRIBERS[FeedScope(scope)].get(user.role)
    if match is None:
        return False
    subject_field, user_field = match
    mine = getattr(user, user_field)
    return mine is not None and getattr(subject, subject_field) == mine


def token_works(token: FeedToken) -> bool:
    """A live token works while its maker may still subscribe to its subject: not once they
    are deactivated or deleted, or no longer have the role or court or force that let them
    make it (a court user moved to another court, a suite manager made a court user). Needs
    the token's subject and `created_by` loaded (select_related), so it costs no query."""
    return token.revoked_at is None and may_subscribe(
        user=token.created_by, scope=token.scope, subject=token.subject
    )


def feed_token_list(*, user: User) -> QuerySet[FeedToken]:
    """Live (unrevoked) tokens: the ones a user made; admins see everyone's."""
    tokens = FeedToken.objects.filter(revoked_at__isnull=True).select_related(
        "court", "suite", "witness", "created_by"
    )
    if not is_admin(user):
        tokens = tokens.filter(created_by=user)
    return tokens.order_by("-created_at", "-id")


def stale_tokens(now: datetime | None = None) -> Q:
    """Tokens whose subscriber has not fetched the feed in the last 24 hours, or ever."""
    since = (now or timezone.now()) - STALE_AFTER
    return Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=since)


def is_stale(token: FeedToken, now: datetime | None = None) -> bool:
    since = (now or timezone.now()) - STALE_AFTER
    return token.last_fetched_at is None or token.last_fetched_at < since


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_url(secret: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('feed', kwargs={'token': secret})}"


def feed_token_for_secret(secret: str) -> FeedToken | None:
    """The working token a feed address carries, or None for an unknown or revoked one, or one
    whose maker may no longer subscribe to it (`token_works`): one query, its maker joined."""
    if not secret:
        return None
    token = (
        FeedToken.objects.select_related("court", "suite", "witness", "created_by")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    return token if token is not None and token_works(token) else None


# --- Which bookings a feed holds --------------------------------------------------------------


@dataclass(frozen=True)
class FeedWindow:
    """Whole UK days, so that what a feed holds changes only when a booking does or the date
    does: that is what lets the ETag be computed without rendering."""

    today: date
    starts: datetime
    ends: datetime
    cancelled_since: datetime


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def feed_window(now: datetime | None = None) -> FeedWindow:
    today = local(now or timezone.now()).date()
    return FeedWindow(
        today=today,
        starts=_london_midnight(today - timedelta(days=settings.FEED_DAYS_BACK)),
        ends=_london_midnight(today + timedelta(days=settings.FEED_DAYS_AHEAD + 1)),
        cancelled_since=_london_midnight(today - timedelta(days=settings.FEED_CANCELLED_DAYS)),
    )


def _subject_filter(token: FeedToken) -> Q:
    if token.scope == FeedScope.COURT:
        return Q(hearing__court_id=token.court_id)
    if token.scope == FeedScope.SUITE:
        return Q(suite_id=token.suite_id)
    return Q(witness_id=token.witness_id)


def feed_bookings(*, token: FeedToken, window: FeedWindow) -> QuerySet[Booking]:
    """The token's bookings starting inside the window. Cancelled ones stay for a while, as
    STATUS:CANCELLED, so calendars that already hold them remove them; then they age out."""
    still_shown = ~Q(status=BookingStatus.CANCELLED) | Q(cancelled_at__gte=window.cancelled_since)
    return Booking.objects.filter(
        _subject_filter(token),
        still_shown,
        starts_at__gte=window.starts,
        starts_at__lt=window.ends,
    )


def feed_events(*, token: FeedToken, window: FeedWindow) -> QuerySet[Booking]:
    return (
        feed_bookings(token=token, window=window)
        .select_related("hearing__court", "suite", "witness")
        .only(*EVENT_FIELDS)
        .order_by("starts_at", "id")
    )


# --- Validators: ETag and Last-Modified from one aggregate query ------------------------------


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime
    count: int


def calendar_name(token: FeedToken) -> str:
    # Never the officer's name: the name shows in the subscriber's calendar list.
    if token.scope == FeedScope.COURT:
        return f"Video-link witnesses: {token.court.name}"
    if token.scope == FeedScope.SUITE:
        return f"Video-link bookings: {token.suite.name}"
    return "My video-link evidence"


def feed_version(*, token: FeedToken, window: FeedWindow) -> FeedVersion:
    """What the feed's body depends on, hashed: the subject, the day, the feed settings and,
    for the bookings in it, how many there are and when they (and the hearings, courts, suites
    and witnesses their text comes from) last changed; and their link versions, so a new court
    link is a new ETag whichever way it was written."""
    stats = feed_bookings(token=token, window=window).aggregate(
        count=Count("id"),
        # before `hearing`, which would otherwise name the aggregate, not the relation
        court=Max("hearing__court__updated_at"),
        booking=Max("updated_at"),
        hearing=Max("hearing__updated_at"),
        suite=Max("suite__updated_at"),
        witness=Max("witness__updated_at"),
        links=Sum("link_version"),
    )
    changes = [stats[key] for key in ("booking", "hearing", "court", "suite", "witness")]
    parts = [
        FEED_FORMAT_VERSION,
        token.scope,
        str(token.object_id),
        calendar_name(token),
        window.today.isoformat(),
        str(settings.FEED_DAYS_BACK),
        str(settings.FEED_DAYS_AHEAD),
        str(settings.FEED_CANCELLED_DAYS),
        settings.ICAL_UID_DOMAIN,
        str(stats["count"]),
        str(stats["links"] or 0),
        *(moment.isoformat() if moment else "-" for moment in changes),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    # The window moves at midnight, so the feed is never older than today's start.
    last_modified = max([_london_midnight(window.today), *(m for m in changes if m)])
    return FeedVersion(etag=f'"{digest}"', last_modified=last_modified, count=stats["count"])


# --- The events, written for who reads them ---------------------------------------------------


def _initials(booking: Booking) -> str:
    # A court's feed names the witness as a court user's screens do.
    return visibility.witness_label(Role.COURT_USER, booking.witness)


def event_text(booking: Booking, scope: str) -> tuple[str, str, str | None]:
    """(summary, description, location) for one audience.

    A court sees the case, courtroom, witness type and initials, and the suite; a suite sees
    the booking, the court and the times; an officer sees when, where and which court. A court
    and a suite also see the live link (never an officer: it is not theirs to dial). No phone
    number, email address or full name, ever. A confidential suite's address is never given;
    nor, to a court, is any suite's address."""
    hearing, suite, court = booking.hearing, booking.suite, booking.hearing.court
    courtroom = f", {hearing.courtroom}" if hearing.courtroom else ""
    witness_type = booking.witness.get_witness_type_display().lower()
    cancelled = booking.status == BookingStatus.CANCELLED
    start, end = local(booking.starts_at), local(booking.ends_at)

    if scope == FeedScope.COURT:
        summary = (
            f"Video-link witness {_initials(booking)} ({witness_type}): {hearing.case_reference}"
        )
        lines = [
            f"Case reference (URN): {hearing.case_reference}.",
            f"Hearing: {hearing.get_hearing_type_display()}{courtroom}.",
            f"Witness: {witness_type}, initials {_initials(booking)}.",
            f"Gives evidence from: {suite.name}.",
            f"Booking reference: {booking.reference}.",
        ]
        if not cancelled:
            lines += video_link_lines(booking)
        if cancelled:
            lines.insert(0, "Cancelled: this witness will not give evidence by video link.")
    elif scope == FeedScope.SUITE:
        summary = f"Video link {booking.reference}: {court.name}"
        occupied_from, occupied_until = local(booking.occupied_from), local(booking.occupied_until)
        lines = [
            f"Booking {booking.reference} at {suite.name}.",
            f"Court: {court.name}{courtroom}.",
            f"Witness in the suite {start:%H:%M}–{end:%H:%M}; the room is kept from "
            f"{occupied_from:%H:%M} to {occupied_until:%H:%M} for set-up and turnaround.",
        ]
        if not cancelled:
            lines += video_link_lines(booking)
        if cancelled:
            lines.insert(0, "Cancelled: the suite is not needed for this booking.")
    else:
        summary = f"Give evidence by video link at {suite.name}"
        arrive = local(booking.arrive_by)
        lines = [
            f"Arrive at {suite.name} by {arrive:%H:%M} on {start:%A %d %B %Y}.",
            f"You will give evidence to {court.name}{courtroom}, {start:%H:%M}–{end:%H:%M}.",
            f"Case reference (URN): {hearing.case_reference}.",
        ]
        if suite.location_confidential:
            lines.append(WHERE_TO_GO_SEPARATELY)
        lines.append(f"Booking reference: {booking.reference}.")
        if cancelled:
            lines.insert(0, "This booking is cancelled: you are not needed.")
    if cancelled:
        summary = f"Cancelled: {summary}"
    if suite.location_confidential:
        location = None
    elif scope == FeedScope.COURT:
        location = suite.name
    else:
        location = shareable_location(suite)
    return summary, "\n".join(lines), location


def feed_calendar(*, token: FeedToken, window: FeedWindow) -> bytes:
    """The feed's .ics body. Byte-for-byte the same while its ETag is (DTSTAMP is the booking's
    last change, as RFC 5545 asks of a published calendar without METHOD, not the time now)."""
    calendar = new_calendar(name=calendar_name(token))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # REFRESH-INTERVAL is the standard hint (RFC 7986); Outlook reads X-PUBLISHED-TTL instead.
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH_INTERVAL))
    for booking in feed_events(token=token, window=window):
        summary, description, location = event_text(booking, token.scope)
        event = booking_event(
            booking,
            summary=summary,
            description=description,
            location=location,
            stamp=booking.updated_at,
            # Rises with a new court link too, and never falls below an invite's (notice
            # version + link version) for the same event.
            sequence=booking.version + booking.link_version,
        )
        if token.scope in LINK_SCOPES and booking.status != BookingStatus.CANCELLED:
            add_video_link(event, booking)
        calendar.add_component(event)
    return calendar.to_ical()
