"""The witness's page, opened from the link in their SMS. No account: the link's secret is the
key. Plain English, phone-first, and no personal data beyond what they need to turn up."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services as booking_services
from bookings.models import BookingStatus
from core.clock import local
from core.throttling import PageRateThrottle

from .links import booking_for_token


# The link's secret is the only credential, so a cross-site post would need it too; and the
# page's no-referrer policy makes browsers send `Origin: null`, which Django's CSRF check
# refuses. So no CSRF token here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def witness_page(request, token: str):
    # Guessing tokens is what the limit is for: 30 a minute per address (settings).
    throttle = PageRateThrottle("witness_page")
    if not throttle.allow_request(request, None):
        response = render(request, "notifications/witness_rate_limited.html", status=429)
        response["Retry-After"] = throttle.retry_after()
        return response
    booking = booking_for_token(token)
    if booking is None:
        return render(
            request,
            "notifications/witness_not_found.html",
            {"contact": settings.WITNESS_CARE_PHONE},
            status=404,
        )
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "attend":
            booking_services.booking_witness_confirm(booking=booking, channel="web page")
        elif answer == "cannot_attend":
            booking_services.booking_witness_cannot_attend(booking=booking, channel="web page")
        else:
            return HttpResponse("Choose one of the buttons.", status=400)
        return redirect(request.path + f"?answered={answer}")
    suite = booking.suite
    start = local(booking.starts_at)
    context = {
        "booking": booking,
        "suite": suite,
        "start": start,
        "arrive": local(booking.arrive_by),
        "court": booking.hearing.court,
        "is_cancelled": booking.status == BookingStatus.CANCELLED,
        "is_open": booking.status == BookingStatus.CONFIRMED,
        "answered": request.GET.get("answered"),
        "contact": suite.contact_phone or settings.WITNESS_CARE_PHONE,
    }
    response = render(request, "notifications/witness_page.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link's secret never leaves in a Referer
    response["X-Robots-Tag"] = "noindex"
    return response
