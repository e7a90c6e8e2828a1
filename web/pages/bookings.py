"""Staff pages: book a witness (three steps), a booking's page, and the actions on it.

Booking a witness is three plain GET/POST steps, the choices so far carried in the query
string or hidden fields, so it works without JavaScript and the back button does no harm:

1. `/book/`          choose or add the hearing and the witness; optionally narrow the time
2. `/book/suite/`    choose one of the suites free then, nearest the court first
3. `/book/confirm/`  special measures, then `booking_create`

What a user sees is scoped by the same selectors as the API; what they may do is checked
here per action (the same roles as the API's), and every rule is the services' to apply.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST, require_safe

from accounts import audit
from accounts.models import Role
from accounts.permissions import has_role
from bookings import selectors, services, visibility
from bookings.models import (
    OPEN_STATUSES,
    AttentionKind,
    Booking,
    BookingStatus,
    HearingStatus,
    LiveLinkBasis,
    Outcome,
)
from core import inputs
from core.clock import LONDON, local
from core.errors import DomainError
from evidence_suites.models import Suite
from notifications.models import FAILED_STATUSES, Message, Status

from ..forms_bookings import (
    NEW,
    BookChoiceForm,
    BookConfirmForm,
    BookStartForm,
    CancelForm,
    CheckInForm,
    ErrorLink,
    OutcomeForm,
    RescheduleForm,
    add_refusal,
    error_links,
)
from .suites import may_see_whereabouts

#: How many hearings or witnesses step 1 lists before asking for a narrower search: a few
#: before any search, more once the list is narrowed to a court's day or a name.
SHORT_LIST = 8
LIST_LIMIT = 25


# --- Who may do what (the API's roles; admins always may) ------------------------------------


def can_schedule(user) -> bool:
    """Book, move and cancel; deal with attention items."""
    return has_role(user, Role.SCHEDULER)


def can_attend(user) -> bool:
    """Check a witness in and record the outcome: schedulers, and suite managers at their
    force's suites (the only bookings `booking_list` shows them)."""
    return has_role(user, Role.SCHEDULER, Role.SUITE_MANAGER)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Your role does not allow this.")


def _when(moment: datetime | None) -> str:
    """'Wednesday 24 March 2027, 10:00' in London time."""
    return dateformat.format(local(moment), "l j F Y, H:i") if moment else ""


def _texts_witness(witness) -> bool:
    return bool(witness.phone) and not witness.sms_opt_out


# --- Book a witness, step 1 -----------------------------------------------------------------


def _bookable(user):
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
    options = list(listed[: limit + 1])
    more = len(options) > limit
    options = options[:limit]
    if selected.isdigit() and all(str(h.pk) != selected for h in options):
        options = [*hearings.filter(pk=selected), *options]
    return options, more


def _witness_options(witnesses, filters, selected: str):
    found = witnesses.order_by("full_name", "id")
    if filters["q"]:
        found = found.filter(full_name__icontains=filters["q"])
    limit = LIST_LIMIT if filters["q"] else SHORT_LIST
    options = list(found[: limit + 1])
    more = len(options) > limit
    options = options[:limit]
    if selected.isdigit() and all(str(w.pk) != selected for w in options):
        options = [*witnesses.filter(pk=selected), *options]
    return options, more


def _day_choices(chosen: date | None) -> list[date]:
    """The days a scheduler usually books for: the next three weeks' weekdays (and the day
    asked for, if it is another)."""
    today = local(timezone.now()).date()
    days = [today + timedelta(days=n) for n in range(21)]
    days = [day for day in days if day.weekday() < 5]
    if chosen and chosen not in days:
        days = sorted([*days, chosen])
    return days


def _step_query(**values) -> str:
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if value else ""


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
    _require(can_schedule(user))
    hearings, witnesses = _bookable(user)
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
                    )
            except DomainError as refusal:
                add_refusal(form, refusal, NEW_RECORD_FIELDS)
                status = 400
            else:
                query = _step_query(
                    hearing=hearing.pk,
                    witness=witness.pk,
                    start=_hhmm(data.get("start_time")),
                    end=_hhmm(data.get("end_time")),
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
            "new": NEW,
        },
        status=status,
    )


