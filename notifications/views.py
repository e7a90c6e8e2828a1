"""The witness's page, opened from the link in their SMS. No account: the link's secret is the
key. Plain words, phone-first, and no personal data beyond what they need to turn up.

"I cannot attend" may carry the dates they cannot do (`forms.CannotDoDatesForm`): recorded as a
period of their dates to avoid (reason other, source witness) in the same transaction as their
reply, so their scheduler sees both the attention item and the period. Works without JavaScript.

The page is in the witness's language (`Witness.language`): Welsh for `cy`, Welsh first for
`en_cy` (both: the first of its parts), English for `en`. A switch at the top ("English" /
"Cymraeg") is a plain link, `?lang=en` or `?lang=cy`, which the page's forms and its redirect
keep; `<html lang>` and `Content-Language` say which the page is in. Without a booking (an
unknown link, too many requests) the page follows the switch, else the browser's languages;
an expired link knows its witness, so follows theirs. Only the page's words and its form's
validation run in the witness's language: the services (which may write to staff) do not.

Before the day (a booking still ahead), the page also has its booking reference (for when they
phone), "Add to calendar" (`calendar.ics` under the same link, the invite's facts in the page's
language), a plain link to OpenStreetMap's directions (none for a confidential suite), and what
happens on the day (witness_page_on_the_day.html).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from bookings import services as booking_services
from bookings.models import (
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    UnavailabilityReason,
    UnavailabilitySource,
)
from core.clock import at_london, local
from core.errors import Conflict
from core.languages import language_parts
from core.throttling import PageRateThrottle

from .calendar import language_tag, name_in, witness_download
from .forms import HINT, CannotDoDatesForm
from .links import booking_for_token, link_language

#: What the scheduler reads on a period the witness gave: no words of the witness's own.
PERIOD_NOTE = "The witness said so on their booking page ({reference})."

#: OpenStreetMap's directions, to a point (`?to=LAT,LON`): a plain link, no tracking parameters.
DIRECTIONS = "https://www.openstreetmap.org/directions"

#: The switch's `?lang=` values and the Django languages they choose.
SWITCH = {"en": "en-gb", "cy": "cy"}


def _chosen(request) -> str | None:
    """The switch's choice, when the address carries one (`en` or `cy`)."""
    value = request.GET.get("lang", "")
    return value if value in SWITCH else None


def _language(request, witness_language: str | None) -> str:
    """The page's Django language: the switch's, else the witness's (Welsh first when both),
    else, with no witness to ask, the browser's among ours (English when it prefers neither)."""
    if chosen := _chosen(request):
        return SWITCH[chosen]
    if witness_language is not None:
        return language_parts(witness_language)[0]
    return translation.get_language_from_request(request)


def _switch(language: str) -> list[dict]:
    """The switch's two items, each named in its own language: the page's shown as current,
    the other a link to this page in it (a relative `?lang=`, so the path, and its secret, stay
    as they are)."""
    return [
        {
            "label": label,
            "lang": language_tag(SWITCH[value]),
            "current": SWITCH[value] == language,
            "href": "?" + urlencode({"lang": value}),
            "hint": hint,
        }
        for value, label, hint in (
            ("en", "English", "Change the language to English"),
            ("cy", "Cymraeg", "Newid yr iaith i'r Gymraeg"),
        )
    ]


def _render(request, template: str, context: dict, *, language: str, status: int = 200):
    with translation.override(language):
        context = {
            **context,
            "html_lang": language_tag(language),
            "switch": _switch(language),
        }
        response = render(request, template, context, status=status)
    response["Content-Language"] = language_tag(language)
    return response


def _name(thing, language: str) -> str:
    """A court's or suite's name in the page's language; an English name standing in for a
    Welsh one is marked so, for screen readers."""
    if language == "cy" and not thing.name_cy:
        return format_html('<span lang="en-GB">{}</span>', thing.name)
    return name_in(thing, language)


def _is_open(booking: Booking) -> bool:
    """Whether the witness may still answer (the page shows its buttons)."""
    return booking.status == BookingStatus.CONFIRMED


def _is_ahead(booking: Booking) -> bool:
    """Whether the booking is still to come (not stood down, not over): the page then offers
    the calendar download, directions and what happens on the day."""
    return booking.status in OPEN_STATUSES and booking.ends_at > timezone.now()


def _directions(suite) -> str | None:
    """OpenStreetMap's directions to the suite (the witness enters where from): its coordinates
    alone, no tracking. None for a confidential suite, whose whereabouts never leave staff
    screens (evidence_suites.whereabouts)."""
    if suite.location_confidential:
        return None
    return f"{DIRECTIONS}?{urlencode({'to': f'{suite.latitude},{suite.longitude}'})}"


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


