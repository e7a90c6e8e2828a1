"""Staff pages: book a witness, in three plain GET/POST steps, the choices so far carried in the
query string or hidden fields, so it works without JavaScript and the back button does no harm:

1. `/book/`          choose or add the hearing and the witness; optionally narrow the time
                     (this module)
2. `/book/suite/`    choose one of the suites free then, nearest the court first
3. `/book/confirm/`  special measures, then `booking_create` (both in web/pages/book_suite.py)

Only a role that may schedule books; the hearings and witnesses offered are scoped by the same
selectors as the API, and every rule is the services' to apply.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from accounts import audit
from bookings import selectors, services
from bookings.models import HearingStatus
from core import inputs
from core.clock import LONDON, local
from core.errors import DomainError

from ..forms.book import NEW, BookStartForm
from ..forms.errors import ErrorLink, add_refusal, error_links
from ..forms.witnesses import language_radios
from .access import require
from .unavailability import dates_to_avoid, period_rows

#: How many hearings or witnesses step 1 lists before asking for a narrower search: a few
#: before any search, more once the list is narrowed to a court's day or a name.
SHORT_LIST = 8
LIST_LIMIT = 25
#: The chosen witness's next dates to avoid, shown by the time they are needed.
DATES_SHOWN = 10


def bookable(user):
    """What the user may book: the listed hearings and the witnesses not anonymised."""
    hearings = selectors.hearing_list(user=user).filter(status=HearingStatus.LISTED)
    witnesses = selectors.witness_list(user=user).filter(anonymised_at__isnull=True)
    return hearings, witnesses


def _filters(query) -> dict:
    """`?court=&date=&q=`: which hearings and witnesses step 1 lists. A court or date that is
    not one the service could hold is left out, and `problems` says so on the page."""
    court, day, name = query.get("court", ""), query.get("date", ""), query.get("q", "")
    problems = []
    if not inputs.is_plain_text(name):  # PostgreSQL refuses a NUL in a query outright
        problems.append(ErrorLink("Enter a name without control characters", "#witness-choice"))
        name = ""
    if court and inputs.id_from(court) is None:
        problems.append(ErrorLink("Choose a court from the list", "#hearing-choice"))
    if day and inputs.date_from(day) is None:
        problems.append(
            ErrorLink(
                f"Choose a day between {inputs.EARLIEST_YEAR} and {inputs.LATEST_YEAR}",
                "#hearing-choice",
            )
        )
    return {
        "court": inputs.id_from(court),
        "date": inputs.date_from(day),
        "q": name.strip()[:120],
        "problems": problems,
    }


def _short_list(listed, limit: int, every, selected: str):
    """The first `limit` of `listed` and whether there were more; the one already chosen (from
    `every`) is put first when it is not among them."""
    options = list(listed[: limit + 1])
    more = len(options) > limit
    options = options[:limit]
    if selected.isdigit() and all(str(option.pk) != selected for option in options):
        options = [*every.filter(pk=selected), *options]
    return options, more


def _hearing_options(hearings, filters, selected: str):
    listed = hearings.order_by("starts_at", "court__name", "id")
    if filters["court"]:
        listed = listed.filter(court_id=filters["court"])
    if filters["date"]:
        start = datetime.combine(filters["date"], time.min, tzinfo=LONDON)
        listed = listed.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
    else:
        today = datetime.combine(local(timezone.now()).date(), time.min, tzinfo=LONDON)
        listed = listed.filter(starts_at__gte=today)
    limit = LIST_LIMIT if filters["court"] or filters["date"] else SHORT_LIST
    return _short_list(listed, limit, hearings, selected)


def _witness_options(witnesses, filters, selected: str):
    found = witnesses.order_by("full_name", "id")
    if filters["q"]:
        found = found.filter(full_name__icontains=filters["q"])
    limit = LIST_LIMIT if filters["q"] else SHORT_LIST
    return _short_list(found, limit, witnesses, selected)


def _day_choices(chosen: date | None) -> list[date]:
    """The days a scheduler usually books for: the next three weeks' weekdays (and the day
    asked for, if it is another)."""
    today = local(timezone.now()).date()
    days = [today + timedelta(days=n) for n in range(21)]
    days = [day for day in days if day.weekday() < 5]
    if chosen and chosen not in days:
        days = sorted([*days, chosen])
    return days


def step_query(**values) -> str:
    """The choices so far as the next step's query string, the blank ones left out."""
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def hhmm(value) -> str:
    """A time of day as the steps carry it: "10:00"."""
    return value.strftime("%H:%M") if value else ""


