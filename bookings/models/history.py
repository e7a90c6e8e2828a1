"""A booking's history: what happened to it, when and by whom."""

from django.conf import settings
from django.db import models
from django.utils.timezone import localtime

from .bookings import Booking


class HistoryAction(models.TextChoices):
    """What a booking's history entry records (`BookingEvent.action`), as the booking page
    says it. Constants only: the field keeps no choices, so an entry written before an action
    was added here still reads."""

    CREATED = "created", "Booked"
    DETAILS_CHANGED = "details_changed", "Details changed"
    RESCHEDULED = "rescheduled", "Moved"
    MOVED_WITH_HEARING = "moved_with_hearing", "Moved with the hearing"
    RELIST_CONFLICT = "relist_conflict", "Could not follow the relisted hearing"
    CANCELLED = "cancelled", "Cancelled"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Outcome recorded"
    ATTENTION_RESOLVED = "attention_resolved", "Marked as dealt with"
    WITNESS_CONFIRMED = "witness_confirmed", "Witness said they will attend"
    WITNESS_CANNOT_ATTEND = "witness_cannot_attend", "Witness said they cannot attend"
    SUITE_CLOSED = "suite_closed", "Suite closed"
    # The court's side of the live link (#17), and a booking made over the witness's dates to
    # avoid, with the scheduler's reason.
    VIDEO_LINK_SET = "video_link_set", "Court's video link set"
    UNAVAILABILITY_OVERRIDDEN = "unavailability_overridden", "Booked over dates to avoid"
    # Names the court list whose change moved or stood down the booking (court_lists).
    COURT_LIST = "court_list", "Court list"
    # What happened to the booking's messages (notifications records these).
    SMS_QUEUED = "sms_queued", "Text accepted by the provider"
    SMS_SENT = "sms_sent", "Text sent"
    SMS_DELIVERED = "sms_delivered", "Text delivered"
    SMS_UNDELIVERED = "sms_undelivered", "Text not delivered"
    SMS_FAILED = "sms_failed", "Text could not be sent"
    EMAIL_SENT = "email_sent", "Email sent"
    EMAIL_FAILED = "email_failed", "Email could not be sent"


class BookingEvent(models.Model):
    """One entry in a booking's history. Append-only: never updated, never deleted."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who did it, as shown: a username, 'witness' or 'system'."
    )
    action = models.CharField(max_length=40)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["booking", "at"])]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action} at {localtime(self.at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Booking history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Booking history is append-only.")
