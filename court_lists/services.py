"""Reading a court's published list, and deciding the changes it brings: one function per use
case.

Lock order: a list read, and a person deciding one of its changes, first lock the court's day
(`CourtListDay`), then the hearings, then what the hearing services lock after a hearing (the
suites and witnesses of its bookings). Lists for one court and day are therefore read one at a
time, and a decision never interleaves with a read of the same day.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings import services as bookings_services
from bookings.models import (
    Booking,
    Court,
    Hearing,
    HearingStatus,
    HistoryAction,
)
from core.clock import at_london, local
from core.errors import Conflict, DomainError

from .compare import Change, KnownHearing, Slot, compare
from .models import (
    ChangeKind,
    ChangeState,
    CourtList,
    CourtListDay,
    ListChange,
    ListLanguage,
    ReadOutcome,
)
from .readers import ReadList, reader_for
from .rules import applies_at_once, change_decision_refusal, metadata_faults

logger = logging.getLogger(__name__)

#: How a source system (`x-provenance`) is named in a booking's history; others as sent.
PROVENANCE_WORDS = {
    "COMMON_PLATFORM": "Common Platform",
    "SNL": "SNL",
    "MANUAL_UPLOAD": "manual upload",
}


def court_list_read(
    *,
    court: Court,
    list_type: str,
    content_date: date,
    document: Any,
    language: str = ListLanguage.ENGLISH,
    provenance: str,
    sensitivity: str,
    received_at: datetime | None = None,
) -> CourtList:
    """Read one version of a court's list for a day, and follow it.

    All or nothing: a document that breaks its format is refused (`ListFormatError`, each
    fault by path) and changes nothing; a read that fails half-way leaves nothing behind.

    A list's versions are those of one court's day, whatever their type or language (each
    describes the same hearings), and a version's time is its own publication time
    (`document.publicationDate`). A list published before one already read for that court and
    day is `superseded` and changes nothing. One that lists the same as the newest read (the
    same digest: it may differ in what the service does not keep), or whose every hearing the
    service already has as listed, is `unchanged`. Otherwise its changes (`compare`) take the
    place of any an earlier list of the day still proposes and, under the court's policy,
    either wait for staff (`proposed`) or are applied at once by the system (`applied`): the
    same hearing create, relist and vacate as the hearing endpoints, so bookings follow and
    witnesses are texted, and each booking moved or stood down has the list named in its
    history.
    """
    faults = metadata_faults(language=language, provenance=provenance, sensitivity=sensitivity)
    if faults:
        raise DomainError(
            "invalid_list_metadata", "The list's metadata is not valid.", fields=faults
        )
    # Parsed and checked before the transaction: a large list holds no lock while it is read.
    content = reader_for(list_type).read(document, content_date=content_date)
    court_list = _court_list_record(
        court=court,
        content=content,
        content_date=content_date,
        language=language,
        provenance=provenance,
        sensitivity=sensitivity,
        received_at=received_at or timezone.now(),
    )
    # Metadata and counts only: nothing a list says about a party reaches a log.
    logger.info(
        "Court list read: court %s, %s for %s published %s: %s, %s change(s)",
        court.pk,
        list_type,
        content_date.isoformat(),
        content.published_at.isoformat(),
        court_list.outcome,
        court_list.changes.count(),
    )
    return court_list


@transaction.atomic
def _court_list_record(
    *,
    court: Court,
    content: ReadList,
    content_date: date,
    language: str,
    provenance: str,
    sensitivity: str,
    received_at: datetime,
) -> CourtList:
    _lock_day(court, content_date)
    newest = (
        CourtList.objects.filter(court=court, content_date=content_date)
        .exclude(outcome=ReadOutcome.SUPERSEDED)
        .order_by("-published_at", "-id")
        .first()
    )
    changes: list[Change] | None = None  # None: not compared
    if newest is not None and content.published_at < newest.published_at:
        outcome = ReadOutcome.SUPERSEDED
    elif newest is not None and content.digest == newest.digest:
        outcome = ReadOutcome.UNCHANGED
    else:
        changes = compare(
            day=content_date,
            hearings=_hearings_to_compare(court, content_date, content),
            listings=_still_to_hear(court, content_date, content),
        )
        if not changes:
            outcome = ReadOutcome.UNCHANGED
        elif applies_at_once(
            court=court,
            listed=len(content.listings),
            kinds=[change.kind for change in changes],
        ):
            outcome = ReadOutcome.APPLIED
        else:
            outcome = ReadOutcome.PROPOSED
    court_list = CourtList.objects.create(
        court=court,
        list_type=content.list_type,
        content_date=content_date,
        language=language,
        provenance=provenance,
        sensitivity=sensitivity,
        published_at=content.published_at,
        document_version=content.version,
        digest=content.digest,
        received_at=received_at,
        outcome=outcome,
    )
    if changes is None:
        return court_list
    # Compared against the hearings as they are now: what an earlier list of the day still
    # proposes is out of date, and this list's changes take its place.
    ListChange.objects.filter(
        court_list__court=court,
        court_list__content_date=content_date,
        state=ChangeState.PROPOSED,
    ).exclude(court_list=court_list).update(
        state=ChangeState.DISMISSED, decided_at=timezone.now(), superseded_by=court_list
    )
    rows = ListChange.objects.bulk_create(
        ListChange(
            court_list=court_list,
            kind=change.kind,
            case_reference=change.case_reference,
            hearing_id=change.hearing_id,
            hearing_type=change.hearing_type,
            before=change.before.as_json() if change.before else None,
            after=change.after.as_json() if change.after else None,
            ends_at=change.ends_at if change.kind == ChangeKind.ADDED else None,
        )
        for change in changes
    )
    if outcome == ReadOutcome.APPLIED:
        for row in rows:
            _apply(row, court_list=court_list, actor=None)
    return court_list


@transaction.atomic
def change_apply(*, change: ListChange, actor: User | None) -> ListChange:
    """A person applies a proposed change: the same create, relist or vacate as the hearing
    endpoints, so bookings follow a move and witnesses of a vacated hearing are stood down.
    A change already decided is refused (409 `list_change_decided`); so is one the hearing
    has outgrown since the list was read (409 `list_change_out_of_date`), and one the actor
    may not decide (`change_decision_refusal`)."""
    change, court_list = _decidable(change, actor)
    return _apply(change, court_list=court_list, actor=actor)


@transaction.atomic
def change_dismiss(*, change: ListChange, actor: User | None) -> ListChange:
    """A person decides a proposed change is not to be followed: nothing else changes. Who may
    is `change_decision_refusal`'s to say, as for applying it."""
    change, _ = _decidable(change, actor)
    change.state = ChangeState.DISMISSED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["state", "decided_by", "decided_at"])
    return change


