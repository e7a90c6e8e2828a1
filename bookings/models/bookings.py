"""The bookings that put a witness in a suite for a hearing, their statuses and outcomes.

The booking rules that the database can hold, it holds: on PostgreSQL two exclusion
constraints make a double-booked suite or witness impossible even under concurrent requests.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import RegexValidator, URLValidator
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
    # The court's side of the live link (the MoJ's Book a Video Link records the same): a join
    # link or the court's room number, never both, and a guest PIN. Court users, the court's
    # feed and the suite's invite carry them; a witness's text and page never do.
    video_url = models.CharField(
        "court's video link",
        max_length=120,
        blank=True,
        validators=[
            URLValidator(schemes=["https"], message="Enter the court's https:// link."),
            no_control_characters,
        ],
    )
    video_room = models.CharField(
        "court's video room",
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9]+\Z", "A room number is up to 8 letters or digits, e.g. 3051."
            )
        ],
    )
    video_pin = models.CharField(
        "guest PIN",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]+\Z", "A PIN is up to 8 digits, e.g. 4821.")],
    )
    link_version = models.PositiveIntegerField(
        default=0,
        help_text="Rises when the court's link changes. Nobody texts a witness about it, so it "
        "leaves notice_version alone; the suite's invite carries notice_version + link_version "
        "as its SEQUENCE, so a calendar keeps the invite with the newest link.",
    )
    overrides_rest_day = models.BooleanField(
        default=False,
        help_text="Booked, with a reason, over the witness's rest day: an officer's appearance "
        "on a rest day costs overtime (the hours-saved report counts these).",
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
                name="booking_video_url_or_room",
                condition=Q(video_url="") | Q(video_room=""),
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
