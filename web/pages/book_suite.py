"""Staff pages: book a witness, steps 2 and 3 (step 1 and how the steps carry the choices:
web/pages/book.py).

2. `/book/suite/`    the suites free for the whole window, nearest the court first
3. `/book/confirm/`  check the choices, add special measures, and book (`booking_create`)

A choice the user may not book (a hearing no longer listed, say) sends them back to step 1 with
what was chosen still chosen; a refusal from the rules is shown by the choice it is about.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse

from bookings import selectors, services
from bookings.models import UnavailabilityReason
from core.clock import local
from core.errors import DomainError
from evidence_suites.models import Suite
from notifications.opt_outs import will_be_texted

from ..forms.book import BookChoiceForm, BookConfirmForm
from ..forms.errors import ErrorLink, error_links
from .access import require
from .book import bookable, hhmm, step_query
from .unavailability import clash_words, near_rows


def _choice(request, data):
    hearings, witnesses = bookable(request.user)
    choice = BookChoiceForm(data, hearings=hearings, witnesses=witnesses)
    return choice if choice.is_valid() else None


def _back_to_start(data):
    """Step 1 again, with what was chosen still chosen and the hearing's day listed."""
    return redirect(f"{reverse('web:book')}?{step_query(**_carried(data))}")


def _carried(data, **extra) -> dict:
    values = {key: data.get(key, "") for key in ("hearing", "witness", "start", "end", "suite")}
    values.update(extra)
    return values


def _change_links(choice) -> dict:
    data = choice.cleaned_data
    hearing = data["hearing"]
    carried = {
        "hearing": hearing.pk,
        "witness": data["witness"].pk,
        "start": hhmm(data.get("start")),
        "end": hhmm(data.get("end")),
    }
    start = reverse("web:book")
    listed_day = {"court": hearing.court_id, "date": local(hearing.starts_at).date().isoformat()}
    return {
        "hearing": f"{start}?{step_query(**carried, **listed_day)}#hearing-choice",
        "witness": f"{start}?{step_query(**carried, **listed_day)}#witness-choice",
        "window": f"{start}?{step_query(**carried, **listed_day)}#window",
        "suite": f"{reverse('web:book-suite')}?{step_query(**carried, suite=data.get('suite'))}",
    }


def _suite_details(suite_ids) -> dict[int, Suite]:
    # Kit and accessibility notes are not in the availability rows: one query for all of them.
    return {
        suite.pk: suite
        for suite in Suite.objects.filter(pk__in=suite_ids).only(
            "id", "kit_notes", "accessibility_notes", "contact_phone"
        )
    }


@login_required
def book_suite(request):
    """Step 2: the suites free for the whole window, nearest the court first, the nearest
    chosen unless another was."""
    require(request.user, "schedule")
    choice = _choice(request, request.GET)
    if choice is None:
        return _back_to_start(request.GET)
    data = choice.cleaned_data
    hearing = data["hearing"]
    court = hearing.court
    rows = selectors.available_suites(
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        near=(court.latitude, court.longitude),
    )
    details = _suite_details([row["suite"] for row in rows])
    for row in rows:
        row["details"] = details.get(row["suite"])
    chosen = data.get("suite")
    if not any(row["suite"] == chosen for row in rows):
        chosen = rows[0]["suite"] if rows else None
    return render(
        request,
        "web/book_suite.html",
        {
            "choice": data,
            "dates_to_avoid": near_rows(
                request.user, data["witness"], data["starts_at"], data["ends_at"]
            ),
            "rows": rows,
            "chosen": chosen,
            "carried": _carried(request.GET),
            "change": _change_links(choice),
        },
    )


#: Where on the confirmation page a refusal is shown: by the field it names, else its code.
CONFIRM_TARGETS = {
    "suite": "suite",
    "starts_at": "window",
    "ends_at": "window",
    "hearing": "hearing",
    "witness": "witness",
}
CONFIRM_CODE_TARGETS = {
    "suite_unavailable": "suite",
    "suite_closed": "suite",
    "suite_inactive": "suite",
    "witness_unavailable": "witness",
    "witness_anonymised": "witness",
    "witness_unavailable_dates": "window",
    "hearing_not_listed": "hearing",
    "window_in_past": "window",
}


