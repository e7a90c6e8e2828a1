"""Staff pages: hearings. Court lists by court and day, a hearing and its bookings, and the two
things courts do to a hearing: vacate it (witnesses stood down) or relist it (bookings follow).

Who may do what is the API's rule: court users see and change their own court's hearings;
schedulers and admins all of them; suite managers only read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

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
from bookings import selectors, services
from bookings.models import (
    OPEN_STATUSES,
    AttentionFlag,
    AttentionKind,
    BookingStatus,
    Hearing,
    HearingStatus,
)
from bookings.rules import LONDON, local
from config.errors import DomainError
from config.permissions import has_role, is_admin
from evidence_suites import selectors as suite_selectors

from ..forms_admin_pages import HearingFilterForm, RelistForm, VacateForm, date_initial

HEARINGS_PER_PAGE = 50


def may_change(user) -> bool:
    """Vacate and relist: schedulers, court users (their court's hearings are all they can
    open) and admins, as in the API."""
    return has_role(user, Role.SCHEDULER, Role.COURT_USER)


def _require_may_change(user) -> None:
    if not may_change(user):
        raise PermissionDenied("Your role cannot vacate or relist hearings.")


def _is_court_user(user) -> bool:
    return user.role == Role.COURT_USER and not is_admin(user)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


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
    form = HearingFilterForm(request.GET or None, courts=courts)
    hearings = selectors.hearing_list(user=user)
    today = local(timezone.now()).date()
    day = None
    if form.is_bound and form.is_valid():
        if form.cleaned_data["court"]:
            hearings = hearings.filter(court=form.cleaned_data["court"])
        if form.cleaned_data["status"]:
            hearings = hearings.filter(status=form.cleaned_data["status"])
        day = form.cleaned_data.get("on")
    if day is not None:
        hearings = hearings.filter(
            starts_at__gte=_midnight(day), starts_at__lt=_midnight(day + timedelta(days=1))
        )
    else:
        hearings = hearings.filter(starts_at__gte=_midnight(today))
    hearings = with_booking_counts(hearings, user=user).order_by("starts_at", "court__name", "id")
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
            "form": form,
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
    return render(
        request,
        "web/hearing.html",
        {
            "hearing": hearing,
            "bookings": bookings,
            "flagged": _flagged_with_suggestions(bookings),
            "may_change": may_change(user),
            "book_url": _book_url(hearing, user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_vacate(request, pk: int):
    user = request.user
    hearing = get_object_or_404(selectors.hearing_list(user=user), pk=pk)
    _require_may_change(user)
    if hearing.status != HearingStatus.LISTED and request.method == "GET":
        return redirect("web:hearing", pk=hearing.pk)
    to_stand_down = hearing.bookings.filter(status__in=OPEN_STATUSES).count()
    form = VacateForm(request.POST if request.method == "POST" else None)
    errors: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            services.hearing_vacate(actor=user, hearing=hearing, reason=form.cleaned_data["reason"])
        except DomainError as refusal:
            errors = [refusal.detail]
        else:
            messages.success(
                request,
                f"Hearing vacated: {plural(to_stand_down, 'witness', 'witnesses')} stood down.",
            )
            return redirect("web:hearing", pk=hearing.pk)
    return render(
        request,
        "web/hearing_vacate.html",
        {
            "hearing": hearing,
            "form": form,
            "to_stand_down": to_stand_down,
            "errors": errors,
            "error_anchor": "id_reason",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hearing_relist(request, pk: int):
    user = request.user
    hearing = get_object_or_404(selectors.hearing_list(user=user), pk=pk)
    _require_may_change(user)
    if request.method == "POST":
        form = RelistForm(request.POST)
    else:
        starts, ends = local(hearing.starts_at), local(hearing.ends_at)
        form = RelistForm(
            initial={
                **date_initial("on", starts.date()),
                "starts_at_time": f"{starts:%H:%M}",
                "ends_at_time": f"{ends:%H:%M}",
            }
        )
    following = list(
        hearing.bookings.filter(status=BookingStatus.CONFIRMED).values_list("pk", flat=True)
    )
    errors: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            hearing = services.hearing_relist(
                actor=user,
                hearing=hearing,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
        except DomainError as refusal:
            errors = [refusal.detail]
        else:
            stuck = AttentionFlag.objects.filter(
                booking__in=following,
                kind=AttentionKind.RELIST_CONFLICT,
                resolved_at__isnull=True,
            ).count()
            moved = len(following) - stuck
            when = dateformat.format(local(hearing.starts_at), "l j F Y, H:i")
            outcome = (
                f"{plural(moved, 'booking', 'bookings')} moved with it; "
                f"{stuck} {'needs' if stuck == 1 else 'need'} attention."
                if following
                else "It had no bookings to move."
            )
            messages.success(request, f"Hearing relisted for {when}. {outcome}")
            return redirect("web:hearing", pk=hearing.pk)
    return render(
        request,
        "web/hearing_relist.html",
        {
            "hearing": hearing,
            "form": form,
            "following": len(following),
            "errors": errors,
            "error_anchor": "id_on_day",
        },
    )


urlpatterns = [
    path("hearings/", hearing_list, name="hearings"),
    path("hearings/<int:pk>/", hearing_page, name="hearing"),
    path("hearings/<int:pk>/vacate/", hearing_vacate, name="hearing-vacate"),
    path("hearings/<int:pk>/relist/", hearing_relist, name="hearing-relist"),
]