def list_words(court_list: CourtList) -> str:
    """The list as a booking's history names it: type, day, publication time and source."""
    source = PROVENANCE_WORDS.get(court_list.provenance, court_list.provenance)
    return (
        f"{court_list.get_list_type_display()} for {court_list.content_date:%a %d %b %Y}, "
        f"published {local(court_list.published_at):%a %d %b %Y %H:%M} ({source})"
    )


def vacate_reason(court_list: CourtList) -> str:
    """Why a hearing missing from a list is vacated, in the hearing's and its bookings' record."""
    source = PROVENANCE_WORDS.get(court_list.provenance, court_list.provenance)
    return (
        f"Not in the court's list published "
        f"{local(court_list.published_at):%d %b %Y %H:%M} ({source})"
    )


# --- Inside the read and the decisions --------------------------------------------------------


def _lock_day(court: Court | int, day: date) -> None:
    """Hold the court's day until this transaction ends: every read and decision for it
    waits here. On SQLite the write lock that BEGIN IMMEDIATE takes serialises them already."""
    court_id = court if isinstance(court, int) else court.pk
    CourtListDay.objects.select_for_update().get_or_create(court_id=court_id, day=day)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    return at_london(day, time.min), at_london(day + timedelta(days=1), time.min)


def _known(hearing: Hearing) -> KnownHearing:
    return KnownHearing(
        id=hearing.pk,
        case_reference=hearing.case_reference.strip().upper(),
        starts_at=hearing.starts_at,
        ends_at=hearing.ends_at,
        courtroom=hearing.courtroom,
    )