def _refusal_target(refusal: DomainError) -> str:
    for name in refusal.fields or {}:
        if name in CONFIRM_TARGETS:
            return CONFIRM_TARGETS[name]
    return CONFIRM_CODE_TARGETS.get(refusal.code, "suite")


def _clash_refusal(refusal, form) -> DomainError:
    """The rule's refusal of a time in the witness's dates to avoid, in the page's words
    (naming the periods), with the reason to book anyway asked for."""
    form.add_error(
        "override_unavailability", "Enter why you are booking the witness in their dates to avoid"
    )
    return DomainError(refusal.code, clash_words(refusal.periods), status_code=refusal.status_code)


@login_required
def book_confirm(request):
    """Step 3: check the choices, add special measures, and book."""
    require(request.user, "schedule")
    source = request.POST if request.method == "POST" else request.GET
    choice = _choice(request, source)
    if choice is None:
        return _back_to_start(source)
    data = choice.cleaned_data
    if not data.get("suite"):
        return redirect(f"{reverse('web:book-suite')}?{step_query(**_carried(source))}")
    suite = Suite.objects.select_related("force").filter(pk=data["suite"]).first()
    if suite is None:
        return redirect(f"{reverse('web:book-suite')}?{step_query(**_carried(source))}")
    hearing, witness = data["hearing"], data["witness"]
    dates_to_avoid = near_rows(request.user, witness, data["starts_at"], data["ends_at"])
    clashes = [row["period"] for row in dates_to_avoid if row["clashes"]]
    refusal = None
    if request.method == "POST":
        form = BookConfirmForm(request.POST)
        if form.is_valid():
            details = form.cleaned_data
            try:
                booking = services.booking_create(
                    actor=request.user,
                    hearing=hearing,
                    witness=witness,
                    suite=suite,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    needs_supporter=details["needs_supporter"],
                    needs_intermediary=details["needs_intermediary"],
                    interpreter_language=details["interpreter_language"].strip(),
                    live_link_basis=details["live_link_basis"],
                    notes=details["notes"].strip(),
                    override_unavailability=details["override_unavailability"].strip(),
                )
            except DomainError as error:
                refusal = error
                if isinstance(error, services.UnavailableDates):
                    refusal = _clash_refusal(error, form)
            else:
                told = (
                    "The witness will get a text."
                    if will_be_texted(witness)
                    else "We hold no number we can text for the witness, so tell them yourself."
                )
                messages.success(request, f"Booking {booking.reference} made. {told}")
                return redirect("web:booking", pk=booking.pk)
    else:
        form = BookConfirmForm()
    court = hearing.court
    distance = selectors.great_circle_km(
        float(court.latitude), float(court.longitude), float(suite.latitude), float(suite.longitude)
    )
    target = _refusal_target(refusal) if refusal else None
    errors = error_links(form)
    if refusal:
        errors.insert(0, ErrorLink(refusal.detail, f"#{target}"))
    return render(
        request,
        "web/book_confirm.html",
        {
            "form": form,
            "errors": errors,
            "refusal": refusal,
            "refusal_target": target,
            "choice": data,
            "suite": suite,
            "distance_km": distance,
            "carried": _carried(source),
            "change": _change_links(choice),
            "texts_witness": will_be_texted(witness),
            "dates_to_avoid": dates_to_avoid,
            "clashes": clashes,
            "on_rest_day": any(p.reason == UnavailabilityReason.REST_DAY for p in clashes),
            "overriding": bool(clashes) or form["override_unavailability"].errors,
        },
        status=refusal.status_code if refusal else (400 if form.errors else 200),
    )


urlpatterns = [
    path("book/suite/", book_suite, name="book-suite"),
    path("book/confirm/", book_confirm, name="book-confirm"),
]
