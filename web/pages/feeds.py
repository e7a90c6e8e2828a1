"""Staff pages: calendar feeds. Each user lists the secret feed addresses they made (admins see
everyone's), makes a new one for a court, suite or officer they may subscribe to, and revokes
one that is no longer wanted.

The staff page is `/calendar-feeds/`: `/feeds/` is the feed itself. A new address is shown
once, in the response to the POST that made it, and never again: only its hash is kept, it is
never put in a URL the browser fetches with GET, in a redirect or in the session, and that
response is not cached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from accounts.permissions import is_admin
from bookings import feeds, services
from bookings.models import FeedScope, FeedToken
from core.errors import DomainError

from ..forms.errors import error_links
from ..forms.feeds import FeedTokenForm, subject_label

SCOPE_NAMES = {
    FeedScope.COURT: "Court",
    FeedScope.SUITE: "Suite",
    FeedScope.WITNESS: "Officer",
}

#: Calendar clients by what their User-Agent says, so staff see "Microsoft Outlook" rather
#: than a version string. Checked in order; the first match wins.
CLIENTS = [
    ("Microsoft Outlook", ("outlook", "microsoft office", "exchange", "mscalendar")),
    ("Google Calendar", ("google",)),
    ("Apple Calendar", ("calendaragent", "dataaccessd", "ical/", "apple", "macos", "iphone")),
    ("Thunderbird", ("thunderbird", "lightning")),
]
UNKNOWN_CLIENT_LENGTH = 40


def client_name(user_agent: str) -> str:
    """Which calendar fetched the feed, in words."""
    text = user_agent.lower()
    for name, clues in CLIENTS:
        if any(clue in text for clue in clues):
            return name
    if not user_agent:
        return "an unnamed client"
    short = user_agent[:UNKNOWN_CLIENT_LENGTH]
    return short + ("…" if len(user_agent) > UNKNOWN_CLIENT_LENGTH else "")


def token_subject(token: FeedToken) -> str:
    """What the feed is for: "Court: Brighton Magistrates' Court"."""
    return f"{SCOPE_NAMES[token.scope]}: {subject_label(token.subject)}"


def token_row(token: FeedToken, now) -> dict:
    never = token.last_fetched_at is None
    if not feeds.token_works(token):
        state = "not_working"  # its maker may no longer subscribe: the address is a 404
    elif never and token.created_at >= now - feeds.STALE_AFTER:
        state = "new"  # just made: its calendar has not had time to fetch it
    elif feeds.is_stale(token, now):
        state = "stale"
    else:
        state = "working"
    return {
        "token": token,
        "subject": token_subject(token),
        "client": client_name(token.last_user_agent) if not never else "",
        "state": state,
    }


def _list_page(request, form: FeedTokenForm, *, status: int = 200):
    now = timezone.now()
    tokens = feeds.feed_token_list(user=request.user)
    return render(
        request,
        "web/feeds.html",
        {
            "form": form,
            "errors": error_links(form),
            "rows": [token_row(token, now) for token in tokens],
            "show_maker": is_admin(request.user),
        },
        status=status,
    )


SENT_FORMS_KEY = "feed_forms_sent"


@login_required
@require_http_methods(["GET", "POST"])
def feed_list(request):
    """The user's feeds, and the form to make one. A made feed's address is the POST's reply."""
    if request.method != "POST":
        return _list_page(request, FeedTokenForm(user=request.user))
    form_id = request.POST.get("form_id", "")
    sent = request.session.get(SENT_FORMS_KEY, [])
    if form_id and form_id in sent:
        # The same form again (the page with the address was reloaded): no second feed. The
        # address was shown once; the list has the feed, to keep or to revoke.
        messages.info(
            request,
            "That feed was already made, and its address shown once. If you did not copy "
            "it, revoke the feed below and make a new one.",
        )
        return redirect("web:feeds")
    form = FeedTokenForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token = services.feed_token_create(
                actor=request.user,
                scope=data["scope"],
                subject=data["subject"],
                label=data["label"],
            )
        except DomainError as error:
            form.add_error(data["scope"] if data["scope"] in form.fields else None, error.detail)
        else:
            # Only the form's id is kept (the last few), never anything of the address.
            request.session[SENT_FORMS_KEY] = [*sent, form_id][-20:] if form_id else sent
            response = render(
                request,
                "web/feed_created.html",
                {
                    "token": token,
                    "subject": token_subject(token),
                    "url": feeds.feed_url(token.secret),
                },
            )
            # The address is in this page only: no browser or proxy may keep a copy.
            add_never_cache_headers(response)
            return response
    return _list_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def feed_revoke(request, pk: int):
    """Confirm, then stop the address working. Only the user's own feeds (admins: anyone's)."""
    token = get_object_or_404(feeds.feed_token_list(user=request.user), pk=pk)
    if request.method == "POST":
        services.feed_token_revoke(actor=request.user, token=token)
        messages.success(
            request,
            f"The feed “{token.label or token_subject(token)}” is revoked: its address no "
            "longer works.",
        )
        return redirect("web:feeds")
    return render(
        request,
        "web/feed_revoke.html",
        {"row": token_row(token, timezone.now())},
    )


urlpatterns = [
    path("calendar-feeds/", feed_list, name="feeds"),
    path("calendar-feeds/<int:pk>/revoke/", feed_revoke, name="feed-revoke"),
]
