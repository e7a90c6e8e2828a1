"""Staff pages: suites. Everyone signed in sees the suites and a suite's week; the force's
suite managers (and admins) also keep its opening hours, closures and video details up to
date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import may_manage_suite
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import (
    OCCUPYING_STATUSES,
    OPEN_STATUSES,
    AttentionFlag,
    AttentionKind,
    Booking,
)
from core import inputs
from core.clock import LONDON, local
from core.errors import DomainError
from evidence_suites import selectors, services
from evidence_suites.models import Closure, Suite, Weekday
from evidence_suites.whereabouts import may_see_whereabouts

from ..forms.errors import ErrorLink, error_links
from ..forms.suites import ClosureForm, OpeningHoursForm, SuiteVideoForm

#: Past closures shown under the current and future ones: enough to answer "was it shut last
#: week?", few enough to keep the page short.
PAST_CLOSURES_SHOWN = 10


def _require_manager(user, suite: Suite) -> None:
    if not may_manage_suite(user, suite):
        raise PermissionDenied("Only the suite managers of this suite's force can change it.")


def when(moment: datetime) -> str:
    """A moment as staff read it: "24 March 2027 10:00", London time."""
    return dateformat.format(local(moment), "j F Y H:i")


def town(suite: Suite) -> str:
    """Addresses are written "building, street, town": the town is the last part."""
    parts = [part.strip() for part in suite.address.replace("\n", ",").split(",") if part.strip()]
    return parts[-1] if parts else ""


def week_summary(periods) -> list[str]:
    """Opening hours as people say them: "Monday to Friday: 08:30 to 17:30", consecutive days
    with the same hours together; days it is shut are left out."""
    by_day: dict[int, tuple] = {}
    for period in periods:
        by_day.setdefault(period.weekday, ())
        by_day[period.weekday] += ((period.opens, period.closes),)
    runs: list[list] = []
    for day in Weekday.values:
        hours = by_day.get(day)
        if hours and runs and runs[-1][1] == hours and runs[-1][0][-1] == day - 1:
            runs[-1][0].append(day)
        elif hours:
            runs.append([[day], hours])
    lines = []
    for days, hours in runs:
        names = Weekday(days[0]).label
        if len(days) == 2:
            names += f" and {Weekday(days[-1]).label}"
        elif len(days) > 2:
            names += f" to {Weekday(days[-1]).label}"
        times = ", ".join(f"{opens:%H:%M} to {closes:%H:%M}" for opens, closes in hours)
        lines.append(f"{names}: {times}")
    return lines


# --- The list ---------------------------------------------------------------------------------


@login_required
def suite_list(request):
    suites = list(selectors.suite_list().order_by("force__name", "name"))
    rows = [
        {
            "suite": suite,
            "town": town(suite),
            "whereabouts": may_see_whereabouts(request.user, suite),
        }
        for suite in suites
    ]
    return render(request, "web/suites.html", {"rows": rows})


# --- A suite and its week ---------------------------------------------------------------------


@dataclass
class Day:
    date: date
    is_today: bool
    opening_hours: list = field(default_factory=list)
    closures: list = field(default_factory=list)
    #: In time order: {"starts_at", "ends_at", "booking"}; "booking" is None for a booking
    #: the user may not see in full.
    bookings: list = field(default_factory=list)


def week_start(value: str | None, today: date) -> date:
    """The Monday of the week holding `value` (YYYY-MM-DD), or of this week when there is no
    such date in the years the service accepts."""
    day = inputs.date_from(value) or today
    return day - timedelta(days=day.weekday())


def week_error(value: str | None) -> list[str]:
    """The error summary's line for a `?week=` that is not a date the service accepts."""
    if not value or inputs.date_from(value):
        return []
    return [f"Give the week as a date between {inputs.EARLIEST_YEAR} and {inputs.LATEST_YEAR}."]


def _midnight(day: date) -> datetime:
    # Built in London time, so a week holding a clock change is 167 or 169 hours long.
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _closure_on(closure: Closure, day: date) -> dict:
    """How a closure reads on one day of the week: all day, or from when to when."""
    start, end = _midnight(day), _midnight(day + timedelta(days=1))
    from_ = None if closure.starts_at <= start else local(closure.starts_at).time()
    until = None if closure.ends_at >= end else local(closure.ends_at).time()
    return {"closure": closure, "from": from_, "until": until, "all_day": not (from_ or until)}


