"""Staff pages: a booking's page (its details, what needs attention, links to the actions the
user may take, the messages sent about it and its history), and marking an attention item as
dealt with. Each action has a page of its own (web/pages/booking_actions.py).

What a user sees is scoped by the same selectors as the API. The page offers an action only
when the user's role has its ability (accounts.permissions, as the API's) and the booking's
status allows it (bookings.states); every rule is the services' to apply.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from accounts import audit
from bookings import selectors, services, visibility
from bookings.models import Booking
from evidence_suites.whereabouts import may_see_whereabouts
from notifications import texts
from notifications.models import FAILED_STATUSES, Channel, Message, Status

from ..history import History, attention_words
from .access import require
from .booking_actions import ACTIONS, allowed, visible_booking
from .video_link import may_set_video_link

MESSAGE_TAGS = {
    Status.DELIVERED: "green",
    Status.UNDELIVERED: "red",
    Status.FAILED: "red",
    Status.SUPPRESSED: "grey",
    Status.SENT: "blue",
}


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


def _render_booking(request, booking: Booking):
    user = request.user
    flags = (
        list(booking.flags.filter(resolved_at__isnull=True).order_by("created_at", "id"))
        if visibility.sees(user, visibility.BOOKING, "attention")
        else []
    )
    history = History(booking, selectors.booking_history(booking=booking, user=user), user=user)
    offered = allowed(user, booking)
    return render(
        request,
        "web/booking.html",
        {
            "booking": booking,
            "hearing": booking.hearing,
            "witness": booking.witness,
            "suite": booking.suite,
            "shows_suite_address": may_see_whereabouts(user, booking.suite),
            "allowed": offered,
            "any_action": any(offered[name] for name, action in ACTIONS.items() if action.form),
            "flags": [{"flag": flag, "label": attention_words(flag.kind)} for flag in flags],
            "history": history.entries(),
            "message_rows": _message_rows(booking),
            "sets_video_link": may_set_video_link(user, booking),
        },
    )


@login_required
@require_safe
def booking(request, pk: int):
    """A booking: the details, what needs attention, the actions the user may take, the
    messages sent about it, and its history."""
    booking = visible_booking(request, pk)
    audit.record_access([booking.witness], via="booking page", booking=booking.reference)
    return _render_booking(request, booking)


@login_required
@require_POST
def booking_flag_resolve(request, pk: int, flag_pk: int):
    booking = visible_booking(request, pk)
    require(request.user, ACTIONS["resolve"].ability)
    flag = get_object_or_404(booking.flags.all(), pk=flag_pk)
    services.attention_flag_resolve(actor=request.user, flag=flag)
    messages.success(request, f"Marked as dealt with: {attention_words(flag.kind)}.")
    return redirect("web:booking", pk=pk)


urlpatterns = [
    path("bookings/<int:pk>/", booking, name="booking"),
    path(
        "bookings/<int:pk>/attention/<int:flag_pk>/resolve/",
        booking_flag_resolve,
        name="booking-flag-resolve",
    ),
]
