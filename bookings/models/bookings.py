"""The bookings that put a witness in a suite for a hearing, their statuses and outcomes.

The booking rules that the database can hold, it holds: on PostgreSQL two exclusion
constraints make a double-booked suite or witness impossible even under concurrent requests.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from core.db import PostgresExclusionConstraint, TsTzRange
from core.validators import no_control_characters, no_control_characters_but_line_breaks
from evidence_suites.models import Suite

from .hearings import Hearing
from .witnesses import Witness


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


#: A booking in one of these holds its suite and its witness for its window.
OCCUPYING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)
#: A booking in one of these can still change (be moved, cancelled, checked in).
OPEN_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


class Outcome(models.TextChoices):
    GAVE_EVIDENCE = "gave_evidence", "Gave evidence"
    NOT_REQUIRED = "not_required", "Not required"
    NO_SHOW = "no_show", "Did not attend"


class LiveLinkBasis(models.TextChoices):
    CJA_2003_S51 = "cja_2003_s51", "Criminal Justice Act 2003 s.51 (any witness)"
    YJCEA_1999_S24 = "yjcea_1999_s24", "Youth Justice and Criminal Evidence Act 1999 s.24"


class Booking(models.Model):
    """A witness booked into a suite for a hearing, for a window of time."""

    reference = models.CharField(max_length=12, unique=True, editable=False)
    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="bookings")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="bookings")
    suite = models.ForeignKey(Suite, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The window plus the suite's set-up before and turnaround after: what no other booking of
    # the suite may overlap. Kept on the row so the database can enforce it.
    occupied_from = models.DateTimeField(editable=False)
    occupied_until = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    cancellation_reason = models.CharField(
        max_length=200, blank=True, validators=[no_control_characters_but_line_breaks]
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    witness_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the witness said they will attend."
    )
    live_link_basis = models.CharField(
        max_length=20, choices=LiveLinkBasis.choices, default=LiveLinkBasis.CJA_2003_S51
    )
    needs_supporter = models.BooleanField(default=False)
    needs_intermediary = models.BooleanField(default=False)
    interpreter_language = models.CharField(
        max_length=40, blank=True, validators=[no_control_characters]
    )
    notes = models.TextField(
        blank=True,
        validators=[no_control_characters_but_line_breaks],
        help_text="For staff only; never sent to anyone.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Rises with every change: two racing changes cannot both apply."
    )
    notice_version = models.PositiveIntegerField(
        default=1,
        help_text="The version the witness and the calendars are told about: set when the "
        "booking is made, moved or cancelled, and left alone by changes nobody is told about "
        "(notes, special measures, check-in), so those never overtake news still on its way. "
        "Messages are written for it, and invites carry it as SEQUENCE.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["suite", "occupied_from"]),
            models.Index(fields=["witness", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="booking_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="booking_occupies_its_window",
                condition=Q(occupied_from__lte=F("starts_at"), occupied_until__gte=F("ends_at")),
            ),
            models.CheckConstraint(
                name="booking_cancellation_has_reason",
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
            ),
            models.CheckConstraint(
                name="booking_completed_has_outcome",
                condition=~Q(status="completed") | Q(outcome__isnull=False),
            ),
            PostgresExclusionConstraint(
                name="booking_no_suite_overlap",
                expressions=[
                    ("suite", RangeOperators.EQUAL),
                    (TsTzRange("occupied_from", "occupied_until"), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status="cancelled"),
            ),
            PostgresExclusionConstraint(
                name="booking_no_witness_overlap",
                expressions=[
                    ("witness", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=~Q(status="cancelled"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def arrive_by(self) -> datetime:
        """When the witness is asked to arrive: the start of the window the booking holds (the
        suite's set-up time as it was when booked or last moved). Texts, invites, the witness
        page and the feeds all read this stored time, so they agree even after the suite's
        turnaround changes."""
        return self.occupied_from
