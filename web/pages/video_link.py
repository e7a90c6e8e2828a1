"""Staff pages: the court's side of a booking's live link, a join link or the court's room
number, and a guest PIN (what the MoJ's Book a Video Link records too).

Schedulers of the booking's force and users of its court set it (the `set_video_link` ability,
and `bookings.rules.video_link_refusal` for which bookings); the suite's calendar invite and the
court's feed carry it, a witness's text and page never do. Saving it is
`bookings.services.booking_set_video_link`'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.permissions import may
from bookings import rules, selectors, services
from bookings.models import Booking
from core.errors import DomainError

from ..forms.errors import ErrorLink, error_links
from ..forms.video_link import VideoLinkForm
from .access import require


def may_set_video_link(user, booking: Booking) -> bool:
    """Whether the booking page offers to add or change the court's link: the user's role and
    this booking (the rule's), and a booking still to happen."""
    return (
        may(user, "set_video_link")
        and rules.video_link_refusal(user, booking) is None
        and booking.is_open
    )


def _booking_to_link(request, pk: int) -> Booking:
    booking = get_object_or_404(
        selectors.booking_list(user=request.user).select_related("suite"), pk=pk
    )
    require(request.user, "set_video_link")
    refusal = rules.video_link_refusal(request.user, booking)
    if refusal is not None:
        if refusal.status_code == 404:
            raise Http404(refusal.detail)
        raise PermissionDenied(refusal.detail)
    return booking


def _saved(booking: Booking, *, changed: bool) -> str:
    if not changed:
        return (
            f"The court's video link for booking {booking.reference} is as it was: nothing changed."
        )
    email = booking.suite.contact_email
    invite = (
        f"The suite's calendar invitation was updated with it and sent to {email}."
        if email
        else "The suite has no contact email, so no calendar invitation was sent."
    )
    return f"The court's video link is saved for booking {booking.reference}. {invite}"


@login_required
@require_http_methods(["GET", "POST"])
def booking_video_link(request, pk: int):
    booking = _booking_to_link(request, pk)
    form = VideoLinkForm(request.POST if request.method == "POST" else None, booking=booking)
    page_errors: list[ErrorLink] = []
    status = 400
    if form.is_bound and form.is_valid():
        before = booking.link_version
        try:
            saved = services.booking_set_video_link(
                actor=request.user, booking=booking, **form.link()
            )
        except DomainError as refusal:
            named = [name for name in refusal.fields or {} if name in form.refusal_fields]
            for name in named:
                form.add_error(form.refusal_fields[name], refusal.fields[name])
            if not named:  # a booking cancelled or over meanwhile, say
                page_errors = [ErrorLink(refusal.detail, "#main-content")]
            status = refusal.status_code
        else:
            messages.success(request, _saved(saved, changed=saved.link_version != before))
            return redirect("web:booking", pk=booking.pk)
    errors = page_errors + error_links(form)
    return render(
        request,
        "web/booking_video_link.html",
        {"booking": booking, "form": form, "errors": errors},
        status=status if errors else 200,
    )


urlpatterns = [
    path("bookings/<int:pk>/video-link/", booking_video_link, name="booking-video-link"),
]
