"""Staff pages: hearings. Court lists by court and day, a hearing and its bookings, and the two
things courts do to a hearing: vacate it (witnesses stood down) or relist it (bookings follow).

Who may change a hearing is one rule, `bookings.rules.hearing_change_refusal`, the API's too:
court users their own court's hearings, admins any; schedulers a hearing only while every
active booking on it is their force's (otherwise a 409 page saying to ask the court); suite
managers only read. The service asks it again with the hearing locked, so a booking of another
force made while the form was open is still caught."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.permissions import has_role, is_admin
from bookings import rules, selectors, services
from bookings.models import (
    OPEN_STATUSES,
    AttentionKind,
    BookingStatus,
    Hearing,
    HearingStatus,
)
from core.clock import local
from core.errors import Conflict, DomainError
from evidence_suites import selectors as suite_selectors

from ..forms.errors import ErrorLink, error_links
from ..forms.hearings import HearingFilter, RelistForm, VacateForm

HEARINGS_PER_PAGE = 50


def _change_refusal(user, hearing: Hearing) -> Conflict | None:
    """Why the user may not vacate or relist this hearing (a 409 page), or None when they may.
    A role that never may (a suite manager) is a 403, as in the API."""
    refusal = rules.hearing_change_refusal(user=user, hearing=hearing)
    if refusal is not None and not isinstance(refusal, Conflict):
        raise PermissionDenied(refusal.detail)
    return refusal


def _refused(request, template: str, context: dict, refusal: DomainError, *, anchor: str):
    """The form's page with the refusal in the error summary, linking to `anchor`, and the
    refusal's status. When the user may not change this hearing at all, no form: there is
    nothing to correct, and the summary's link leads to the page itself."""
    shared = refusal.code == "hearing_shared"
    link = ErrorLink(refusal.detail, "#main-content" if shared else f"#{anchor}")
    return render(
        request,
        template,
        {**context, "errors": [link, *error_links(context["form"])], "refused": shared},
        status=refusal.status_code,
    )


def _references(bookings) -> str:
    return ", ".join(booking.reference for booking in bookings)


def _is_court_user(user) -> bool:
    return user.role == Role.COURT_USER and not is_admin(user)


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def with_booking_counts(hearings, *, user):
    """Each hearing's witnesses still booked (not cancelled) that the user may see, counted in
    the same query as the hearings."""
    booked = (
        selectors.booking_list(user=user)
        .filter(hearing=OuterRef("pk"))
        .exclude(status=BookingStatus.CANCELLED)
        .order_by()
        .values("hearing")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return hearings.annotate(
        booked=Coalesce(Subquery(booked, output_field=IntegerField()), Value(0))
    )


# --- The list ---------------------------------------------------------------------------------


@login_required
def hearing_list(request):
    user = request.user
    courts = selectors.court_list(user=user)
    if _is_court_user(user):
        courts = courts.filter(pk=user.court_id)
    today = local(timezone.now()).date()
    filters = HearingFilter(
        request.GET, selectors.hearing_list(user=user), courts=courts, today=today
    )
    day = filters.day
    hearings = with_booking_counts(filters.qs, user=user).order_by("starts_at", "court__name", "id")
    page = Paginator(hearings, HEARINGS_PER_PAGE).get_page(request.GET.get("page"))
    # On the page, each day lists its courts, and each court its hearings by time.
    rows = sorted(
        page.object_list,
        key=lambda h: (local(h.starts_at).date(), h.court.name, h.starts_at, h.pk),
    )
    days: list[dict] = []
    for hearing in rows:
        on = local(hearing.starts_at).date()
        if not days or days[-1]["date"] != on:
            days.append({"date": on, "courts": []})
        courts = days[-1]["courts"]
        if not courts or courts[-1]["court"] != hearing.court:
            courts.append({"court": hearing.court, "hearings": []})
        courts[-1]["hearings"].append(hearing)
    return render(
        request,
        "web/hearings.html",
        {
            "form": filters.form,
            "errors": error_links(filters.form),
            "show_court_filter": not _is_court_user(user),
            "page": page,
            "days": days,
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1) if day else None,
            "next_day": day + timedelta(days=1) if day else None,
        },
    )


# --- A hearing --------------------------------------------------------------------------------


def _flagged_with_suggestions(bookings) -> list[dict]:
    """The bookings that could not follow a relisted hearing, with the suites suggested for
    the new time (one query for all their names)."""
    flagged = [
        (booking, flag)
        for booking in bookings
        for flag in booking.flags.all()
        if flag.kind == AttentionKind.RELIST_CONFLICT
    ]
    wanted = {pk for _, flag in flagged for pk in flag.data.get("suggested_suites", [])}
    names = {}
    if wanted:
        names = dict(
            suite_selectors.suite_list()
            .prefetch_related(None)
            .filter(pk__in=wanted)
            .values_list("pk", "name")
        )
    return [
        {
            "booking": booking,
            "flag": flag,
            "suggested": [names[pk] for pk in flag.data.get("suggested_suites", []) if pk in names],
        }
        for booking, flag in flagged
    ]


