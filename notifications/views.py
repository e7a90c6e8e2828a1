"""The witness's page, opened from the link in their SMS. No account: the link's secret is the
key. Plain English, phone-first, and no personal data beyond what they need to turn up.

"I cannot attend" may carry the dates they cannot do (`forms.CannotDoDatesForm`): recorded as a
period of their dates to avoid (reason other, source witness) in the same transaction as their
reply, so their scheduler sees both the attention item and the period. Works without JavaScript.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services as booking_services
from bookings.models import Booking, BookingStatus, UnavailabilityReason, UnavailabilitySource
from core.clock import at_london, local
from core.errors import Conflict
from core.throttling import PageRateThrottle

from .forms import HINT, CannotDoDatesForm
from .links import booking_for_token

#: What the scheduler reads on a period the witness gave: no words of the witness's own.
PERIOD_NOTE = "The witness said so on their booking page ({reference})."


def _is_open(booking: Booking) -> bool:
    """Whether the witness may still answer (the page shows its buttons)."""
    return booking.status == BookingStatus.CONFIRMED


def _cannot_attend(booking: Booking, dates: tuple[date, date] | None) -> None:
    """Their reply, and the days they cannot do as one period (whole London days), together.
    The same days sent twice (a second press) are recorded once."""
    with transaction.atomic():
        period = None
        if dates and _is_open(booking):
            first, last = dates
            try:
                period = booking_services.unavailability_add(
                    actor=None,
                    witness=booking.witness,
                    starts_at=at_london(first, time.min),
                    ends_at=at_london(last + timedelta(days=1), time.min),
                    reason=UnavailabilityReason.OTHER,
                    note=PERIOD_NOTE.format(reference=booking.reference),
                    source=UnavailabilitySource.WITNESS,
                    source_key=f"{booking.reference} {first:%Y-%m-%d} {last:%Y-%m-%d}",
                )
            except Conflict as refusal:
                if refusal.code != "unavailability_exists":
                    raise
        booking_services.booking_witness_cannot_attend(
            booking=booking, channel="web page", period=period
        )


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
    today = local(timezone.now()).date()
    dates_form = CannotDoDatesForm(today=today)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "attend":
            booking_services.booking_witness_confirm(booking=booking, channel="web page")
        elif answer == "cannot_attend":
            dates_form = CannotDoDatesForm(request.POST, today=today)
            if dates_form.is_valid():
                _cannot_attend(booking, dates_form.dates())
        else:
            return HttpResponse("Choose one of the buttons.", status=400)
        if not dates_form.errors:
            return redirect(request.path + f"?answered={answer}")
    response = _page(request, booking, dates_form)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link's secret never leaves in a Referer
    response["X-Robots-Tag"] = "noindex"
    return response


def _page(request, booking: Booking, dates_form: CannotDoDatesForm) -> HttpResponse:
    suite = booking.suite
    start = local(booking.starts_at)
    context = {
        "booking": booking,
        "suite": suite,
        "start": start,
        "arrive": local(booking.arrive_by),
        "court": booking.hearing.court,
        "is_cancelled": booking.status == BookingStatus.CANCELLED,
        "is_open": _is_open(booking),
        "answered": request.GET.get("answered"),
        "contact": suite.contact_phone or settings.WITNESS_CARE_PHONE,
        "dates_form": dates_form,
        "dates_hint": HINT,
        "date_errors": dates_form.errors_by_date() if dates_form.is_bound else {},
        "errors": dates_form.error_links() if dates_form.is_bound else [],
    }
    status = 400 if dates_form.is_bound and dates_form.errors else 200
    return render(request, "notifications/witness_page.html", context, status=status)