# --- Book a witness, steps 2 and 3 ----------------------------------------------------------


def _choice(request, data):
    hearings, witnesses = _bookable(request.user)
    choice = BookChoiceForm(data, hearings=hearings, witnesses=witnesses)
    return choice if choice.is_valid() else None


def _back_to_start(data):
    """Step 1 again, with what was chosen still chosen and the hearing's day listed."""
    return redirect(f"{reverse('web:book')}?{_step_query(**_carried(data))}")


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
        "start": _hhmm(data.get("start")),
        "end": _hhmm(data.get("end")),
    }
    start = reverse("web:book")
    listed_day = {"court": hearing.court_id, "date": local(hearing.starts_at).date().isoformat()}
    return {
        "hearing": f"{start}?{_step_query(**carried, **listed_day)}#hearing-choice",
        "witness": f"{start}?{_step_query(**carried, **listed_day)}#witness-choice",
        "window": f"{start}?{_step_query(**carried, **listed_day)}#window",
        "suite": f"{reverse('web:book-suite')}?{_step_query(**carried, suite=data.get('suite'))}",
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
    _require(can_schedule(request.user))
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
    "hearing_not_listed": "hearing",
    "window_in_past": "window",
}


def _refusal_target(refusal: DomainError) -> str:
    for name in refusal.fields or {}:
        if name in CONFIRM_TARGETS:
            return CONFIRM_TARGETS[name]
    return CONFIRM_CODE_TARGETS.get(refusal.code, "suite")


@login_required
def book_confirm(request):
    """Step 3: check the choices, add special measures, and book."""
    _require(can_schedule(request.user))
    source = request.POST if request.method == "POST" else request.GET
    choice = _choice(request, source)
    if choice is None:
        return _back_to_start(source)
    data = choice.cleaned_data
    if not data.get("suite"):
        return redirect(f"{reverse('web:book-suite')}?{_step_query(**_carried(source))}")
    suite = Suite.objects.select_related("force").filter(pk=data["suite"]).first()
    if suite is None:
        return redirect(f"{reverse('web:book-suite')}?{_step_query(**_carried(source))}")
    hearing, witness = data["hearing"], data["witness"]
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
                )
            except DomainError as error:
                refusal = error
            else:
                told = (
                    "The witness will get a text."
                    if _texts_witness(witness)
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
            "texts_witness": _texts_witness(witness),
        },
        status=refusal.status_code if refusal else (400 if form.errors else 200),
    )


# --- A booking's page -----------------------------------------------------------------------


ACTION_WORDS = {
    "created": "Booked",
    "rescheduled": "Moved",
    "moved_with_hearing": "Moved with the hearing",
    "relist_conflict": "Could not follow the relisted hearing",
    "details_changed": "Details changed",
    "cancelled": "Cancelled",
    "checked_in": "Checked in",
    "completed": "Outcome recorded",
    "attention_resolved": "Marked as dealt with",
    "witness_confirmed": "Witness said they will attend",
    "witness_cannot_attend": "Witness said they cannot attend",
    "sms_sending": "Text being sent",
    "sms_queued": "Text accepted by the provider",
    "sms_sent": "Text sent",
    "sms_delivered": "Text delivered",
    "sms_undelivered": "Text not delivered",
    "sms_failed": "Text could not be sent",
    "email_sent": "Email sent",
    "email_failed": "Email could not be sent",
}

FIELD_WORDS = {
    "status": "Status",
    "hearing": "Hearing",
    "witness": "Witness",
    "suite": "Suite",
    "starts_at": "From",
    "ends_at": "Until",
    "cancellation_reason": "Reason",
    "checked_in_at": "Arrived",
    "released_at": "Released",
    "outcome": "Outcome",
    "witness_confirmed_at": "Witness confirmed",
    "attention": "Needs attention",
    "message": "Message",
    "error_code": "Error code",
    "needs_supporter": "Supporter",
    "needs_intermediary": "Intermediary",
    "interpreter_language": "Interpreter",
    "live_link_basis": "Live link direction",
    "notes": "Staff notes",
}

