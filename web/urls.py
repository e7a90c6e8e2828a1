from django.urls import path

from . import views
from .pages import (
    audit,
    book,
    book_suite,
    booking_actions,
    bookings,
    court_lists,
    day_sheets,
    feeds,
    hearings,
    list_changes,
    reports,
    suites,
    unavailability,
    video_link,
    witnesses,
)

app_name = "web"

urlpatterns = [
    path("", views.today, name="today"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    *book.urlpatterns,
    *book_suite.urlpatterns,
    *bookings.urlpatterns,
    *booking_actions.urlpatterns,
    *video_link.urlpatterns,
    *suites.urlpatterns,
    *day_sheets.urlpatterns,
    *hearings.urlpatterns,
    *court_lists.urlpatterns,
    *list_changes.urlpatterns,
    *witnesses.urlpatterns,
    *unavailability.urlpatterns,
    *feeds.urlpatterns,
    *reports.urlpatterns,
    *audit.urlpatterns,
]
