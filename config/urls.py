from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView
from bookings import api as bookings_api
from bookings import views as feed_views
from bookings.api import unavailability_import
from config import health
from core import errors
from court_lists import api as court_lists_api
from evidence_suites import api as suites_api
from notifications import api as notifications_api
from notifications import views as witness_views
from notifications import webhooks
from reports import api as reports_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("forces", suites_api.ForceViewSet, basename="force")
router.register("suites", suites_api.SuiteViewSet, basename="suite")
router.register("courts", bookings_api.CourtViewSet, basename="court")
router.register("hearings", bookings_api.HearingViewSet, basename="hearing")
router.register("witnesses", bookings_api.WitnessViewSet, basename="witness")
router.register("bookings", bookings_api.BookingViewSet, basename="booking")
router.register("attention", bookings_api.AttentionViewSet, basename="attention")
router.register("feed-tokens", bookings_api.FeedTokenViewSet, basename="feed-token")
router.register("report-assumptions", reports_api.AssumptionViewSet, basename="assumption")
router.register("court-lists", court_lists_api.CourtListViewSet, basename="court-list")
router.register("list-changes", court_lists_api.ListChangeViewSet, basename="list-change")

closures = bookings_api.ClosureViewSet
unavailability = bookings_api.UnavailabilityViewSet

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("availability/", bookings_api.AvailabilityView.as_view(), name="availability"),
    path("reports/hours-saved/", reports_api.HoursSavedView.as_view(), name="hours-saved"),
    path(
        "reports/management-information/",
        reports_api.ManagementInformationView.as_view(),
        name="management-information",
    ),
    path(
        "bookings/<int:pk>/notifications/",
        notifications_api.BookingNotificationsView.as_view(),
        name="booking-notifications",
    ),
    path(
        "suites/<int:suite_pk>/closures/",
        closures.as_view({"get": "list", "post": "create"}),
        name="suite-closures",
    ),
    path(
        "suites/<int:suite_pk>/closures/<int:pk>/",
        closures.as_view({"get": "retrieve", "delete": "destroy"}),
        name="suite-closure",
    ),
    # A witness's dates to avoid (the imports, witnesses/<id>/unavailability/import/ and
    # unavailability/import/, are routed beside these).
    path(
        "witnesses/<int:witness_pk>/unavailability/",
        unavailability.as_view({"get": "list", "post": "create"}),
        name="witness-unavailability",
    ),
    path(
        "witnesses/<int:witness_pk>/unavailability/<int:pk>/",
        unavailability.as_view({"delete": "destroy"}),
        name="witness-unavailability-period",
    ),
    path(
        "witnesses/<int:witness_pk>/unavailability/import/",
        unavailability_import.RosterImportView.as_view(),
        name="witness-unavailability-import",
    ),
    path(
        "unavailability/import/",
        unavailability_import.ForceCsvImportView.as_view(),
        name="unavailability-import",
    ),
    *router.urls,
]

# Anything else under /api/ is a 404 in the API's error shape, in development too.
api_not_found = [re_path(r"^api/", errors.json_404)]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, as the Content Security Policy wants.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio-status"),
    path("webhooks/twilio/inbound/", webhooks.twilio_inbound, name="twilio-inbound"),
    path("w/<str:token>/", witness_views.witness_page, name="witness-page"),
    path("w/<str:token>/calendar.ics", witness_views.witness_calendar, name="witness-calendar"),
    path("feeds/<str:token>.ics", feed_views.feed, name="feed"),
    path("feeds/", feed_views.feed, name="feed-by-query"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    *api_not_found,
    path("", include("web.urls")),
]

handler404 = "core.errors.json_404"
handler500 = "core.errors.json_500"