def _opened(request, token: str) -> Booking | HttpResponse:
    """The booking a live link opens, or the page saying why it does not: too many requests
    (429) or a link unknown or expired (404). The page and its calendar download share both."""
    # Guessing tokens is what the limit is for: 30 a minute per address (settings).
    throttle = PageRateThrottle("witness_page")
    if not throttle.allow_request(request, None):
        response = _render(
            request,
            "notifications/witness_rate_limited.html",
            {},
            language=_language(request, None),
            status=429,
        )
        response["Retry-After"] = throttle.retry_after()
        patch_vary_headers(response, ["Accept-Language"])  # its language may be the browser's
        return response
    booking = booking_for_token(token)
    if booking is None:
        response = _render(
            request,
            "notifications/witness_not_found.html",
            {"contact": settings.WITNESS_CARE_PHONE},
            language=_language(request, link_language(token)),
            status=404,
        )
        patch_vary_headers(response, ["Accept-Language"])
        return response
    return booking


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link's secret never leaves in a Referer
    response["X-Robots-Tag"] = "noindex"
    return response


# The link's secret is the only credential, so a cross-site post would need it too; and the
# page's no-referrer policy makes browsers send `Origin: null`, which Django's CSRF check
# refuses. So no CSRF token here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def witness_page(request, token: str):
    booking = _opened(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    language = _language(request, booking.witness.language)
    today = local(timezone.now()).date()
    dates_form = CannotDoDatesForm(today=today)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer == "attend":
            booking_services.booking_witness_confirm(booking=booking, channel="web page")
        elif answer == "cannot_attend":
            dates_form = CannotDoDatesForm(request.POST, today=today)
            with translation.override(language):  # its messages are the page's
                valid = dates_form.is_valid()
            if valid:
                _cannot_attend(booking, dates_form.dates())
        else:
            with translation.override(language):
                response = HttpResponse(gettext("Choose one of the buttons."), status=400)
            response["Content-Language"] = language_tag(language)
            return response
        if not dates_form.errors:
            query = {"answered": answer} | ({"lang": lang} if (lang := _chosen(request)) else {})
            return redirect(f"{request.path}?{urlencode(query)}")
    return _private(_page(request, booking, dates_form, language))


def _page(request, booking: Booking, dates_form: CannotDoDatesForm, language: str) -> HttpResponse:
    suite = booking.suite
    start = local(booking.starts_at)
    chosen = _chosen(request)
    context = {
        "booking": booking,
        "suite": suite,
        "suite_name": _name(suite, language),
        "start": start,
        "arrive": local(booking.arrive_by),
        "court_name": _name(booking.hearing.court, language),
        # The switch's choice goes with the page's forms (posted without JavaScript).
        "form_action": "?" + urlencode({"lang": chosen}) if chosen else "",
        "is_cancelled": booking.status == BookingStatus.CANCELLED,
        "is_open": _is_open(booking),
        "is_ahead": _is_ahead(booking),
        # Relative, as the switch is: the path, and its secret, stay as they are.
        "calendar_href": "calendar.ics" + ("?" + urlencode({"lang": chosen}) if chosen else ""),
        "directions_href": _directions(suite),
        "answered": request.GET.get("answered"),
        "contact": suite.contact_phone or settings.WITNESS_CARE_PHONE,
        "dates_form": dates_form,
        "dates_hint": HINT,
        "date_errors": dates_form.errors_by_date() if dates_form.is_bound else {},
        "errors": dates_form.error_links() if dates_form.is_bound else [],
    }
    status = 400 if dates_form.is_bound and dates_form.errors else 200
    return _render(
        request, "notifications/witness_page.html", context, language=language, status=status
    )


@require_http_methods(["GET", "HEAD"])
def witness_calendar(request, token: str):
    """ "Add to calendar": the booking as an .ics (`calendar.witness_download`) in the page's
    language (the switch's `?lang=` travels with the page's link to it), under the page's rate
    limit and expiry. A booking stood down or over has nothing to add: a page says which (410)."""
    booking = _opened(request, token)
    if isinstance(booking, HttpResponse):
        return booking
    language = _language(request, booking.witness.language)
    if not _is_ahead(booking):
        chosen = _chosen(request)
        context = {
            "is_cancelled": booking.status == BookingStatus.CANCELLED,
            "suite_name": _name(booking.suite, language),
            "start": local(booking.starts_at),
            "page_href": "./" + ("?" + urlencode({"lang": chosen}) if chosen else ""),
        }
        return _private(
            _render(
                request,
                "notifications/witness_calendar_gone.html",
                context,
                language=language,
                status=410,
            )
        )
    response = HttpResponse(
        witness_download(booking, language=language), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    response["Content-Language"] = language_tag(language)
    return _private(response)
