"""Day sheets: a suite's or a court's bookings for one day, to work from on screen or on paper
(a print stylesheet) or in a spreadsheet (CSV). A suite's sheet is its force's suite managers'
(and admins'); a court's is its own users' (and admins'). Witnesses are named as the field
policy says: the full name to the police, the type and initials to a court."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.models import Role
from accounts.permissions import is_admin, may_manage_suite
from bookings import selectors, visibility
from bookings.models import OCCUPYING_STATUSES, Booking, Court
from core.clock import LONDON, local
from core.csv import SafeWriter
from evidence_suites.models import Suite

from ..forms.errors import error_links
from ..forms.fields import GovukDateField
from ..forms.govuk import GovukFormMixin


class DayForm(GovukFormMixin, forms.Form):
    on = GovukDateField(noun="day", label="Day", required=False, help_text="For example, 8 12 2026")


@dataclass(frozen=True)
class Row:
    booking: Booking
    witness: str
    needs: str
    video: str


def _needs(booking: Booking) -> str:
    """Special measures and support, in the words the staff pages use."""
    needs = []
    if booking.needs_supporter:
        needs.append("Supporter")
    if booking.needs_intermediary:
        needs.append("Intermediary")
    if booking.interpreter_language:
        needs.append(f"{booking.interpreter_language} interpreter")
    return ", ".join(needs)


def _video(booking: Booking) -> str:
    if booking.video_url:
        link = booking.video_url
    elif booking.video_room:
        link = f"Room {booking.video_room}"
    else:
        return ""
    return f"{link}, PIN {booking.video_pin}" if booking.video_pin else link


def _witness(user, booking: Booking) -> str:
    label = visibility.witness_label(user, booking.witness)
    return f"{label} ({booking.witness.get_witness_type_display().lower()})"


def _day(request) -> tuple[DayForm, date]:
    form = DayForm(request.GET or None)
    today = local(timezone.now()).date()
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        return form, form.cleaned_data["on"]
    return form, today


def _rows(request, bookings, on: date, *, via: str) -> list[Row]:
    start = datetime.combine(on, time.min, tzinfo=LONDON)
    end = datetime.combine(on + timedelta(days=1), time.min, tzinfo=LONDON)
    on_the_day = bookings.filter(
        status__in=OCCUPYING_STATUSES, starts_at__gte=start, starts_at__lt=end
    )
    listed = list(on_the_day.order_by("starts_at", "suite__name", "pk"))
    audit.record_access([b.witness for b in listed], via=via, day=on.isoformat())
    user = request.user
    return [Row(b, _witness(user, b), _needs(b), _video(b)) for b in listed]


def _csv(rows: list[Row], on: date, name: str) -> HttpResponse:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
        [
            "date",
            "starts",
            "ends",
            "arrive_by",
            "reference",
            "witness",
            "case_reference",
            "court",
            "courtroom",
            "suite",
            "needs",
            "court_video_link",
            "status",
        ]
    )
    for row in rows:
        booking = row.booking
        writer.writerow(
            [
                on.isoformat(),
                f"{local(booking.starts_at):%H:%M}",
                f"{local(booking.ends_at):%H:%M}",
                f"{local(booking.arrive_by):%H:%M}",
                booking.reference,
                row.witness,
                booking.hearing.case_reference,
                booking.hearing.court.name,
                booking.hearing.courtroom,
                booking.suite.name,
                row.needs,
                row.video,
                booking.get_status_display(),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"day-sheet-{name}-{on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheet(request, *, place: str, name: str, code: str, bookings, url: str, csv: bool, via: str):
    form, on = _day(request)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "web/day_sheet.html",
            {"form": form, "errors": error_links(form), "place": place, "name": name},
            status=400,
        )
    rows = _rows(request, bookings, on, via=via)
    if csv:
        return _csv(rows, on, code)
    day_query = lambda d: f"?on_day={d.day}&on_month={d.month}&on_year={d.year}"  # noqa: E731
    return render(
        request,
        "web/day_sheet.html",
        {
            "form": form,
            "place": place,
            "name": name,
            "on": on,
            "on_words": dateformat.format(on, "l j F Y"),
            "rows": rows,
            "previous_url": url + day_query(on - timedelta(days=1)),
            "next_url": url + day_query(on + timedelta(days=1)),
            "csv_url": url + "csv/" + day_query(on),
        },
    )


@login_required
@require_safe
def suite_day_sheet(request, pk: int, csv: bool = False):
    suite = get_object_or_404(Suite, pk=pk)
    if not may_manage_suite(request.user, suite):
        raise PermissionDenied("A suite's day sheet is for its force's suite managers.")
    return _sheet(
        request,
        place="suite",
        name=suite.name,
        code=suite.code,
        bookings=selectors.booking_list(user=request.user).filter(suite=suite),
        url=reverse("web:suite-day-sheet", args=[pk]),
        csv=csv,
        via="suite day sheet",
    )


def may_see_court_sheet(user, court: Court) -> bool:
    return is_admin(user) or (user.role == Role.COURT_USER and user.court_id == court.pk)


@login_required
@require_safe
def court_day_sheet(request, pk: int, csv: bool = False):
    court = get_object_or_404(Court, pk=pk)
    if not may_see_court_sheet(request.user, court):
        raise PermissionDenied("A court's day sheet is for the court's own users.")
    return _sheet(
        request,
        place="court",
        name=court.name,
        code=court.code,
        bookings=selectors.booking_list(user=request.user).filter(hearing__court=court),
        url=reverse("web:court-day-sheet", args=[pk]),
        csv=csv,
        via="court day sheet",
    )


urlpatterns = [
    path("suites/<int:pk>/day-sheet/", suite_day_sheet, name="suite-day-sheet"),
    path(
        "suites/<int:pk>/day-sheet/csv/",
        suite_day_sheet,
        {"csv": True},
        name="suite-day-sheet-csv",
    ),
    path("courts/<int:pk>/day-sheet/", court_day_sheet, name="court-day-sheet"),
    path(
        "courts/<int:pk>/day-sheet/csv/",
        court_day_sheet,
        {"csv": True},
        name="court-day-sheet-csv",
    ),
]
