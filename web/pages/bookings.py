"""Staff pages: a booking's page, and the actions on it (move, cancel, check in, record the
outcome, mark an attention item as dealt with).

What a user sees is scoped by the same selectors as the API. The page offers an action only
when the user's role has its ability (accounts.permissions, as the API's) and the booking's
status allows it (bookings.states); every rule is the services' to apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from accounts import audit
from accounts.permissions import may
from bookings import selectors, services, states, visibility
from bookings.models import Booking
from core.clock import local
from core.errors import Conflict, DomainError
from evidence_suites.models import Suite
from evidence_suites.whereabouts import may_see_whereabouts
from notifications import texts
from notifications.models import FAILED_STATUSES, Channel, Message, Status
from notifications.opt_outs import will_be_texted

from ..forms.bookings import CancelForm, CheckInForm, OutcomeForm, RescheduleForm
from ..forms.errors import ErrorLink, add_refusal, error_links
from ..history import History, attention_words, when
from .access import require
from .unavailability import clash_words, near_rows
from .video_link import may_set_video_link


@dataclass(frozen=True)
class Action:
    #: What the user's role must have (accounts.permissions.ABILITIES).
    ability: str
    #: The step in the booking's life it takes (bookings.states), or None for one that leaves
    #: the status alone.
    step: str | None
    #: The form the booking page shows for it, if any.
    form: type | None = None


#: The booking page's actions, in the order the page offers them.
ACTIONS = {
    "reschedule": Action("schedule", "reschedule", RescheduleForm),
    "cancel": Action("schedule", "cancel", CancelForm),
    "check_in": Action("attend", "check_in", CheckInForm),
    "outcome": Action("attend", "complete", OutcomeForm),
    "resolve": Action("schedule", None),
}

MESSAGE_TAGS = {
    Status.DELIVERED: "green",
    Status.UNDELIVERED: "red",
    Status.FAILED: "red",
    Status.SUPPRESSED: "grey",
    Status.SENT: "blue",
}


def _allowed(user, booking: Booking) -> dict[str, bool]:
    """Which actions the page offers: those the user's role may take and the booking's status
    allows."""
    return {
        name: may(user, action.ability)
        and (action.step is None or states.may(booking.status, action.step))
        for name, action in ACTIONS.items()
    }


def _visible_booking(request, pk: int) -> Booking:
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
            "id", "name", "latitude", "longitude"
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


#: A witness's link as a text is kept once sent: its secret cut short, ending "…/"
#: (notifications.links.masked).
MASKED_LINK = re.compile(r"\S*/w/[^\s/…]*…/")


def text_parts(body: str) -> int | None:
    """How many SMS parts a text takes (each one sent and charged; a Welsh ŵ, ŷ or â makes a
    text UCS-2, 70 characters a part), counted as the phone gets it: with the whole link,
    which is kept masked once sent, and a placeholder before."""
    if not body:
        return None
    link = f"{settings.PUBLIC_BASE_URL}/w/{texts.SAMPLE_TOKEN}/"
    return texts.segments(MASKED_LINK.sub(link, body.replace(texts.LINK_PLACEHOLDER, link)))


def _message_rows(booking: Booking) -> list[dict]:
    rows = []
    for message in Message.objects.filter(booking=booking).order_by("created_at", "id"):
        rows.append(
            {
                "message": message,
                "tag": MESSAGE_TAGS.get(message.status, "light-blue"),
                "failed": message.status in FAILED_STATUSES,
                "parts": text_parts(message.body) if message.channel == Channel.SMS else None,
            }
        )
    return rows


def _render_booking(
    request,
    booking: Booking,
    *,
    bound: dict | None = None,
    page_errors: list[ErrorLink] | None = None,
    status: int = 200,
):
    user = request.user
    allowed = _allowed(user, booking)
    with_forms = [name for name, action in ACTIONS.items() if action.form]
    built = {}
    for name in with_forms:
        if bound and name in bound:
            built[name] = bound[name]
        elif allowed[name]:
            built[name] = _form(name, booking)
    flags = (
        list(booking.flags.filter(resolved_at__isnull=True).order_by("created_at", "id"))
        if visibility.sees(user, visibility.BOOKING, "attention")
        else []
    )
    history = History(booking, selectors.booking_history(booking=booking, user=user), user=user)
    errors = list(page_errors or []) + error_links(*built.values())
    return render(
        request,
        "web/booking.html",
        {
            "booking": booking,
            "hearing": booking.hearing,
            "witness": booking.witness,
            "suite": booking.suite,
            "shows_suite_address": may_see_whereabouts(user, booking.suite),
            # Whether cancelling stands the witness down by text (asked only when it may).
            "texts_witness": "cancel" in built and will_be_texted(booking.witness),
            "allowed": allowed,
            "forms": built,
            "flags": [{"flag": flag, "label": attention_words(flag.kind)} for flag in flags],
            "history": history.entries(),
            "message_rows": _message_rows(booking),
            "errors": errors,
            "any_action": bool(built),
            "sets_video_link": may_set_video_link(user, booking),
            # Shown by the form that moves the booking, to those who may see them.
            "dates_to_avoid": near_rows(user, booking.witness, booking.starts_at, booking.ends_at)
            if "reschedule" in built
            else [],
        },
        status=status,
    )


@login_required
@require_safe
def booking(request, pk: int):
    """A booking: the details, what needs attention, the actions the user may take, the
    messages sent about it, and its history."""
    booking = _visible_booking(request, pk)
    audit.record_access([booking.witness], via="booking page", booking=booking.reference)
    return _render_booking(request, booking)


# --- The actions: one service each, then back to the booking page ----------------------------

#: Refusals that mean the booking is no longer what the person saw: reload, then decide.
STALE_CODES = {"booking_changed", "invalid_transition"}


def _act(request, pk: int, name: str, perform):
    booking = _visible_booking(request, pk)
    require(request.user, ACTIONS[name].ability)
    form = _form(name, booking, request.POST)
    if not form.is_valid():
        return _render_booking(request, booking, bound={name: form}, status=400)
    # Compare-and-swap against the version the person was looking at, not the one just read.
    booking.version = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            message = perform(request.user, booking, form.cleaned_data)
    except DomainError as refusal:
        if refusal.code in STALE_CODES:
            fresh = _visible_booking(request, pk)
            reload = ErrorLink(
                f"{refusal.detail} Reload the booking to see what changed.",
                reverse("web:booking", args=[pk]),
            )
            return _render_booking(request, fresh, page_errors=[reload], status=409)
        add_refusal(form, refusal, form.refusal_fields, form.refusal_codes)
        return _render_booking(request, booking, bound={name: form}, status=refusal.status_code)
    messages.success(request, message)
    return redirect("web:booking", pk=pk)


def _action(name: str):
    """Makes `perform(actor, booking, data)`, which calls the action's service and says what
    was done, into the view that POSTs the action's form."""

    def view_of(perform):
        @login_required
        @require_POST
        @wraps(perform)
        def view(request, pk: int):
            return _act(request, pk, name, perform)

        return view

    return view_of


