"""What about a booking needs a scheduler's attention."""

from django.conf import settings
from django.db import models

from .bookings import Booking


class AttentionKind(models.TextChoices):
    RELIST_CONFLICT = "relist_conflict", "Could not follow the relisted hearing"
    SUITE_CLOSED = "suite_closed", "Suite closed over the booking"
    MESSAGE_FAILED = "message_failed", "A message could not be delivered"
    WITNESS_CANNOT_ATTEND = "witness_cannot_attend", "Witness says they cannot attend"
    NO_VIDEO_LINK = "no_video_link", "No video link from the court"


class AttentionFlag(models.Model):
    """Something about a booking that a scheduler must look at and resolve."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=30, choices=AttentionKind.choices)
    detail = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.get_kind_display()}"