def _dates_to_avoid(user, witness) -> list[dict]:
    """The chosen witness's dates to avoid from today on, by the time they are needed."""
    if witness is None:
        return []
    return period_rows(dates_to_avoid(user, witness)[:DATES_SHOWN])


#: Where a refusal from `hearing_create` or `witness_create` is shown on step 1.
NEW_RECORD_FIELDS = {
    "starts_at": "hearing_starts",
    "ends_at": "hearing_ends",
    "collar_number": "witness_collar_number",
}


@login_required
def book(request):
    """Step 1: the hearing and the witness, found or added, and the time if not all of it."""
    user = request.user
    require(user, "schedule")
    hearings, witnesses = bookable(user)
    forces = selectors.force_list(user=user) if user.force_id is None else None
    form_kwargs = {
        "hearings": hearings,
        "witnesses": witnesses,
        "courts": selectors.court_list(user=user),
        "forces": forces,
    }
    filters = _filters(request.GET)
    status = 200
    if request.method == "POST":
        form = BookStartForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Both or neither: a refused witness must not leave a new hearing behind.
                with transaction.atomic():
                    hearing = data.get("hearing_object") or services.hearing_create(
                        court=data["hearing_court"],
                        case_reference=data["hearing_case_reference"],
                        hearing_type=data["hearing_type"],
                        courtroom=data["hearing_courtroom"].strip(),
                        starts_at=data["hearing_starts_at"],
                        ends_at=data["hearing_ends_at"],
                    )
                    witness = data.get("witness_object") or services.witness_create(
                        full_name=data["witness_full_name"],
                        witness_type=data["witness_type"],
                        force=data.get("witness_force") or user.force,
                        collar_number=data["witness_collar_number"],
                        phone=data["witness_phone"],
                        email=data["witness_email"],
                        language=data["witness_language"],
                    )
            except DomainError as refusal:
                add_refusal(form, refusal, NEW_RECORD_FIELDS)
                status = 400
            else:
                query = step_query(
                    hearing=hearing.pk,
                    witness=witness.pk,
                    start=hhmm(data.get("start_time")),
                    end=hhmm(data.get("end_time")),
                )
                return redirect(f"{reverse('web:book-suite')}?{query}")
        else:
            status = 400
    else:
        form = BookStartForm(
            initial={
                "hearing": request.GET.get("hearing", ""),
                "witness": request.GET.get("witness", ""),
                "start_time": request.GET.get("start", ""),
                "end_time": request.GET.get("end", ""),
                # A hearing added after searching a court's day is most likely on that day.
                "hearing_court": filters["court"],
                "hearing_date": filters["date"],
                # A new witness of the scheduler's force: its default, until they say otherwise.
                "witness_language": user.force.default_witness_language if user.force else "",
            },
            **form_kwargs,
        )
    selected_hearing = form.chosen("hearing")
    selected_witness = form.chosen("witness")
    hearing_options, more_hearings = _hearing_options(hearings, filters, selected_hearing)
    witness_options, more_witnesses = _witness_options(witnesses, filters, selected_witness)
    # Each witness listed is a read of their personal data; what was searched for is a name.
    audit.record_access(
        witness_options, via="book a witness: search" if filters["q"] else "book a witness"
    )
    chosen_witness = next((w for w in witness_options if str(w.pk) == selected_witness), None)
    return render(
        request,
        "web/book.html",
        {
            "form": form,
            "errors": filters["problems"] + error_links(form),
            "filters": filters,
            "days": _day_choices(filters["date"]),
            "courts": form.fields["hearing_court"].queryset,
            "hearing_options": hearing_options,
            "more_hearings": more_hearings,
            "witness_options": witness_options,
            "more_witnesses": more_witnesses,
            "selected_hearing": selected_hearing,
            "selected_witness": selected_witness,
            "chosen_witness": chosen_witness,
            "dates_to_avoid": _dates_to_avoid(user, chosen_witness),
            "language_radios": language_radios(user.force),
            "new": NEW,
        },
        status=status,
    )


urlpatterns = [
    path("book/", book, name="book"),
]
