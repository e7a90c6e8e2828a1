"""Staff pages: court lists. The courts whose published daily lists the service reads, and per
court the lists received (when, from which system, what reading each did, what it changed);
admins set a court's CaTH location id and what happens to its lists' changes. The changes
themselves, to apply or dismiss, are web/pages/list_changes.py's.

Who follows the lists is the `follow_court_lists` ability (accounts.permissions: schedulers,
court users, admins); which courts' lists a user sees, the court lists' selectors (a court
user only their own court's: another court's pages are a 404, as if it did not exist)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Role
from accounts.permissions import is_admin, may
from bookings import selectors, services
from bookings.models import Court, ListChangesPolicy
from core.errors import DomainError
from court_lists import selectors as list_selectors
from court_lists.models import ChangeKind, ChangeState
from court_lists.services import PROVENANCE_WORDS

from ..forms.court_lists import CourtListSettingsForm
from ..forms.errors import add_refusal, error_links
from .access import require
from .hearings import plural

COURTS_PER_PAGE = 50
LISTS_PER_PAGE = 25

#: A list's changes as the lists page counts them, kind by kind.
KIND_COUNTS = (
    (ChangeKind.ADDED, "new hearing", "new hearings"),
    (ChangeKind.MOVED, "moved", "moved"),
    (ChangeKind.MISSING, "not in the latest list", "not in the latest list"),
)


def own_court_only(user) -> bool:
    return user.role == Role.COURT_USER and not is_admin(user)


def visible_court(request, pk: int) -> Court:
    """The court `pk`, when the user follows court lists (403 otherwise) and may see this
    court's (a court user only their own: 404 for another)."""
    require(request.user, "follow_court_lists")
    courts = selectors.court_list(user=request.user)
    if own_court_only(request.user):
        courts = courts.filter(pk=request.user.court_id)
    return get_object_or_404(courts, pk=pk)


def policy_words(court: Court) -> str:
    if court.list_changes == ListChangesPolicy.APPLY:
        return "Applied as soon as a list is read"
    return "Proposed to staff, who apply or dismiss each one"


def source_words(provenance: str) -> str:
    """The system a list came from, as people name it (COMMON_PLATFORM: Common Platform)."""
    return PROVENANCE_WORDS.get(provenance, provenance)


def change_counts(court_list) -> str:
    """What a list changed, kind by kind: "2 new hearings, 1 moved"; "Nothing" for none."""
    parts = [
        plural(getattr(court_list, f"count_{kind}"), one, many)
        for kind, one, many in KIND_COUNTS
        if getattr(court_list, f"count_{kind}")
    ]
    return ", ".join(parts) or "Nothing"


def waiting_count(court: Court, *, user) -> int:
    """How many of the court's changes wait for a decision."""
    return (
        list_selectors.list_change_list(user=user)
        .filter(court_list__court=court, state=ChangeState.PROPOSED)
        .count()
    )


# --- The courts ------------------------------------------------------------------------------


@login_required
@require_safe
def court_list_index(request):
    """Every court, with its CaTH location id, policy, latest list and changes waiting; a
    court user goes straight to their own court's lists."""
    user = request.user
    require(user, "follow_court_lists")
    if own_court_only(user):
        if user.court_id is None:
            raise Http404("No court is set for this user.")
        return redirect("web:court-lists-received", pk=user.court_id)
    courts = selectors.court_list(user=user).annotate(
        last_received=Max("court_lists__received_at"),
        waiting=Count(
            "court_lists__changes", filter=Q(court_lists__changes__state=ChangeState.PROPOSED)
        ),
    )
    page = Paginator(courts, COURTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"court": court, "policy": policy_words(court)} for court in page.object_list]
    return render(
        request,
        "web/court_lists.html",
        {"page": page, "rows": rows, "may_administer": may(user, "administer")},
    )


# --- A court's lists received ----------------------------------------------------------------


@login_required
@require_safe
def court_lists_received(request, pk: int):
    """The court's lists, newest first: when each came and was published, its type, language
    and source, what reading it did and what it changed."""
    court = visible_court(request, pk)
    lists = (
        list_selectors.court_list_list(user=request.user)
        .filter(court=court)
        .prefetch_related(None)
        .annotate(
            **{
                f"count_{kind}": Count("changes", filter=Q(changes__kind=kind))
                for kind, _, _ in KIND_COUNTS
            }
        )
    )
    page = Paginator(lists, LISTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "list": court_list,
            "source": source_words(court_list.provenance),
            "changed": change_counts(court_list),
        }
        for court_list in page.object_list
    ]
    return render(
        request,
        "web/court_lists_received.html",
        {
            "court": court,
            "policy": policy_words(court),
            "waiting": waiting_count(court, user=request.user),
            "page": page,
            "rows": rows,
            "may_administer": may(request.user, "administer"),
        },
    )


# --- A court's list settings (admins) --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def court_list_settings(request, pk: int):
    """An admin sets the court's CaTH location id and what happens to its lists' changes; the
    change is in the audit log, as every staff write is (the court's save, with who and from
    where)."""
    court = visible_court(request, pk)
    require(request.user, "administer")
    # The form cleans into a copy: the page's court stays as it was until the service saves.
    form = CourtListSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=Court.objects.get(pk=court.pk),
    )
    if form.is_bound and form.is_valid():
        try:
            court = services.court_update(court=court, **form.cleaned_data)
        except DomainError as refusal:
            add_refusal(form, refusal, form.refusal_fields)
        else:
            location = court.cath_location_id or "none"
            messages.success(
                request,
                f"{court.name}: CaTH location id {location}; "
                f"list changes {policy_words(court).lower()}.",
            )
            return redirect("web:court-lists-received", pk=court.pk)
    return render(
        request,
        "web/court_list_settings.html",
        {"court": court, "form": form, "errors": error_links(form)},
    )


urlpatterns = [
    path("court-lists/", court_list_index, name="court-lists"),
    path("court-lists/<int:pk>/", court_lists_received, name="court-lists-received"),
    path("court-lists/<int:pk>/settings/", court_list_settings, name="court-list-settings"),
]
