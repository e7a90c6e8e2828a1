"""Staff pages: a court's list changes. Each difference a published list found between itself
and the service's hearings (a new hearing, one moved, one no longer in the list), the bookings
and witnesses it affects, and the decision: apply it (the same create, relist or vacate as the
hearing pages, so bookings follow and witnesses are texted) or dismiss it (nothing changes).

Who may decide a change is one rule, `court_lists.rules.change_decision_refusal`, the API's
too: admins and the court's own users any change, schedulers one whose bookings are all their
force's (else a 409 saying to ask the court); the service asks it again with the hearing
locked. What a witness is called on the page is bookings.visibility's to say: their name to the
police, their type and initials to a court."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import may
from bookings import selectors, states
from bookings.models import OPEN_STATUSES, AttentionKind, Booking, Court
from core.errors import DomainError
from court_lists import selectors as list_selectors
from court_lists import services as list_services
from court_lists.models import ChangeKind, ChangeState, ListChange
from court_lists.rules import change_decision_refusal
from notifications.opt_outs import will_be_texted

from ..forms.errors import ErrorLink
from ..history import when
from .court_lists import source_words, visible_court
from .hearings import plural

CHANGES_PER_PAGE = 25

#: What each kind of change is called on the pages.
KIND_WORDS = {
    ChangeKind.ADDED: "New hearing",
    ChangeKind.MOVED: "Moved",
    ChangeKind.MISSING: "Not in the latest list",
}


def slot_words(slot: dict | None) -> str | None:
    """A change's slot as people read it: "Wednesday 24 March 2027, 10:30, Court 3" (London)."""
    if not slot:
        return None
    starts_at = when(datetime.fromisoformat(slot["starts_at"]))
    return f"{starts_at}, {slot['courtroom']}" if slot.get("courtroom") else starts_at


def _changes(user, court: Court):
    """The court's changes the user sees: those waiting first (by day and case), then those
    decided, the latest decision first."""
    waiting_first = Case(When(state=ChangeState.PROPOSED, then=Value(0)), default=Value(1))
    return (
        list_selectors.list_change_list(user=user)
        .filter(court_list__court=court)
        .select_related("court_list", "hearing", "decided_by", "superseded_by")
        .annotate(waiting_first=waiting_first)
        .order_by(
            "waiting_first", "-decided_at", "court_list__content_date", "case_reference", "id"
        )
    )


def affected_bookings(user, changes) -> dict[int, list[Booking]]:
    """Each change's bookings that the user may see: for a change waiting, its hearing's open
    bookings (a vacate stands them down or releases them, a move takes them along); for one
    applied, those it moved or stood down; for one dismissed, none. Two queries in all."""
    waiting = {c.hearing_id for c in changes if c.state == ChangeState.PROPOSED and c.hearing_id}
    applied = {pk for c in changes if c.state == ChangeState.APPLIED for pk in c.booking_ids}
    found = list(
        selectors.booking_list(user=user)
        .filter(Q(hearing_id__in=waiting, status__in=OPEN_STATUSES) | Q(pk__in=applied))
        .order_by("starts_at", "reference")
    )
    by_hearing, by_pk = defaultdict(list), {}
    for booking in found:
        by_pk[booking.pk] = booking
        if booking.status in OPEN_STATUSES:
            by_hearing[booking.hearing_id].append(booking)
    affected = {}
    for change in changes:
        if change.state == ChangeState.PROPOSED:
            affected[change.pk] = by_hearing.get(change.hearing_id, []) if change.hearing_id else []
        elif change.state == ChangeState.APPLIED:
            affected[change.pk] = [by_pk[pk] for pk in change.booking_ids if pk in by_pk]
        else:
            affected[change.pk] = []
    return affected


def decision_words(change: ListChange) -> str:
    """Who decided the change and how, or that it waits."""
    if change.state == ChangeState.PROPOSED:
        return "Waiting for a decision"
    at = when(change.decided_at)
    if change.state == ChangeState.APPLIED:
        if change.decided_by is None:
            return f"Applied at once, as the court's policy says, on {at}"
        return f"Applied by {change.decided_by.get_username()} on {at}"
    if change.superseded_by is not None:
        published = when(change.superseded_by.published_at)
        return f"Replaced by the court's list published {published}, on {at}"
    by = change.decided_by.get_username() if change.decided_by else "the service"
    return f"Dismissed by {by} on {at}"


