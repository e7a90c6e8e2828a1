"""Retention: one sweep over the inventory of personal data in docs/privacy.md.

A witness's personal data is kept no longer than needed (DPA 2018 Part 3). Each night (and on
`manage.py retention`) the witnesses that are due are anonymised, and with them every copy of
their details the inventory lists: their bookings' free text, the history of those bookings,
the messages sent to them and the texts they sent, their page links, their calendar feeds, the
Django admin's change log and the audit log. Bookings, outcomes, history entries and message
statuses stay, so reports and delivery figures stay true.

Who is due:
- a witness who was booked: RETENTION_DAYS after their last booking ended (today's rule);
- a witness never booked: RETENTION_UNBOOKED_DAYS after they were created or last changed.

The first recorded run also tidies, once, the witnesses anonymised before this sweep existed
(their name and numbers are gone already, so only what is cleared whole is cleared for them).

`retention_plan` says what a run would change, counted per inventory row, and changes nothing;
`retention_sweep` does it, in one transaction, and records a RetentionRun with the same counts
(admins read the last one in the Django admin). What is erased of each witness, and how their
details are found in free text, is bookings.erasure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .erasure import witness_erase
from .models import Booking, Hearing, RetentionRun, Witness

#: The inventory's rows as a run counts them, in the words `manage.py retention` and the admin
#: use. The keys are stored in RetentionRun.counts: add rows, never rename one.
ROWS: dict[str, str] = {
    "witnesses_booked": "witnesses whose last booking ended over {RETENTION_DAYS} days ago: "
    "name, collar number, phone and email blanked",
    "witnesses_unbooked": "witnesses never booked and unchanged for over "
    "{RETENTION_UNBOOKED_DAYS} days: name, collar number, phone and email blanked",
    "witnesses_earlier": "witnesses anonymised before this sweep existed, tidied once",
    "bookings": "bookings: staff notes, interpreter language and stand-down reasons cleared "
    "(other witnesses' bookings on the same hearings: the name taken out)",
    "history": "booking history entries: free text rewritten to (anonymised), entries kept",
    "hearings": "hearings whose vacated reason named a witness: the name taken out",
    "attention_flags": "attention flags whose detail named a witness: the name taken out",
    "messages": "messages: the number or address, the provider's error text and anything "
    "personal in what was sent",
    "inbound_texts": "texts witnesses sent us: number and words removed",
    "witness_links": "links to witnesses' booking pages deleted",
    "feeds": "officers' calendar feeds revoked and their labels cleared",
    "unavailability": "witnesses' dates to avoid (leave, rest days, shifts) deleted",
    "admin_log": "Django admin change-log entries no longer naming a witness",
    "audit_log": "audit log entries blanked of witnesses' personal data",
}


@dataclass
class RetentionPlan:
    """What a run changes (or would), counted per inventory row."""

    at: datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROWS, 0))
    run: RetentionRun | None = None

    @property
    def witnesses(self) -> int:
        """Witnesses anonymised by this run (not counting the once-only tidy of earlier ones)."""
        return self.counts["witnesses_booked"] + self.counts["witnesses_unbooked"]

    def lines(self) -> list[str]:
        """One line per inventory row, in plain words."""
        return counts_in_words(self.counts)


def counts_in_words(counts: dict[str, int]) -> list[str]:
    periods = {
        "RETENTION_DAYS": settings.RETENTION_DAYS,
        "RETENTION_UNBOOKED_DAYS": settings.RETENTION_UNBOOKED_DAYS,
    }
    return [f"{counts.get(key, 0):>6}  {words.format(**periods)}" for key, words in ROWS.items()]


# --- Who is due -------------------------------------------------------------------------------


def _due(now: datetime) -> models.QuerySet[Witness]:
    booked_cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    unbooked_cutoff = now - timedelta(days=settings.RETENTION_UNBOOKED_DAYS)
    booked = Exists(Booking.objects.filter(witness=OuterRef("pk")))
    recent_or_future = Exists(
        Booking.objects.filter(witness=OuterRef("pk"), ends_at__gte=booked_cutoff)
    )
    return (
        Witness.objects.filter(anonymised_at__isnull=True)
        .annotate(was_booked=booked)
        .filter(Q(booked & ~recent_or_future) | Q(~booked, updated_at__lt=unbooked_cutoff))
    )


def _earlier() -> models.QuerySet[Witness]:
    """Witnesses anonymised before the first recorded run: the old job left their feeds live
    and their stand-down reasons and the admin log as they were."""
    if RetentionRun.objects.exists():
        return Witness.objects.none()
    return Witness.objects.filter(anonymised_at__isnull=False)


# --- The sweep ----------------------------------------------------------------------------------


def retention_plan(*, now: datetime | None = None) -> RetentionPlan:
    """What a retention run now would change, per inventory row. Changes nothing."""
    return _run(now=now or timezone.now(), write=False, via="")


def retention_sweep(
    *, now: datetime | None = None, dry_run: bool = False, via: str = "daily job"
) -> RetentionPlan:
    """Anonymise every witness who is due, with every copy of their details the inventory
    (docs/privacy.md) lists, in one transaction, and record the run and its counts for admins.
    With `dry_run`, only say what it would change."""
    now = now or timezone.now()
    if dry_run:
        return retention_plan(now=now)
    return _run(now=now, write=True, via=via)


@transaction.atomic
def _run(*, now: datetime, write: bool, via: str) -> RetentionPlan:
    plan = RetentionPlan(at=now, dry_run=not write)
    due, earlier = _due(now), _earlier()
    if write:
        # The lock order (bookings.services, before _lock_suites_and_witnesses): hearings
        # first, then witnesses, lowest id first. The sweep rewrites the hearings' vacated
        # reasons and their other bookings, so it takes theirs before the witnesses', as a
        # booking write or a vacate does; then it reads who is due again, under the locks (a
        # booking made a moment ago keeps its witness).
        candidates = list(due.values_list("pk", flat=True)) + list(
            earlier.values_list("pk", flat=True)
        )
        list(
            Hearing.objects.select_for_update(no_key=True)
            .filter(pk__in=Booking.objects.filter(witness_id__in=candidates).values("hearing"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        list(
            Witness.objects.select_for_update(no_key=True)
            .filter(pk__in=candidates)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        due, earlier = due.filter(pk__in=candidates), earlier.filter(pk__in=candidates)
    counts: Counter = Counter()
    for witness in due.order_by("pk"):
        counts["witnesses_booked" if witness.was_booked else "witnesses_unbooked"] += 1
        counts.update(witness_erase(witness, now=now, write=write, earlier=False))
    for witness in earlier.order_by("pk"):
        # Only those the old job left something of: the rest are not touched (nor is a second
        # erasure recorded for them in the audit log).
        left = witness_erase(witness, now=now, write=False, earlier=True)
        if any(left[key] for key in left if key != "audit_log"):
            counts["witnesses_earlier"] += 1
            counts.update(
                witness_erase(witness, now=now, write=write, earlier=True) if write else left
            )
    plan.counts.update(counts)
    if write:
        plan.run = RetentionRun.objects.create(at=now, via=via[:40], counts=plan.counts)
    return plan