def _hearings_to_compare(court: Court, day: date, content: ReadList) -> list[KnownHearing]:
    """The court's listed hearings that day, locked, and for those the list no longer has, the
    hearings of the same URN on the days still to come (where such a hearing has moved to)."""
    starts, ends = _day_bounds(day)
    on_day = list(
        Hearing.objects.select_for_update()
        .filter(court=court, status=HearingStatus.LISTED, starts_at__gte=starts, starts_at__lt=ends)
        .order_by("pk")
    )
    gone = {h.case_reference for h in on_day} - {row.case_reference for row in content.listings}
    today, _ = _day_bounds(local(timezone.now()).date())
    elsewhere = (
        Hearing.objects.filter(
            court=court,
            status=HearingStatus.LISTED,
            case_reference__in=gone,
            starts_at__gte=today,
        )
        .exclude(starts_at__gte=starts, starts_at__lt=ends)
        .order_by("starts_at", "pk")
    )
    return [_known(h) for h in on_day] + [_known(h) for h in elsewhere]


def _still_to_hear(court: Court, day: date, content: ReadList) -> tuple:
    """The list's listings less those of hearings the service has as concluded that day: a
    list revised in the afternoon still shows the morning's trials, which are over, and is no
    reason to list them again."""
    starts, ends = _day_bounds(day)
    concluded = {
        reference.strip().upper()
        for reference in Hearing.objects.filter(
            court=court,
            status=HearingStatus.CONCLUDED,
            starts_at__gte=starts,
            starts_at__lt=ends,
        ).values_list("case_reference", flat=True)
    }
    return tuple(row for row in content.listings if row.case_reference not in concluded)


def _decidable(change: ListChange, actor: User | None) -> tuple[ListChange, CourtList]:
    court_list = CourtList.objects.select_related("court").get(pk=change.court_list_id)
    _lock_day(court_list.court_id, court_list.content_date)
    change = ListChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeState.PROPOSED:
        raise Conflict(
            "list_change_decided", f"This change was {change.get_state_display().lower()}."
        )
    # Locked, as the hearing rule asks: no other force's booking joins it before the decision.
    hearing = Hearing.objects.select_for_update().filter(pk=change.hearing_id).first()
    refusal = change_decision_refusal(
        user=actor, change=change, court=court_list.court, hearing=hearing
    )
    if refusal is not None:
        raise refusal
    return change, court_list


def _slot(json: dict[str, str]) -> Slot:
    return Slot(datetime.fromisoformat(json["starts_at"]), json["courtroom"])


def _out_of_date() -> Conflict:
    return Conflict(
        "list_change_out_of_date",
        "The hearing has changed since the list was read; the list's next version will say "
        "what to do.",
    )


def _apply(change: ListChange, *, court_list: CourtList, actor: User | None) -> ListChange:
    """Create, relist or vacate the change's hearing, and name the list in the history of every
    booking that moved or was stood down."""
    court = court_list.court
    if change.kind == ChangeKind.ADDED:
        starts, ends = _day_bounds(court_list.content_date)
        if Hearing.objects.filter(
            court=court,
            case_reference=change.case_reference,
            status=HearingStatus.LISTED,
            starts_at__gte=starts,
            starts_at__lt=ends,
        ).exists():
            raise _out_of_date()
        after = _slot(change.after)
        hearing = bookings_services.hearing_create(
            court=court,
            case_reference=change.case_reference,
            hearing_type=change.hearing_type,
            starts_at=after.starts_at,
            ends_at=change.ends_at,
            courtroom=after.courtroom,
        )
        affected: list[int] = []
    else:
        hearing = Hearing.objects.select_for_update().filter(pk=change.hearing_id).first()
        if (
            hearing is None
            or hearing.status != HearingStatus.LISTED
            or Slot(hearing.starts_at, hearing.courtroom) != _slot(change.before)
        ):
            raise _out_of_date()
        if change.kind == ChangeKind.MOVED:
            after = _slot(change.after)
            hearing = bookings_services.hearing_update(
                actor=actor,
                hearing=hearing,
                courtroom=after.courtroom,
                starts_at=after.starts_at,
                ends_at=after.starts_at + (hearing.ends_at - hearing.starts_at),  # its length
            )
        else:
            hearing = bookings_services.hearing_vacate(
                actor=actor, hearing=hearing, reason=vacate_reason(court_list)
            )
        affected = sorted(hearing.affected_booking_ids)
    bookings_services.booking_events_record(
        bookings=list(Booking.objects.filter(pk__in=affected).order_by("pk")),
        actor=actor,
        action=HistoryAction.COURT_LIST,
        changes={"court_list": (None, list_words(court_list))},
    )
    change.hearing = hearing
    change.state = ChangeState.APPLIED
    change.booking_ids = affected
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["hearing", "state", "booking_ids", "decided_by", "decided_at"])
    return change
