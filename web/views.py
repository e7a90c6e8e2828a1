"""Staff pages. Each view parses its input, calls the same services and selectors as the API
(with the same role scoping), and renders a GOV.UK page."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from bookings import selectors
from core.clock import LONDON, local
from core.throttling import PageRateThrottle

from .forms.errors import ErrorLink, error_links
from .forms.sign_in import SignInForm
from .pages.list_changes import changes_waiting_for


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Failed and successful attempts alike, per client address (10 a minute: settings).
        throttle = PageRateThrottle("sign_in_page")
        if not throttle.allow_request(request, None):
            # Unbound, so the password of a refused attempt is never checked (nor counted).
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")}
            )
            response = render(
                request,
                self.template_name,
                {
                    "form": form,
                    "errors": [
                        ErrorLink(
                            "Too many sign-in attempts. Wait a minute, then try again.",
                            "#id_username",
                        )
                    ],
                },
                status=429,
            )
            response["Retry-After"] = throttle.retry_after()
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "errors": error_links(context["form"])}


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def today(request):
    """The day's bookings by suite and time, and what needs attention: the bookings' own
    items, and the court list changes waiting for a decision that would move or stand down
    witnesses the user sees."""
    now = timezone.now()
    day = local(now).date()
    start = datetime.combine(day, time.min, tzinfo=LONDON)
    bookings = (
        selectors.booking_list(user=request.user)
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .order_by("suite__name", "starts_at")
    )
    by_suite = defaultdict(list)
    for booking in bookings:
        by_suite[booking.suite].append(booking)
    attention = selectors.attention_items(user=request.user, now=now)
    list_changes = changes_waiting_for(request.user)
    return render(
        request,
        "web/today.html",
        {
            "day": day,
            "by_suite": dict(by_suite),
            "attention": attention,
            "list_changes": list_changes,
            "attention_count": len(attention) + len(list_changes),
        },
    )