TIME_FIELDS = {"starts_at", "ends_at", "checked_in_at", "released_at", "witness_confirmed_at"}

MESSAGE_TAGS = {
    Status.DELIVERED: "green",
    Status.UNDELIVERED: "red",
    Status.FAILED: "red",
    Status.SUPPRESSED: "grey",
    Status.SENT: "blue",
}


def _attention_words(kind: str) -> str:
    if kind in selectors.ATTENTION_LABELS:
        return selectors.ATTENTION_LABELS[kind]
    try:
        return AttentionKind(kind).label
    except ValueError:
        return str(kind)


class _History:
    """A booking's history in words: when, who, what, and each change before → after."""

    def __init__(self, booking: Booking, events, *, user):
        self.booking = booking
        self.user = user
        self.events = list(events)
        suite_ids = {
            value
            for event in self.events
            for value in event.changes.get("suite", [])
            if isinstance(value, int) and value != booking.suite_id
        }
        self.suites = {booking.suite_id: booking.suite.name}
        if suite_ids:
            self.suites.update(Suite.objects.filter(pk__in=suite_ids).values_list("id", "name"))

    def words(self, field: str, value) -> str | None:
        if value is None or value == "":
            return None
        booking = self.booking
        if field in TIME_FIELDS:
            try:
                return _when(datetime.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        labels = {
            "status": BookingStatus,
            "outcome": Outcome,
            "live_link_basis": LiveLinkBasis,
        }
        if field in labels:
            try:
                return labels[field](value).label
            except ValueError:
                return str(value)
        if field == "suite":
            return self.suites.get(value, f"Suite {value}")
        if field == "hearing" and value == booking.hearing_id:
            return f"{booking.hearing.case_reference} at {booking.hearing.court.name}"
        if field == "witness" and value == booking.witness_id:
            return visibility.witness_label(self.user, booking.witness)
        if field == "attention":
            return _attention_words(value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    def entries(self) -> list[dict]:
        entries = []
        for event in reversed(self.events):
            changes = []
            for field, pair in event.changes.items():
                before, after = [*pair, None, None][:2]
                if not visibility.sees(self.user, visibility.HISTORY, field):
                    continue
                changes.append(
                    {
                        "label": FIELD_WORDS.get(field, field.replace("_", " ").capitalize()),
                        "before": self.words(field, before),
                        "after": self.words(field, after)
                        or ("dealt with" if field == "attention" else "none"),
                    }
                )
            entries.append(
                {
                    "at": event.at,
                    "who": event.actor_label,
                    "what": ACTION_WORDS.get(
                        event.action, event.action.replace("_", " ").capitalize()
                    ),
                    "changes": changes,
                }
            )
        return entries


def _allowed(user, booking: Booking) -> dict[str, bool]:
    confirmed = booking.status == BookingStatus.CONFIRMED
    return {
        "reschedule": can_schedule(user) and confirmed,
        "cancel": can_schedule(user) and confirmed,
        "check_in": can_attend(user) and confirmed,
        "outcome": can_attend(user) and booking.status in OPEN_STATUSES,
        "resolve": can_schedule(user),
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


def _message_rows(booking: Booking) -> list[dict]:
    rows = []
    for message in Message.objects.filter(booking=booking).order_by("created_at", "id"):
        rows.append(
            {
                "message": message,
                "tag": MESSAGE_TAGS.get(message.status, "light-blue"),
                "failed": message.status in FAILED_STATUSES,
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
    forms = {
        "reschedule": lambda: RescheduleForm(
            prefix="reschedule", booking=booking, suites=_suites_for_reschedule(booking)
        ),
        "cancel": lambda: CancelForm(prefix="cancel", booking=booking),
        "check_in": lambda: CheckInForm(prefix="check_in", booking=booking),
        "outcome": lambda: OutcomeForm(prefix="outcome", booking=booking),
    }
    built = {}
    for name, make in forms.items():
        if bound and name in bound:
            built[name] = bound[name]
        elif allowed[name]:
            built[name] = make()
    flags = (
        list(booking.flags.filter(resolved_at__isnull=True).order_by("created_at", "id"))
        if visibility.sees(user, visibility.BOOKING, "attention")
        else []
    )
    history = _History(booking, selectors.booking_history(booking=booking), user=user)
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
            "allowed": allowed,
            "forms": built,
            "flags": [{"flag": flag, "label": _attention_words(flag.kind)} for flag in flags],
            "history": history.entries(),
            "message_rows": _message_rows(booking),
            "errors": errors,
            "any_action": any(name in built for name in forms),
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


def _act(request, pk: int, name: str, form_class, perform):
    booking = _visible_booking(request, pk)
    checks = {"reschedule": can_schedule, "cancel": can_schedule}
    _require(checks.get(name, can_attend)(request.user))
    extra = {"suites": _suites_for_reschedule(booking)} if name == "reschedule" else {}
    form = form_class(request.POST, prefix=name, booking=booking, **extra)
    if not form.is_valid():
        return _render_booking(request, booking, bound={name: form}, status=400)
    # Compare-and-swap against the version the person was looking at, not the one just read.
    booking.version = form.cleaned_data["version"]
    try:
        with transaction.atomic():
            message = perform(booking, form.cleaned_data)
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


@login_required
@require_POST
def booking_reschedule(request, pk: int):
    def perform(booking, data):
        before = (booking.suite_id, booking.starts_at, booking.ends_at)
        moved = services.booking_reschedule(
            actor=request.user,
            booking=booking,
            suite=data["suite_object"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
        if before == (moved.suite_id, moved.starts_at, moved.ends_at):
            return f"Booking {moved.reference} already had that time and suite: nothing changed."
        told = " The witness will get a text." if _texts_witness(moved.witness) else ""
        return (
            f"Booking {moved.reference} moved to {_when(moved.starts_at)} to "
            f"{local(moved.ends_at):%H:%M} at {moved.suite.name}.{told}"
        )

    return _act(request, pk, "reschedule", RescheduleForm, perform)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    def perform(booking, data):
        cancelled = services.booking_cancel(
            actor=request.user, booking=booking, reason=data["reason"]
        )
        told = (
            " The witness will get a text standing them down."
            if _texts_witness(cancelled.witness)
            else ""
        )
        return f"Booking {cancelled.reference} cancelled.{told}"

    return _act(request, pk, "cancel", CancelForm, perform)


@login_required
@require_POST
def booking_check_in(request, pk: int):
    def perform(booking, data):
        arrived = services.booking_check_in(actor=request.user, booking=booking, at=data.get("at"))
        return f"{arrived.witness.full_name} checked in at {local(arrived.checked_in_at):%H:%M}."

    return _act(request, pk, "check_in", CheckInForm, perform)


@login_required
@require_POST
def booking_outcome(request, pk: int):
    def perform(booking, data):
        done = services.booking_complete(
            actor=request.user,
            booking=booking,
            outcome=data["outcome"],
            released_at=data.get("released_at"),
        )
        released = f", released at {local(done.released_at):%H:%M}" if done.released_at else ""
        outcome = done.get_outcome_display()
        return f"Outcome recorded for booking {done.reference}: {outcome}{released}."

    return _act(request, pk, "outcome", OutcomeForm, perform)


@login_required
@require_POST
def booking_flag_resolve(request, pk: int, flag_pk: int):
    booking = _visible_booking(request, pk)
    _require(can_schedule(request.user))
    flag = get_object_or_404(booking.flags.all(), pk=flag_pk)
    services.attention_flag_resolve(actor=request.user, flag=flag)
    messages.success(request, f"Marked as dealt with: {_attention_words(flag.kind)}.")
    return redirect("web:booking", pk=pk)


urlpatterns = [
    path("book/", book, name="book"),
    path("book/suite/", book_suite, name="book-suite"),
    path("book/confirm/", book_confirm, name="book-confirm"),
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