def _book_url(hearing: Hearing, user) -> str | None:
    """The booking helper's page, when it exists and the user books witnesses."""
    if hearing.status != HearingStatus.LISTED or not has_role(user, Role.SCHEDULER):
        return None
    try:
        return f"{reverse('web:book')}?hearing={hearing.pk}"
    except NoReverseMatch:
        return None


@login_required
def hearing_page(request, pk: int):
    user = request.user
    hearing = get_object_or_404(selectors.hearing_list(user=user), pk=pk)
    bookings = list(
        selectors.with_open_flags(
            selectors.booking_list(user=user).filter(hearing=hearing)
        ).order_by("starts_at", "witness__full_name", "id")
    )
    try:
        refusal = _change_refusal(user, hearing)
    except PermissionDenied:
        may_change, refusal = False, None
    else:
        may_change = refusal is None
    return render(
        request,
        "web/hearing.html",
        {
            "hearing": hearing,
            "bookings": bookings,
            "flagged": _flagged_with_suggestions(bookings),
            "may_change": may_change,
            "change_refusal": refusal,
            "book_url": _book_url(hearing, user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_vacate(request, pk: int):
    user = request.user
    hearing = get_object_or_404(selectors.hearing_list(user=user), pk=pk)
    refusal = _change_refusal(user, hearing)
    if hearing.status != HearingStatus.LISTED and request.method == "GET":
        return redirect("web:hearing", pk=hearing.pk)
    to_stand_down = hearing.bookings.filter(status__in=OPEN_STATUSES).count()
    form = VacateForm(request.POST if request.method == "POST" else None)
    context = {"hearing": hearing, "form": form, "to_stand_down": to_stand_down}
    if refusal is not None:
        return _refused(request, "web/hearing_vacate.html", context, refusal, anchor="id_reason")
    if form.is_bound and form.is_valid():
        try:
            hearing = services.hearing_vacate(
                actor=user, hearing=hearing, reason=form.cleaned_data["reason"]
            )
        except DomainError as refusal:
            return _refused(
                request, "web/hearing_vacate.html", context, refusal, anchor="id_reason"
            )
        stood_down = list(
            selectors.booking_list(user=user)
            .filter(pk__in=hearing.affected_booking_ids)
            .order_by("starts_at", "reference")
        )
        outcome = f"{plural(len(stood_down), 'witness', 'witnesses')} stood down."
        if stood_down:
            outcome += f" Bookings stood down: {_references(stood_down)}."
        messages.success(request, f"Hearing vacated: {outcome}")
        return redirect("web:hearing", pk=hearing.pk)
    return render(request, "web/hearing_vacate.html", {**context, "errors": error_links(form)})


@login_required
@require_http_methods(["GET", "POST"])
def hearing_relist(request, pk: int):
    user = request.user
    hearing = get_object_or_404(selectors.hearing_list(user=user), pk=pk)
    refusal = _change_refusal(user, hearing)
    if request.method == "POST":
        form = RelistForm(request.POST)
    else:
        starts, ends = local(hearing.starts_at), local(hearing.ends_at)
        form = RelistForm(
            initial={
                "on": starts.date(),
                "starts_at_time": f"{starts:%H:%M}",
                "ends_at_time": f"{ends:%H:%M}",
            }
        )
    following = hearing.bookings.filter(status=BookingStatus.CONFIRMED).count()
    context = {"hearing": hearing, "form": form, "following": following}
    if refusal is not None:
        return _refused(request, "web/hearing_relist.html", context, refusal, anchor="id_on_day")
    if form.is_bound and form.is_valid():
        try:
            hearing = services.hearing_relist(
                actor=user,
                hearing=hearing,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
        except DomainError as refusal:
            return _refused(
                request, "web/hearing_relist.html", context, refusal, anchor="id_on_day"
            )
        messages.success(request, _relist_outcome(user, hearing))
        return redirect("web:hearing", pk=hearing.pk)
    return render(request, "web/hearing_relist.html", {**context, "errors": error_links(form)})


def _relist_outcome(user, hearing: Hearing) -> str:
    """What the relist did, booking by booking: which moved with it, which need attention."""
    affected = list(
        selectors.with_open_flags(
            selectors.booking_list(user=user).filter(pk__in=hearing.affected_booking_ids)
        ).order_by("starts_at", "reference")
    )
    stuck = [
        b for b in affected if any(f.kind == AttentionKind.RELIST_CONFLICT for f in b.flags.all())
    ]
    moved = [b for b in affected if b not in stuck]
    when = dateformat.format(local(hearing.starts_at), "l j F Y, H:i")
    if not affected:
        return f"Hearing relisted for {when}. It had no bookings to move."
    outcome = (
        f"{plural(len(moved), 'booking', 'bookings')} moved with it; "
        f"{len(stuck)} {'needs' if len(stuck) == 1 else 'need'} attention."
    )
    if moved:
        outcome += f" Moved: {_references(moved)}."
    if stuck:
        outcome += f" Needs attention: {_references(stuck)}."
    return f"Hearing relisted for {when}. {outcome}"


urlpatterns = [
    path("hearings/", hearing_list, name="hearings"),
    path("hearings/<int:pk>/", hearing_page, name="hearing"),
    path("hearings/<int:pk>/vacate/", hearing_vacate, name="hearing-vacate"),
    path("hearings/<int:pk>/relist/", hearing_relist, name="hearing-relist"),
]
