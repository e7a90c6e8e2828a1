"""Courts, their hearings, the witnesses who give evidence remotely, and the bookings that put
a witness in a suite for a hearing.

The booking rules that the database can hold, it holds: on PostgreSQL two exclusion
constraints make a double-booked suite or witness impossible even under concurrent requests.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import localtime
from phonenumber_field.modelfields import PhoneNumberField

from core.db import PostgresExclusionConstraint, TsTzRange
from core.validators import (
    in_service_years,
    no_control_characters,
    no_control_characters_but_line_breaks,
)
from evidence_suites.models import Force, Suite


class Court(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    # The name goes into invites' subjects and texts; the rest is refused the same way.
    name = models.CharField(max_length=120, validators=[no_control_characters])
    address = models.TextField(validators=[no_control_characters_but_line_breaks])
    postcode = models.CharField(max_length=10, validators=[no_control_characters])
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    # Feeds' ETags follow it: events carry the court's name and address.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HearingStatus(models.TextChoices):
    LISTED = "listed", "Listed"
    VACATED = "vacated", "Vacated"
    CONCLUDED = "concluded", "Concluded"


class HearingType(models.TextChoices):
    TRIAL = "trial", "Trial"
    FIRST_HEARING = "first_hearing", "First hearing"
    CASE_MANAGEMENT = "case_management", "Case management"
    SENTENCING = "sentencing", "Sentencing"
    NEWTON_HEARING = "newton_hearing", "Newton hearing"
    APPEAL = "appeal", "Appeal"
    OTHER = "other", "Other"


class Hearing(models.Model):
    """A slot in a court's list. Courts move these: vacated, relisted, concluded."""

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="hearings")
    case_reference = models.CharField(
        max_length=20,
        validators=[no_control_characters],
        help_text="The case's unique reference number (URN), e.g. 47AB1234523.",
    )
    hearing_type = models.CharField(max_length=20, choices=HearingType.choices)
    courtroom = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    starts_at = models.DateTimeField(validators=[in_service_years])
    ends_at = models.DateTimeField(validators=[in_service_years])
    status = models.CharField(
        max_length=10, choices=HearingStatus.choices, default=HearingStatus.LISTED
    )
    vacated_reason = models.CharField(
        max_length=200, blank=True, validators=[no_control_characters_but_line_breaks]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "court"]
        indexes = [models.Index(fields=["court", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="hearing_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} at {self.court} {localtime(self.starts_at):%Y-%m-%d %H:%M}"


class WitnessType(models.TextChoices):
    POLICE_OFFICER = "police_officer", "Police officer"
    CIVILIAN = "civilian", "Civilian"
    VULNERABLE = "vulnerable", "Vulnerable or intimidated"
    EXPERT = "expert", "Expert"


class Witness(models.Model):
    """A person who gives evidence. Personal data: kept minimal, anonymised after the hearing."""

    full_name = models.CharField(max_length=120, validators=[no_control_characters])
    witness_type = models.CharField(max_length=20, choices=WitnessType.choices)
    force = models.ForeignKey(
        Force,
        on_delete=models.PROTECT,
        related_name="witnesses",
        help_text="The force that looks after this witness (the officer's own force, or the "
        "force whose witness care unit is in touch with a civilian).",
    )
    collar_number = models.CharField(max_length=20, blank=True, validators=[no_control_characters])
    phone = PhoneNumberField(blank=True, help_text="Stored in E.164, e.g. +447700900123.")
    email = models.EmailField(blank=True)
    sms_opt_out = models.BooleanField(
        default=False, help_text="The number replied STOP: no SMS is sent to it."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "witnesses"
        indexes = [models.Index(fields=["force", "full_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def initials(self) -> str:
        return "".join(part[0].upper() for part in self.full_name.split() if part)


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


class AttentionKind(models.TextChoices):
    RELIST_CONFLICT = "relist_conflict", "Could not follow the relisted hearing"
    SUITE_CLOSED = "suite_closed", "Suite closed over the booking"
    MESSAGE_FAILED = "message_failed", "A message could not be delivered"
    WITNESS_CANNOT_ATTEND = "witness_cannot_attend", "Witness says they cannot attend"


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


class FeedScope(models.TextChoices):
    COURT = "court", "Court"
    SUITE = "suite", "Suite"
    WITNESS = "witness", "Witness (police officer)"


class FeedToken(models.Model):
    """A secret calendar-feed address for one court, suite or officer, one per subscriber.

    Only the SHA-256 of the secret is kept: the address is shown once, when it is made. Revoking
    one token leaves the others for the same court, suite or officer working."""

    scope = models.CharField(max_length=10, choices=FeedScope.choices)
    court = models.ForeignKey(
        Court, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    suite = models.ForeignKey(
        Suite, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    witness = models.ForeignKey(
        Witness, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        max_length=100,
        blank=True,
        validators=[no_control_characters],
        help_text="Whose calendar it is for, e.g. 'List office'.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]
        constraints = [
            models.CheckConstraint(
                name="feed_token_one_subject_matching_scope",
                condition=(
                    Q(scope="court", court__isnull=False)
                    & Q(suite__isnull=True, witness__isnull=True)
                )
                | (
                    Q(scope="suite", suite__isnull=False)
                    & Q(court__isnull=True, witness__isnull=True)
                )
                | (
                    Q(scope="witness", witness__isnull=False)
                    & Q(court__isnull=True, suite__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} feed {self.pk} ({self.label or 'no label'})"

    @property
    def subject(self) -> Court | Suite | Witness:
        return {"court": self.court, "suite": self.suite, "witness": self.witness}[self.scope]

    @property
    def object_id(self) -> int:
        return {"court": self.court_id, "suite": self.suite_id, "witness": self.witness_id}[
            self.scope
        ]


class RetentionRun(models.Model):
    """One real run of the retention sweep (bookings.retention) and what it changed, counted
    per row of the inventory in docs/privacy.md: what admins read to see that it runs."""

    at = models.DateTimeField()
    via = models.CharField(max_length=40, help_text="What ran it: the daily job or the command.")
    counts = models.JSONField(default=dict, help_text="{inventory row: how many changed}")

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"Retention run {localtime(self.at):%Y-%m-%d %H:%M}"