@_action("reschedule")
def booking_reschedule(actor, booking: Booking, data) -> str:
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
        return f"Booking {moved.reference} already had that time and suite: nothing changed."
    told = " The witness will get a text." if will_be_texted(moved.witness) else ""
    return (
        f"Booking {moved.reference} moved to {when(moved.starts_at)} to "
        f"{local(moved.ends_at):%H:%M} at {moved.suite.name}.{told}"
    )


def _clash_refusal(refusal) -> str:
    """The dates to avoid a move would fall in (the rule's refusal names them), in the page's
    words, and what to do about it."""
    return f"{clash_words(refusal.periods)}. To move the booking there anyway, enter why"


@_action("cancel")
def booking_cancel(actor, booking: Booking, data) -> str:
    cancelled = services.booking_cancel(actor=actor, booking=booking, reason=data["reason"])
    told = (
        " The witness will get a text standing them down."
        if will_be_texted(cancelled.witness)
        else ""
    )
    return f"Booking {cancelled.reference} cancelled.{told}"


@_action("check_in")
def booking_check_in(actor, booking: Booking, data) -> str:
    arrived = services.booking_check_in(actor=actor, booking=booking, at=data.get("at"))
    return f"{arrived.witness.full_name} checked in at {local(arrived.checked_in_at):%H:%M}."


@_action("outcome")
def booking_outcome(actor, booking: Booking, data) -> str:
    done = services.booking_complete(
        actor=actor,
        booking=booking,
        outcome=data["outcome"],
        released_at=data.get("released_at"),
    )
    released = f", released at {local(done.released_at):%H:%M}" if done.released_at else ""
    return f"Outcome recorded for booking {done.reference}: {done.get_outcome_display()}{released}."


@login_required
@require_POST
def booking_flag_resolve(request, pk: int, flag_pk: int):
    booking = _visible_booking(request, pk)
    require(request.user, ACTIONS["resolve"].ability)
    flag = get_object_or_404(booking.flags.all(), pk=flag_pk)
    services.attention_flag_resolve(actor=request.user, flag=flag)
    messages.success(request, f"Marked as dealt with: {attention_words(flag.kind)}.")
    return redirect("web:booking", pk=pk)


urlpatterns = [
    path("bookings/<int:pk>/", booking, name="booking"),
    path("bookings/<int:pk>/reschedule/", booking_reschedule, name="booking-reschedule"),
    path("bookings/<int:pk>/cancel/", booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/check-in/", booking_check_in, name="booking-check-in"),
    path("bookings/<int:pk>/outcome/", booking_outcome, name="booking-outcome"),
    path(
        "bookings/<int:pk>/attention/<int:flag_pk>/resolve/",
        booking_flag_resolve,
        name="booking-flag-resolve",
    ),
]
