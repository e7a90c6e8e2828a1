"""HTTP for a booking's messages: every SMS and email, and where each got to."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView

from bookings.selectors import booking_list

from .models import Message
from .serializers import MessageSerializer


@extend_schema(tags=["bookings"])
class BookingNotificationsView(ListAPIView):
    """Every message for a booking: channel, kind, delivery status, provider id, error code.
    The witness link in a text is shown masked. A court user sees whether each went and
    arrived, not what it said: no `body` or `status_detail` (bookings.visibility)."""

    serializer_class = MessageSerializer
    queryset = Message.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        booking = get_object_or_404(booking_list(user=self.request.user), pk=self.kwargs["pk"])
        return Message.objects.filter(booking=booking).order_by("created_at", "id")