def suite_week(*, user, suite: Suite, monday: date, today: date) -> list[Day]:
    """Monday to Sunday: each day's opening hours, closures and bookings (those the user may
    see in full; others only as busy times). Three queries whatever the week holds."""
    start, end = _midnight(monday), _midnight(monday + timedelta(days=7))
    days = [
        Day(date=monday + timedelta(days=n), is_today=monday + timedelta(days=n) == today)
        for n in range(7)
    ]
    by_date = {d.date: d for d in days}
    for period in suite.opening_hours.all():
        days[period.weekday].opening_hours.append(period)
    for closure in selectors.closure_list(suite=suite).filter(starts_at__lt=end, ends_at__gt=start):
        for d in days:
            if closure.starts_at < _midnight(d.date + timedelta(days=1)) and closure.ends_at > (
                _midnight(d.date)
            ):
                d.closures.append(_closure_on(closure, d.date))
    visible = list(
        booking_selectors.booking_list(user=user)
        .filter(suite=suite, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "id")
    )
    for booking in visible:
        by_date[local(booking.starts_at).date()].bookings.append(
            {"starts_at": booking.starts_at, "ends_at": booking.ends_at, "booking": booking}
        )
    # Another force's bookings still hold the suite: shown as busy, without their details.
    others = (
        Booking.objects.filter(
            suite=suite, status__in=OCCUPYING_STATUSES, starts_at__lt=end, ends_at__gt=start
        )
        .exclude(pk__in=[b.pk for b in visible])
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    for starts_at, ends_at in others:
        by_date[local(starts_at).date()].bookings.append(
            {"starts_at": starts_at, "ends_at": ends_at, "booking": None}
        )
    for d in days:
        d.bookings.sort(key=lambda entry: entry["starts_at"])
    return days


@login_required
def suite_page(request, pk: int):
    suite = get_object_or_404(selectors.suite_list(), pk=pk)
    today = local(timezone.now()).date()
    week = request.GET.get("week")
    monday = week_start(week, today)
    return render(
        request,
        "web/suite.html",
        {
            "errors": [ErrorLink(message, "#week") for message in week_error(week)],
            "suite": suite,
            "whereabouts": may_see_whereabouts(request.user, suite),
            "may_manage": may_manage_suite(request.user, suite),
            "opening_hours": week_summary(suite.opening_hours.all()),
            "days": suite_week(user=request.user, suite=suite, monday=monday, today=today),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "this_week": week_start(None, today),
        },
    )


# --- Opening hours ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def suite_hours(request, pk: int):
    suite = get_object_or_404(selectors.suite_list(), pk=pk)
    _require_manager(request.user, suite)
    form = OpeningHoursForm.for_suite(
        suite, data=request.POST if request.method == "POST" else None
    )
    errors: list[ErrorLink] = []
    if request.method == "POST" and form.is_valid():
        periods = [
            services.Period(day, opens, closes)
            for day, opens, closes in form.cleaned_data["periods"]
        ]
        try:
            services.suite_update(suite=suite, opening_hours=periods)
        except DomainError as refusal:
            errors = [
                ErrorLink(message, "#id_0_open")
                for message in [refusal.detail, *(refusal.fields or {}).get("opening_hours", [])]
            ]
        else:
            messages.success(request, f"Opening hours saved for {suite.name}.")
            return redirect("web:suite", pk=suite.pk)
    return render(
        request,
        "web/suite_hours.html",
        {"suite": suite, "form": form, "errors": errors + error_links(form)},
    )


# --- The suite's side of the live link --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def suite_video(request, pk: int):
    suite = get_object_or_404(selectors.suite_list(), pk=pk)
    _require_manager(request.user, suite)
    form = SuiteVideoForm(request.POST if request.method == "POST" else None, suite=suite)
    if form.is_bound and form.is_valid():
        services.suite_update(suite=suite, **form.cleaned_data)
        messages.success(request, f"Video details saved for {suite.name}.")
        return redirect("web:suite", pk=suite.pk)
    return render(
        request,
        "web/suite_video.html",
        {"suite": suite, "form": form, "errors": error_links(form)},
        status=400 if form.errors else 200,
    )


# --- Closures ---------------------------------------------------------------------------------


def _closures_with_bookings(suite: Suite, now: datetime) -> tuple[list[dict], list[Closure]]:
    """Current and future closures, each with the bookings still open inside it (someone must
    move those), and the latest past ones. Three queries."""
    closures = selectors.closure_list(suite=suite)
    current = list(closures.filter(ends_at__gt=now))
    past = list(closures.filter(ends_at__lte=now).order_by("-starts_at")[:PAST_CLOSURES_SHOWN])
    held: list[Booking] = []
    if current:
        held = list(
            Booking.objects.filter(
                suite=suite,
                status__in=OPEN_STATUSES,
                starts_at__lt=max(c.ends_at for c in current),
                ends_at__gt=min(c.starts_at for c in current),
            ).only("id", "starts_at", "ends_at")
        )
    rows = [
        {
            "closure": closure,
            "bookings": sum(
                1 for b in held if b.starts_at < closure.ends_at and b.ends_at > closure.starts_at
            ),
        }
        for closure in current
    ]
    return rows, past


@login_required
@require_http_methods(["GET", "POST"])
def suite_closures(request, pk: int):
    suite = get_object_or_404(selectors.suite_list(), pk=pk)
    manager = may_manage_suite(request.user, suite)
    if request.method == "POST":
        _require_manager(request.user, suite)
    form = ClosureForm(request.POST if request.method == "POST" else None) if manager else None
    errors: list[ErrorLink] = []
    if form is not None and form.is_bound and form.is_valid():
        try:
            # The API's closure service: bookings already in that time are flagged for staff
            # with the nearest free suites, never dropped.
            closure = booking_services.suite_closure_add(
                actor=request.user,
                suite=suite,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refusal:
            errors = [ErrorLink(refusal.detail, "#id_starts_on_day")]
        else:
            caught = AttentionFlag.objects.filter(
                kind=AttentionKind.SUITE_CLOSED,
                resolved_at__isnull=True,
                data__closure=closure.pk,
            ).count()
            note = (
                f" {caught} booking{'' if caught == 1 else 's'} in that time "
                f"{'is' if caught == 1 else 'are'} on the attention list to be moved."
                if caught
                else ""
            )
            messages.success(
                request,
                f"{suite.name} is closed from {when(closure.starts_at)} to "
                f"{when(closure.ends_at)}.{note}",
            )
            return redirect("web:suite-closures", pk=suite.pk)
    now = timezone.now()
    current, past = _closures_with_bookings(suite, now)
    return render(
        request,
        "web/suite_closures.html",
        {
            "suite": suite,
            "form": form,
            "may_manage": manager,
            "current": current,
            "past": past,
            "errors": errors + error_links(form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suite_closure_remove(request, pk: int, closure_pk: int):
    suite = get_object_or_404(selectors.suite_list(), pk=pk)
    _require_manager(request.user, suite)
    closure = get_object_or_404(selectors.closure_list(suite=suite), pk=closure_pk)
    if request.method == "POST":
        booking_services.suite_closure_remove(actor=request.user, closure=closure)
        messages.success(
            request,
            f"Closure removed: {suite.name} is no longer closed from "
            f"{when(closure.starts_at)} to {when(closure.ends_at)}.",
        )
        return redirect("web:suite-closures", pk=suite.pk)
    return render(request, "web/suite_closure_remove.html", {"suite": suite, "closure": closure})


urlpatterns = [
    path("suites/", suite_list, name="suites"),
    path("suites/<int:pk>/", suite_page, name="suite"),
    path("suites/<int:pk>/hours/", suite_hours, name="suite-hours"),
    path("suites/<int:pk>/video/", suite_video, name="suite-video"),
    path("suites/<int:pk>/closures/", suite_closures, name="suite-closures"),
    path(
        "suites/<int:pk>/closures/<int:closure_pk>/remove/",
        suite_closure_remove,
        name="suite-closure-remove",
    ),
]
