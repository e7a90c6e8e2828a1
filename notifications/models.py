"""The outbox: every message a booking change causes, written in the same transaction as the
change, then sent by a worker. Also the SMS opt-out ledger, inbound texts, and the links that
take a witness to their booking page."""

from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class Audience(models.TextChoices):
    WITNESS = "witness", "Witness"
    SUITE = "suite", "Suite contact"


class Kind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmed"
    CHANGE = "change", "Booking changed"
    STAND_DOWN = "cancellation", "Stood down"
    REMINDER_AHEAD = "reminder_ahead", "Reminder, two working days ahead"
    REMINDER_ON_DAY = "reminder_on_day", "Reminder, on the day"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being handed to the provider"
    QUEUED = "queued", "Accepted by the provider"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Not delivered"
    FAILED = "failed", "Failed"
    SUPPRESSED = "suppressed", "Not sent (no longer wanted)"


#: Statuses only move forward along this order; a late or repeated callback cannot undo one.
STATUS_RANK = {
    Status.PENDING: 0,
    Status.SENDING: 1,
    Status.QUEUED: 2,
    Status.SENT: 3,
    Status.DELIVERED: 4,
    Status.UNDELIVERED: 4,
    Status.FAILED: 4,
    Status.SUPPRESSED: 4,
}
FINAL_STATUSES = (Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.SUPPRESSED)
FAILED_STATUSES = (Status.UNDELIVERED, Status.FAILED)
#: A message in one of these reached the provider or the mail server, which took it.
REACHED_STATUSES = (Status.QUEUED, Status.SENT, Status.DELIVERED)

#: The news of a booking's time and place (reminders repeat it; they are not news).
NEWS_KINDS = (Kind.CONFIRMATION, Kind.CHANGE)
REMINDER_KINDS = (Kind.REMINDER_AHEAD, Kind.REMINDER_ON_DAY)


class Message(models.Model):
    """One SMS or email to one audience about one version of one booking."""

    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    booking_version = models.PositiveIntegerField(
        help_text="The booking's notice version this message is news of."
    )
    link_version = models.PositiveIntegerField(
        default=0,
        help_text="The booking's link version when queued: an invite's SEQUENCE is "
        "booking_version + link_version, so one sent for a new court link supersedes the last.",
    )
    copy = models.PositiveSmallIntegerField(
        default=0,
        help_text="0 for the news as first written; 1, 2… when it is sent again to a witness's "
        "new number or address.",
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.WITNESS)
    recipient = models.CharField(
        max_length=254,
        help_text="E.164 number or email address: the one it went to once sent (resolved at "
        "send time from the witness's or suite's current details), the one it would go to "
        "before.",
    )
    suite = models.ForeignKey(
        "evidence_suites.Suite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For an invite to a suite: the suite it is for (a suite the booking moved "
        "away from gets its CANCEL).",
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(
        help_text="The text as sent. The witness link is shown masked: its secret is never "
        "stored in clear."
    )
    not_before = models.DateTimeField(help_text="Not sent before this time (reminders).")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    status_detail = models.CharField(max_length=200, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    error_code = models.CharField(max_length=10, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker sending it last renewed its claim."
    )
    claim_token = models.CharField(
        max_length=32,
        blank=True,
        help_text="Which worker's claim this is: a worker sends only while its token is here.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "booking",
                    "kind",
                    "booking_version",
                    "link_version",
                    "channel",
                    "audience",
                    "copy",
                ],
                name="message_once_per_booking_and_link_version",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                name="message_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.channel} for booking {self.booking_id}"


class SmsOptOut(models.Model):
    """The opt-out ledger: a number that replied STOP gets no more texts until START."""

    phone = models.CharField(max_length=20, unique=True)
    is_opted_out = models.BooleanField(default=True)
    keyword = models.CharField(max_length=20)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.phone} {'opted out' if self.is_opted_out else 'opted in'}"


class InboundSms(models.Model):
    """A text a witness sent us, and what we did with it."""

    provider_id = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=20)
    body = models.CharField(max_length=1600)
    received_at = models.DateTimeField()
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_as = models.CharField(max_length=20)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "inbound SMS"
        verbose_name_plural = "inbound SMS"

    def __str__(self) -> str:
        return f"{self.handled_as} from {self.from_number[:6]}…"


class WitnessLink(models.Model):
    """The secret in a witness's SMS link. Only its hash is kept; it expires after the hearing."""

    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, related_name="witness_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link for booking {self.booking_id}"
