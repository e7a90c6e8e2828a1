"""Staff pages: each action on a booking on a page of its own (the GOV.UK "one thing per page"
pattern): move, cancel, check in, record the outcome. The court's video link has its own page
too (web/pages/video_link.py).

Moving and cancelling text the witness, so they have "check your answers" first: the action's
page posts to its check page, which tries the action through its service and rolls it back (so
a refusal is shown on the form before anyone confirms), then shows the answers and the text the
witness will get; its button posts the same answers, as hidden fields, to the action itself,
which validates them again and calls the service for real. "Change" on the check page posts them
back to the action's page. Nothing is kept between the steps but what the page carries, so a
booking changed meanwhile is caught by the version the person first saw, as a direct POST is.

What a user sees is scoped by the same selectors as the API; the page offers an action only when
the user's role has its ability (accounts.permissions) and the booking's status allows it
(bookings.states); every rule is the services' to apply.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit
from accounts.permissions import may
from bookings import selectors, services, states, visibility
from bookings.models import Booking
from core.clock import local
from core.errors import Conflict, DomainError
from evidence_suites.models import Suite
from notifications import texts
from notifications.models import Kind
from notifications.opt_outs import will_be_texted

from ..forms.bookings import CancelForm, CheckInForm, OutcomeForm, RescheduleForm
from ..forms.errors import ErrorLink, add_refusal, error_links
from ..history import when
from .access import require
from .unavailability import clash_words, near_rows


@dataclass(frozen=True)
class Action:
    #: What the user's role must have (accounts.permissions.ABILITIES).
    ability: str
    #: The step in the booking's life it takes (bookings.states), or None for one that leaves
    #: the status alone.
    step: str | None
    #: The form its page shows, if any.
    form: type | None = None
    #: Its page's heading, and the words for a booking it cannot be taken on.
    title: str = ""
    cannot: str = ""
    #: The text the witness gets when it is taken (notifications.texts), if any: such an action
    #: has "check your answers" first.
    texts_witness: str | None = None


#: A booking's actions, in the order the booking page offers them.
ACTIONS = {
    "reschedule": Action(
        "schedule",
        "reschedule",
        RescheduleForm,
        title="Move the booking",
        cannot="cannot be moved",
        texts_witness=Kind.CHANGE,
    ),
    "cancel": Action(
        "schedule",
        "cancel",
        CancelForm,
        title="Cancel the booking",
        cannot="cannot be cancelled",
        texts_witness=Kind.STAND_DOWN,
    ),
    "check_in": Action(
        "attend",
        "check_in",
        CheckInForm,
        title="Check the witness in",
        cannot="cannot be checked in",
    ),
    "outcome": Action(
        "attend",
        "complete",
        OutcomeForm,
        title="Record the outcome",
        cannot="cannot have an outcome recorded",
    ),
    "resolve": Action("schedule", None),
}

#: Refusals that mean the booking is no longer what the person saw: reload, then decide.
STALE_CODES = {"booking_changed", "invalid_transition"}


def allowed(user, booking: Booking) -> dict[str, bool]:
    """Which actions the booking page offers: those the user's role may take and the booking's
    status allows."""
    return {
        name: may(user, action.ability)
        and (action.step is None or states.may(booking.status, action.step))
        for name, action in ACTIONS.items()
    }


def visible_booking(request, pk: int) -> Booking:
    return get_object_or_404(
        selectors.booking_list(user=request.user).select_related("suite__force", "created_by"),
        pk=pk,
    )


def _suites_for_reschedule(booking: Booking) -> list[Suite]:
    """Every suite taking bookings (and the booking's own), nearest the court first; the
    service refuses one that is closed or taken then."""
    court = booking.hearing.court
    suites = list(
        Suite.objects.filter(Q(is_active=True) | Q(pk=booking.suite_id)).only(
            "id", "name", "name_cy", "latitude", "longitude", "contact_phone", "turnaround_minutes"
        )
    )
    for suite in suites:
        suite.distance_km = selectors.great_circle_km(
            float(court.latitude),
            float(court.longitude),
            float(suite.latitude),
            float(suite.longitude),
        )
    return sorted(suites, key=lambda s: (s.distance_km, s.name))


def _form(name: str, booking: Booking, data=None):
    """The form for the action `name`, bound to `data` when it was sent."""
    extra = {"suites": _suites_for_reschedule(booking)} if name == "reschedule" else {}
    return ACTIONS[name].form(data, prefix=name, booking=booking, **extra)


def _url(name: str, booking: Booking, *, check: bool = False) -> str:
    route = f"web:booking-{name.replace('_', '-')}"
    return reverse(f"{route}-check" if check else route, args=[booking.pk])


# --- The pages --------------------------------------------------------------------------------


def _render_action(
    request,
    name: str,
    booking: Booking,
    form=None,
    *,
    page_errors: list[ErrorLink] | None = None,
    status: int = 200,
):
    """The action's own page: the booking as it is now and the action's form. A booking whose
    status no longer allows the action gets a page that says so, and the way back."""
    action = ACTIONS[name]
    user = request.user
    if not states.may(booking.status, action.step):
        return render(
            request,
            "web/booking_action_unavailable.html",
            {
                "booking": booking,
                "action": action,
                "errors": list(page_errors or []),
            },
            status=status if page_errors else 409,
        )
    form = form if form is not None else _form(name, booking)
    return render(
        request,
        f"web/booking_{name}.html",
        {
            "booking": booking,
            "hearing": booking.hearing,
            "witness": booking.witness,
            "action": action,
            "form": form,
            "post_to": _url(name, booking, check=bool(action.texts_witness)),
            "errors": list(page_errors or []) + error_links(form),
            "texts_witness": bool(action.texts_witness) and will_be_texted(booking.witness),
            # Shown by the form that moves the booking, to those who may see them.
            "dates_to_avoid": near_rows(user, booking.witness, booking.starts_at, booking.ends_at)
            if name == "reschedule"
            else [],
        },
        status=status,
    )


def _answers(request, name: str) -> list[tuple[str, str]]:
    """What the person typed into the action's form, as they typed it, for the check page to
    carry on in hidden fields."""
    prefix = f"{name}-"
    return [
        (key, value)
        for key in request.POST
        if key.startswith(prefix)
        for value in request.POST.getlist(key)
    ]


def _preview(name: str, after: Booking) -> str | None:
    """The text the witness would get, written from `after`, the booking as the action's
    service left it in the check page's trial run (their page's link shown cut short, as the
    booking page shows a sent one)."""
    kind = ACTIONS[name].texts_witness
    if kind is None or not will_be_texted(after.witness):
        return None
    body = texts.sms_text(after, kind).body
    return body.replace(texts.LINK_PLACEHOLDER, f"{settings.PUBLIC_BASE_URL}/w/…/")


def _check_rows(name: str, booking: Booking, data: dict) -> list[tuple[str, str, str]]:
    """The check page's answers: (what, the answer, the field "Change" goes back to)."""
    if name == "cancel":
        return [("Why it is cancelled", data["reason"], "reason")]
    rows = [
        ("Date", f"{local(data['starts_at']):%A %-d %B %Y}", "date"),
        (
            "Time",
            f"{local(data['starts_at']):%H:%M} to {local(data['ends_at']):%H:%M}",
            "start_time",
        ),
        ("Suite", data["suite_object"].name, "suite"),
    ]
    if data["override_unavailability"].strip():
        rows.append(
            (
                "Why move it into the witness's dates to avoid",
                data["override_unavailability"].strip(),
                "override_unavailability",
            )
        )
    return rows


