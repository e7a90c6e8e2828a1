"""Staff pages: witnesses. A scheduler sees their own force's witnesses, an admin everyone's;
other roles are told there is nothing here (404), as the API does. The witness's page says the
language they are written to in, which a scheduler changes there."""

from __future__ import annotations

import phonenumbers
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.models import Role
from accounts.permissions import has_role, is_admin, may
from bookings import selectors, services
from bookings.phone import e164
from core.errors import DomainError
from notifications.models import SmsOptOut

from ..forms.errors import add_refusal, error_links
from ..forms.witnesses import (
    WitnessFilter,
    WitnessLanguageForm,
    language_radios,
    language_words,
)
from .access import require
from .unavailability import dates_to_avoid, period_rows

WITNESSES_PER_PAGE = 50
#: Past bookings shown on a witness's page, latest first.
PAST_BOOKINGS_SHOWN = 20


def _visible_witnesses(user):
    if not has_role(user, Role.SCHEDULER):
        raise Http404("No witnesses here.")
    return selectors.witness_list(user=user)


def readable_phone(number) -> str:
    """A UK number as people write it (07700 900123); others in international form."""
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@login_required
def witness_list(request):
    search = WitnessFilter(request.GET, _visible_witnesses(request.user))
    query = search.query
    page = Paginator(search.qs.order_by("full_name", "id"), WITNESSES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Each witness listed is a read of their personal data; what was searched for is a name.
    audit.record_access(page, via="witness search page" if query else "witnesses page")
    return render(
        request,
        "web/witnesses.html",
        {
            "form": search.form,
            "query": query,
            "page": page,
            "show_force": is_admin(request.user),
            "imports_dates": may(request.user, "manage_unavailability"),
        },
    )


@login_required
def witness_page(request, pk: int):
    witness = get_object_or_404(_visible_witnesses(request.user), pk=pk)
    audit.record_access([witness], via="witness page")
    phone = e164(witness.phone) if witness.phone else ""
    # The ledger says when and how the number opted out (or back in); the witness row only
    # says whether it is out now.
    ledger = SmsOptOut.objects.filter(phone=phone).first() if phone else None
    now = timezone.now()
    bookings = selectors.booking_list(user=request.user).filter(witness=witness)
    upcoming = list(bookings.filter(ends_at__gte=now).order_by("starts_at", "id"))
    past = list(
        bookings.filter(ends_at__lt=now).order_by("-starts_at", "-id")[: PAST_BOOKINGS_SHOWN + 1]
    )
    keeps_dates = may(request.user, "manage_unavailability")
    return render(
        request,
        "web/witness.html",
        {
            "witness": witness,
            "phone": phone,
            "phone_readable": readable_phone(witness.phone) if phone else "",
            "ledger": ledger,
            "upcoming": upcoming,
            "past": past[:PAST_BOOKINGS_SHOWN],
            "more_past": len(past) > PAST_BOOKINGS_SHOWN,
            "show_force": is_admin(request.user),
            "keeps_dates": keeps_dates,
            "dates_to_avoid": period_rows(dates_to_avoid(request.user, witness)),
            "language": language_words(witness.language),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def witness_language(request, pk: int):
    """Change the language a witness is written to in: their texts, page and invites."""
    witness = get_object_or_404(_visible_witnesses(request.user), pk=pk)
    require(request.user, "schedule")
    status = 200
    if request.method == "POST":
        form = WitnessLanguageForm(request.POST)
        if form.is_valid():
            try:
                services.witness_update(witness=witness, language=form.cleaned_data["language"])
            except DomainError as refusal:  # anonymised: their record is read-only
                add_refusal(form, refusal, {"language": "language"})
            else:
                words = language_words(witness.language)
                messages.success(request, format_html("{} is written to in {}.", witness, words))
                return redirect("web:witness", pk=witness.pk)
        status = 400
    else:
        form = WitnessLanguageForm(initial={"language": witness.language})
    return render(
        request,
        "web/witness_language.html",
        {
            "witness": witness,
            "form": form,
            "errors": error_links(form),
            "radios": language_radios(witness.force, changing=True),
        },
        status=status,
    )


urlpatterns = [
    path("witnesses/", witness_list, name="witnesses"),
    path("witnesses/<int:pk>/", witness_page, name="witness"),
    path("witnesses/<int:pk>/language/", witness_language, name="witness-language"),
]
