"""Staff pages: a witness's dates to avoid (police witness care's MG10): leave, rest days, night
shifts, courses. A scheduler of the witness's force (or an admin) lists them on the witness's
page, adds and removes them, imports an officer's duty roster (.ics), and imports a CSV of the
force's officers' dates from the witnesses list.

The reasons and notes are the witness's force's to see: every page here, and every list of
periods the booking pages show, reads them through `dates_to_avoid`. Whether a booking clashes is
`bookings.services.unavailability_clashes`'s to say (the night-shift rule is there), and an
import's rules are `bookings.unavailability_import`'s.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import dateformat
from django.views.decorators.http import require_http_methods

from accounts.permissions import may
from bookings import selectors, services
from bookings.models import Unavailability, Witness
from bookings.services.unavailability import MORNING_SITTING_ENDS, effective_ends_at
from bookings.unavailability_import import ImportRefused, import_force_csv, import_roster
from core.clock import local
from core.errors import DomainError

from ..forms.errors import ErrorLink, add_refusal, error_links
from ..forms.unavailability import PeriodForm, UploadForm
from .access import require

#: How far either side of a booking's day the booking pages list the witness's periods.
NEAR = timedelta(days=7)


# --- Who sees them, and how they read ---------------------------------------------------------


def dates_to_avoid(user, witness: Witness) -> QuerySet[Unavailability]:
    """The witness's periods from today on, earliest first, to one who may see them: the
    reasons and notes are for the witness's own force, its schedulers (whose witnesses
    `selectors.witness_list` holds) and admins. None to anyone else."""
    if not may(user, "manage_unavailability"):
        return Unavailability.objects.none()
    return selectors.witness_unavailability(witness).filter(
        witness__in=selectors.witness_list(user=user).values("pk")
    )


def _whole_days(period) -> bool:
    starts, ends = local(period.starts_at), local(period.ends_at)
    return starts.time() == time.min and ends.time() == time.min


def period_when(period) -> str:
    """A period as people say it, in London time: "Wednesday 24 March 2027" (a whole day),
    "Monday 22 March to Friday 26 March 2027" (whole days), else from a day and time to one;
    a night shift says when the morning it takes ends (the rule's)."""
    when = _when(period)
    if effective_ends_at(period) > period.ends_at:
        when += f", and that morning until {MORNING_SITTING_ENDS:%H:%M}"
    return when


def _when(period) -> str:
    starts, ends = local(period.starts_at), local(period.ends_at)
    if _whole_days(period):
        last = (ends - timedelta(days=1)).date()
        if last == starts.date():
            return dateformat.format(starts, "l j F Y")
        first = "l j F" if last.year == starts.year else "l j F Y"
        return f"{dateformat.format(starts, first)} to {dateformat.format(last, 'l j F Y')}"
    if ends.date() == starts.date():
        return f"{dateformat.format(starts, 'l j F Y')}, {starts:%H:%M} to {ends:%H:%M}"
    return (
        f"{dateformat.format(starts, 'l j F Y')}, {starts:%H:%M} to "
        f"{dateformat.format(ends, 'l j F Y')}, {ends:%H:%M}"
    )


def period_rows(periods, *, clashing=()) -> list[dict]:
    clash_ids = {period.pk for period in clashing}
    return [
        {"period": period, "when": period_when(period), "clashes": period.pk in clash_ids}
        for period in periods
    ]


def clash_words(clashes) -> str:
    """What the booking pages say of a window that falls in the witness's dates to avoid."""
    named = "; ".join(f"{p.get_reason_display()}, {period_when(p)}" for p in clashes)
    return f"The witness has dates to avoid then: {named}"


def near_rows(user, witness: Witness, starts_at: datetime, ends_at: datetime) -> list[dict]:
    """The witness's periods within a week of a booking's window, those it clashes with
    marked, for the booking pages; nothing for a user who may not see them."""
    near = list(
        dates_to_avoid(user, witness).filter(
            starts_at__lt=ends_at + NEAR, ends_at__gt=starts_at - NEAR
        )
    )
    # Any clash is among them (it overlaps the window): no periods near, no clash to look for.
    clashes = services.unavailability_clashes(witness, starts_at, ends_at) if near else []
    return period_rows(near, clashing=clashes)


def _witness_for_dates(request, pk: int) -> Witness:
    """The witness, to one who may keep their dates to avoid (their force's schedulers, and
    admins); a 404 to anyone else, as on the witness pages."""
    if not may(request.user, "manage_unavailability"):
        raise Http404("No witness here.")
    return get_object_or_404(selectors.witness_list(user=request.user), pk=pk)


# --- Add and remove ---------------------------------------------------------------------------

#: Where a refusal from `unavailability_add` is shown.
PERIOD_FIELDS = {
    "starts_at": "starts_on",
    "ends_at": "ends_on",
    "reason": "reason",
    "note": "note",
}


@login_required
@require_http_methods(["GET", "POST"])
def period_add(request, pk: int):
    witness = _witness_for_dates(request, pk)
    form = PeriodForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            period = services.unavailability_add(
                actor=request.user,
                witness=witness,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
                note=data["note"].strip(),
            )
        except DomainError as refusal:
            add_refusal(form, refusal, PERIOD_FIELDS)
        else:
            messages.success(
                request,
                f"Dates to avoid added for {witness.full_name}: {period.get_reason_display()}, "
                f"{period_when(period)}.",
            )
            return redirect("web:witness", pk=witness.pk)
    return render(
        request,
        "web/witness_dates_add.html",
        {"witness": witness, "form": form, "errors": error_links(form)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_remove(request, pk: int, period_pk: int):
    witness = _witness_for_dates(request, pk)
    period = get_object_or_404(witness.unavailability.all(), pk=period_pk)
    if request.method == "POST":
        services.unavailability_remove(actor=request.user, period=period)
        messages.success(
            request,
            f"Dates to avoid removed for {witness.full_name}: {period.get_reason_display()}, "
            f"{period_when(period)}.",
        )
        return redirect("web:witness", pk=witness.pk)
    return render(
        request,
        "web/witness_dates_remove.html",
        {"witness": witness, "period": period, "when": period_when(period)},
    )


# --- Imports ----------------------------------------------------------------------------------


def _imported(result) -> str:
    added = f"{result.created} period{'' if result.created == 1 else 's'} added"
    return f"{added}, {result.skipped} already there."


def _refused(form, refusal: ImportRefused) -> list[ErrorLink]:
    """Each line's or row's errors, as the error summary's lines, all linking to the file."""
    form.add_error("file", f"{refusal.detail} Correct the file and import it again")
    return [
        ErrorLink(f"{where[:1].upper()}{where[1:]}: {message}", "#id_file")
        for where, messages_ in refusal.errors.items()
        for message in messages_
    ]


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request, pk: int):
    """An officer's duty roster exported as an .ics file: its busy times become periods."""
    witness = _witness_for_dates(request, pk)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        label="Duty roster (.ics file)",
        help_text="Export it from the force's duty system as an iCalendar file. Importing the "
        "same roster again adds only what is new",
    )
    problems: list[ErrorLink] = []
    if form.is_bound and form.is_valid():
        try:
            result = import_roster(
                actor=request.user, witness=witness, data=form.cleaned_data["file"]
            )
        except ImportRefused as refusal:
            problems = _refused(form, refusal)
        else:
            messages.success(
                request, f"Duty roster imported for {witness.full_name}: {_imported(result)}"
            )
            return redirect("web:witness", pk=witness.pk)
    return render(
        request,
        "web/witness_roster_import.html",
        {"witness": witness, "form": form, "errors": error_links(form) + problems},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def force_import(request):
    """A CSV of the force's officers' dates to avoid, one row a period, by collar number."""
    user = request.user
    require(user, "manage_unavailability")
    forces = selectors.force_list(user=user) if user.force_id is None else None
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        label="Dates to avoid (.csv file)",
        help_text="One row a period, with the columns collar_number, starts_at, ends_at, "
        "reason and note. Importing the same file again adds only what is new",
        forces=forces,
    )
    problems: list[ErrorLink] = []
    if form.is_bound and form.is_valid():
        force = form.cleaned_data.get("force") or user.force
        try:
            result = import_force_csv(actor=user, force=force, data=form.cleaned_data["file"])
        except ImportRefused as refusal:
            problems = _refused(form, refusal)
        else:
            messages.success(
                request, f"Dates to avoid imported for {force.name}: {_imported(result)}"
            )
            return redirect("web:witnesses")
    return render(
        request,
        "web/dates_to_avoid_import.html",
        {"form": form, "errors": error_links(form) + problems},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("witnesses/dates-to-avoid/import/", force_import, name="dates-to-avoid-import"),
    path("witnesses/<int:pk>/dates-to-avoid/add/", period_add, name="witness-dates-add"),
    path(
        "witnesses/<int:pk>/dates-to-avoid/<int:period_pk>/remove/",
        period_remove,
        name="witness-dates-remove",
    ),
    path("witnesses/<int:pk>/dates-to-avoid/import/", roster_import, name="witness-roster-import"),
]