def _unchanged(name: str, booking: Booking, data: dict) -> bool:
    return name == "reschedule" and (
        data["suite_object"].pk,
        data["starts_at"],
        data["ends_at"],
    ) == (booking.suite_id, booking.starts_at, booking.ends_at)


def _action_page(name: str):
    """The view of an action's page (GET) that also takes the action (POST, from the page
    itself or from its check page)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, pk: int):
        booking = visible_booking(request, pk)
        require(request.user, ACTIONS[name].ability)
        if request.method == "POST":
            return _act(request, booking, name)
        audit.record_access([booking.witness], via=f"{name} page", booking=booking.reference)
        return _render_action(request, name, booking)

    view.__name__ = f"booking_{name}"
    return view


def _check_page(name: str):
    """The view of an action's "check your answers" page (POST from the action's page). The
    action is tried first, through its service, and rolled back: a move the rules refuse (the
    suite taken, the witness's dates to avoid, a change made meanwhile) goes back to the form
    with the refusal now, not after the person confirms, and the text shown is the one the
    service's booking would send."""

    @login_required
    @require_POST
    def view(request, pk: int):
        booking = visible_booking(request, pk)
        require(request.user, ACTIONS[name].ability)
        form = _form(name, booking, request.POST)
        if "change" in request.POST:  # back to the form, as the person left it
            return _render_action(
                request, name, booking, form, status=200 if form.is_valid() else 400
            )
        outcome = _attempt(request, booking, name, form, trial=True)
        if not isinstance(outcome, tuple):
            return outcome  # the form again, with what was wrong
        after, _ = outcome
        data = form.cleaned_data
        audit.record_access([booking.witness], via=f"{name} check page", booking=booking.reference)
        return render(
            request,
            "web/booking_check.html",
            {
                "booking": booking,
                "witness": booking.witness,
                "action": ACTIONS[name],
                "name": name,
                "rows": _check_rows(name, booking, data),
                "answers": _answers(request, name),
                "unchanged": _unchanged(name, booking, data),
                "preview": _preview(name, after),
                "sees_text": visibility.sees(request.user, "message", "body"),
                "has_phone": bool(booking.witness.phone),
                "post_to": _url(name, booking),
                "change_to": _url(name, booking, check=True),
                "form": form,
            },
        )

    view.__name__ = f"booking_{name}_check"
    return view


# --- Taking the action: one service each, then back to the booking page ----------------------


class _TrialRun(Exception):
    """Rolls a check page's trial of the action back, with what the service returned."""

    def __init__(self, result):
        self.result = result


def _attempt(request, booking: Booking, name: str, form, *, trial: bool = False):
    """Take the action `form` describes through its service: (the booking as it left it, the
    banner's words), or the action's page again with what was wrong. A `trial` is rolled back:
    nothing is kept, no one is texted (the texts go on commit), no lock outlives it."""
    if not form.is_valid():
        return _render_action(request, name, booking, form, status=400)
    # Compare-and-swap against the version the person was looking at, not the one just read.
    seen = copy.copy(booking)
    seen.version = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            result = PERFORM[name](request.user, seen, form.cleaned_data)
            if trial:
                raise _TrialRun(result)
    except _TrialRun as run:
        return run.result
    except DomainError as refusal:
        if refusal.code in STALE_CODES:
            fresh = visible_booking(request, booking.pk)
            reload = ErrorLink(
                f"{refusal.detail} Reload the booking to see what changed.",
                reverse("web:booking", args=[booking.pk]),
            )
            return _render_action(request, name, fresh, page_errors=[reload], status=409)
        add_refusal(form, refusal, form.refusal_fields, form.refusal_codes)
        return _render_action(request, name, booking, form, status=refusal.status_code)
    return result


def _act(request, booking: Booking, name: str):
    outcome = _attempt(request, booking, name, _form(name, booking, request.POST))
    if not isinstance(outcome, tuple):
        return outcome
    _, message = outcome
    messages.success(request, message)
    return redirect("web:booking", pk=booking.pk)


def _reschedule(actor, booking: Booking, data) -> str:
    before = (booking.suite_id, booking.starts_at, booking.ends_at)
    try:
        moved = services.booking_reschedule(
            actor=actor,
            booking=booking,
            suite=data["suite_object"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            override_unavailability=data["override_unavailability"].strip(),
        )
    except services.UnavailableDates as refusal:
        raise Conflict(refusal.code, _clash_refusal(refusal)) from refusal
    if before == (moved.suite_id, moved.starts_at, moved.ends_at):
        return moved, f"Booking {moved.reference} already had that time and suite: nothing changed."
    told = " The witness will get a text." if will_be_texted(moved.witness) else ""
    return moved, (
        f"Booking {moved.reference} moved to {when(moved.starts_at)} to "
        f"{local(moved.ends_at):%H:%M} at {moved.suite.name}.{told}"
    )


def _clash_refusal(refusal) -> str:
    """The dates to avoid a move would fall in (the rule's refusal names them), in the page's
    words, and what to do about it."""
    return f"{clash_words(refusal.periods)}. To move the booking there anyway, enter why"


def _cancel(actor, booking: Booking, data) -> str:
    cancelled = services.booking_cancel(actor=actor, booking=booking, reason=data["reason"])
    told = (
        " The witness will get a text standing them down."
        if will_be_texted(cancelled.witness)
        else ""
    )
    return cancelled, f"Booking {cancelled.reference} cancelled.{told}"


def _check_in(actor, booking: Booking, data) -> str:
    arrived = services.booking_check_in(actor=actor, booking=booking, at=data.get("at"))
    return (
        arrived,
        f"{arrived.witness.full_name} checked in at {local(arrived.checked_in_at):%H:%M}.",
    )


def _outcome(actor, booking: Booking, data) -> str:
    done = services.booking_complete(
        actor=actor,
        booking=booking,
        outcome=data["outcome"],
        released_at=data.get("released_at"),
    )
    released = f", released at {local(done.released_at):%H:%M}" if done.released_at else ""
    return done, (
        f"Outcome recorded for booking {done.reference}: {done.get_outcome_display()}{released}."
    )


#: What each action does: `perform(actor, booking, data)` calls its service and returns the
#: booking as it left it and what was done, in the words of the booking page's banner.
PERFORM = {
    "reschedule": _reschedule,
    "cancel": _cancel,
    "check_in": _check_in,
    "outcome": _outcome,
}

urlpatterns = [
    path("bookings/<int:pk>/reschedule/", _action_page("reschedule"), name="booking-reschedule"),
    path(
        "bookings/<int:pk>/reschedule/check/",
        _check_page("reschedule"),
        name="booking-reschedule-check",
    ),
    path("bookings/<int:pk>/cancel/", _action_page("cancel"), name="booking-cancel"),
    path("bookings/<int:pk>/cancel/check/", _check_page("cancel"), name="booking-cancel-check"),
    path("bookings/<int:pk>/check-in/", _action_page("check_in"), name="booking-check-in"),
    path("bookings/<int:pk>/outcome/", _action_page("outcome"), name="booking-outcome"),
]
