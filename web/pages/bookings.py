"""Staff pages: bookings (book a witness, a booking's page and its actions)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from bookings import selectors


@login_required
def booking(request, pk: int):
    booking = get_object_or_404(selectors.booking_list(user=request.user), pk=pk)
    return render(request, "web/booking.html", {"booking": booking})


urlpatterns = [path("bookings/<int:pk>/", booking, name="booking")]