def change_row(user, change: ListChange, court: Court, bookings: list[Booking]) -> dict:
    """What the page shows of a change, and whether the user may decide it (and if not, why)."""
    waiting = change.state == ChangeState.PROPOSED
    refusal = (
        change_decision_refusal(user=user, change=change, court=court, hearing=change.hearing)
        if waiting
        else None
    )
    return {
        "change": change,
        "kind": KIND_WORDS[ChangeKind(change.kind)],
        "hearing_type": (
            change.get_hearing_type_display()
            if change.hearing_type or change.hearing is None
            else change.hearing.get_hearing_type_display()
        ),
        "before": slot_words(change.before),
        "after": slot_words(change.after),
        "source": source_words(change.court_list.provenance),
        "bookings": bookings,
        "decision": decision_words(change),
        "waiting": waiting,
        "may_decide": waiting and refusal is None,
        "refusal": refusal,
        # Applying it stands witnesses down or moves them: check the answers first.
        "check_first": bool(bookings),
    }


def _render_changes(request, court: Court, *, errors=(), status: int = 200):
    user = request.user
    page = Paginator(_changes(user, court), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    changes = list(page.object_list)
    affected = affected_bookings(user, changes)
    rows = [change_row(user, change, court, affected[change.pk]) for change in changes]
    return render(
        request,
        "web/court_list_changes.html",
        {
            "court": court,
            "page": page,
            "waiting": [row for row in rows if row["waiting"]],
            "decided": [row for row in rows if not row["waiting"]],
            "errors": list(errors),
        },
        status=status,
    )


@login_required
@require_safe
def change_list(request, pk: int):
    """The court's list changes: those waiting for a decision first, then those decided."""
    return _render_changes(request, visible_court(request, pk))


def _refused(request, court: Court, change: ListChange, refusal: DomainError):
    """The changes page with the refusal in the error summary, linking to the change."""
    link = ErrorLink(refusal.detail, f"#change-{change.pk}")
    return _render_changes(request, court, errors=[link], status=refusal.status_code)


def _changes_url(court: Court, change: ListChange | None = None) -> str:
    url = reverse("web:court-list-changes", args=[court.pk])
    return f"{url}#change-{change.pk}" if change else url


# --- Apply: check the answers first when witnesses are stood down or moved ----------------------


def what_applying_does(change: ListChange, bookings: list[Booking]) -> list[str]:
    """What applying the change will do to its bookings, and how many witnesses get a text
    (those with a number that has not replied STOP: notifications.opt_outs)."""
    if change.kind == ChangeKind.ADDED:
        return ["A new hearing will be listed. It has no bookings yet."]
    if not bookings:
        return ["No witnesses are booked, so no one is moved or stood down."]
    if change.kind == ChangeKind.MISSING:
        stood_down = [b for b in bookings if states.may(b.status, "cancel")]
        released = [b for b in bookings if b not in stood_down]
        texted = sum(1 for b in stood_down if will_be_texted(b.witness))
        lines = ["The hearing will be vacated."]
        if stood_down:
            lines.append(
                f"{plural(len(stood_down), 'witness', 'witnesses')} will be stood down: "
                f"{'their booking is' if len(stood_down) == 1 else 'their bookings are'} "
                f"cancelled."
            )
        if released:
            lines.append(
                f"{plural(len(released), 'witness', 'witnesses')} already in a suite will be "
                "released as not required."
            )
        lines.append(f"{plural(texted, 'witness', 'witnesses')} will be texted.")
        return lines
    moving = [b for b in bookings if states.may(b.status, "reschedule")]
    texted = sum(1 for b in moving if will_be_texted(b.witness))
    return [
        f"{plural(len(moving), 'booking', 'bookings')} will move with the hearing where "
        "the suite is free at the new time; any other is flagged for you to move.",
        f"{plural(texted, 'witness', 'witnesses')} will be texted the new time.",
    ]


def applied_words(user, change: ListChange) -> str:
    """What applying did, for the banner on the changes page."""
    hearing = change.hearing
    if change.kind == ChangeKind.ADDED:
        listed = slot_words(change.after)
        return f"Change applied: hearing {change.case_reference} listed for {listed}."
    moved = list(
        selectors.with_open_flags(
            selectors.booking_list(user=user).filter(pk__in=change.booking_ids)
        ).order_by("starts_at", "reference")
    )
    references = ", ".join(b.reference for b in moved)
    if change.kind == ChangeKind.MISSING:
        outcome = f"{plural(len(moved), 'witness', 'witnesses')} stood down"
        outcome += f" ({references})." if moved else "."
        return f"Change applied: hearing {hearing.case_reference} vacated. {outcome}"
    stuck = [
        b for b in moved if any(f.kind == AttentionKind.RELIST_CONFLICT for f in b.flags.all())
    ]
    outcome = (
        f"{plural(len(moved) - len(stuck), 'booking', 'bookings')} moved with it; "
        f"{len(stuck)} {'needs' if len(stuck) == 1 else 'need'} attention."
    )
    return (
        f"Change applied: hearing {hearing.case_reference} moved to "
        f"{slot_words(change.after)}. {outcome}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_apply(request, pk: int, change_pk: int):
    """GET: check the answers (what applying does, who is texted); POST: apply it."""
    court = visible_court(request, pk)
    change = get_object_or_404(_changes(request.user, court), pk=change_pk)
    if request.method == "POST":
        try:
            change = list_services.change_apply(change=change, actor=request.user)
        except DomainError as refusal:
            return _refused(request, court, change, refusal)
        messages.success(request, applied_words(request.user, change))
        return redirect(_changes_url(court))
    if change.state != ChangeState.PROPOSED:
        return redirect(_changes_url(court, change))
    bookings = affected_bookings(request.user, [change])[change.pk]
    row = change_row(request.user, change, court, bookings)
    refusal = row["refusal"]
    return render(
        request,
        "web/court_list_change_apply.html",
        {
            "court": court,
            "row": row,
            "effects": what_applying_does(change, bookings),
            "errors": [ErrorLink(refusal.detail, "#main-content")] if refusal else [],
        },
        status=refusal.status_code if refusal else 200,
    )


@login_required
@require_POST
def change_dismiss(request, pk: int, change_pk: int):
    """Dismiss the change: it is not followed, and nothing else changes."""
    court = visible_court(request, pk)
    change = get_object_or_404(_changes(request.user, court), pk=change_pk)
    try:
        change = list_services.change_dismiss(change=change, actor=request.user)
    except DomainError as refusal:
        return _refused(request, court, change, refusal)
    messages.success(
        request,
        f"Change dismissed: {KIND_WORDS[ChangeKind(change.kind)].lower()}, "
        f"{change.case_reference}. Nothing else changed.",
    )
    return redirect(_changes_url(court))


# --- For the Today page's attention list ------------------------------------------------------


def changes_waiting_for(user) -> list[dict]:
    """The list changes waiting for a decision that would move or stand down bookings the
    user sees, with how many, for the attention list (one query)."""
    if not may(user, "follow_court_lists"):
        return []
    booked = (
        selectors.booking_list(user=user)
        .filter(hearing=OuterRef("hearing_id"), status__in=OPEN_STATUSES)
        .order_by()
        .values("hearing")
        .annotate(total=Count("pk"))
        .values("total")
    )
    changes = (
        list_selectors.list_change_list(user=user)
        .filter(state=ChangeState.PROPOSED, hearing__isnull=False)
        .annotate(booked=Subquery(booked, output_field=IntegerField()))
        .filter(booked__gt=0)
        .select_related("court_list__court")
        .order_by("court_list__content_date", "case_reference", "id")
    )
    items = []
    for change in changes:
        before, after = slot_words(change.before), slot_words(change.after)
        where = f"{before} to {after}" if after else f"Was {before}"
        items.append(
            {
                "change": change,
                "court": change.court_list.court,
                "kind": KIND_WORDS[ChangeKind(change.kind)],
                "detail": f"{where}; {plural(change.booked, 'witness', 'witnesses')} booked.",
                "url": _changes_url(change.court_list.court, change),
            }
        )
    return items


urlpatterns = [
    path("court-lists/<int:pk>/changes/", change_list, name="court-list-changes"),
    path(
        "court-lists/<int:pk>/changes/<int:change_pk>/apply/",
        change_apply,
        name="court-list-change-apply",
    ),
    path(
        "court-lists/<int:pk>/changes/<int:change_pk>/dismiss/",
        change_dismiss,
        name="court-list-change-dismiss",
    ),
]
