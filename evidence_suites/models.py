"""Police forces and the video suites they run: where, when open, when closed, what kit."""

from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import localtime

from core.db import PostgresExclusionConstraint, TsTzRange
from core.languages import Language
from core.validators import (
    in_service_years,
    no_control_characters,
    no_control_characters_but_line_breaks,
)


class Force(models.Model):
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. 'sussex'.")
    name = models.CharField(max_length=120, unique=True, validators=[no_control_characters])
    default_witness_language = models.CharField(
        max_length=5,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The language a new witness of this force is written to in when they have not "
        "said (forces in Wales: both).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VideoPlatform(models.TextChoices):
    """The video system a suite's kit joins calls on."""

    CVP = "cvp", "HMCTS Cloud Video Platform"
    TEAMS = "teams", "Microsoft Teams"
    SIP = "sip", "Another SIP or H.323 system"


class Suite(models.Model):
    """A room with live-link kit from which a witness gives evidence to a court."""

    code = models.SlugField(max_length=30, unique=True)
    # The name, address and contact number are copied into texts, email subjects and invites.
    name = models.CharField(
        max_length=120,
        validators=[no_control_characters],
        help_text="The public name; this is what a witness's SMS shows.",
    )
    name_cy = models.CharField(
        "name in Welsh",
        max_length=120,
        blank=True,
        validators=[no_control_characters],
        help_text="The public name in Welsh text (the English name when blank).",
    )
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="suites")
    address = models.TextField(validators=[no_control_characters_but_line_breaks])
    postcode = models.CharField(max_length=10, validators=[no_control_characters])
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    capacity = models.PositiveSmallIntegerField(
        default=2, help_text="People the room seats (witness plus supporter or intermediary)."
    )
    is_active = models.BooleanField(default=True)
    location_confidential = models.BooleanField(
        default=False,
        help_text="A secret location for vulnerable witnesses: its address never leaves staff "
        "screens (no SMS, feed or invite carries it).",
    )
    turnaround_minutes = models.PositiveSmallIntegerField(
        default=15,
        help_text="Set-up before and turnaround after every booking, kept free of other bookings.",
    )
    kit_notes = models.TextField(
        blank=True,
        validators=[no_control_characters_but_line_breaks],
        help_text="Live-link kit, e.g. 'CVP, document camera'.",
    )
    accessibility_notes = models.TextField(
        blank=True, validators=[no_control_characters_but_line_breaks]
    )
    contact_phone = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    contact_email = models.EmailField(blank=True)
    # The suite's side of the live link: what the court dials. Court users, the court's feed and
    # the suite's invite carry it; a witness's text and page never do.
    video_endpoint = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_control_characters],
        help_text="The address the court dials, e.g. sip:brighton-suite-1@video.example.police.uk.",
    )
    video_platform = models.CharField(
        max_length=10, choices=VideoPlatform.choices, blank=True, help_text="The suite's kit."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="suite_latitude_in_range", condition=Q(latitude__gte=-90, latitude__lte=90)
            ),
            models.CheckConstraint(
                name="suite_longitude_in_range",
                condition=Q(longitude__gte=-180, longitude__lte=180),
            ),
            models.CheckConstraint(name="suite_capacity_positive", condition=Q(capacity__gte=1)),
            models.CheckConstraint(
                name="suite_turnaround_at_most_a_day", condition=Q(turnaround_minutes__lte=240)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One opening period on a weekday, in Europe/London wall-clock time (so BST-proof)."""

    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["suite", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(name="opening_hours_weekday_valid", condition=Q(weekday__lte=6)),
            models.CheckConstraint(
                name="opening_hours_opens_before_closes", condition=Q(opens__lt=F("closes"))
            ),
            models.UniqueConstraint(
                fields=["suite", "weekday", "opens"], name="opening_hours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A dated period when the suite cannot be booked (maintenance, staff shortage...)."""

    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(validators=[in_service_years])
    ends_at = models.DateTimeField(validators=[in_service_years])
    reason = models.CharField(max_length=200, validators=[no_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["suite", "starts_at"]
        indexes = [models.Index(fields=["suite", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                name="closure_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            PostgresExclusionConstraint(
                name="closure_no_overlap",
                expressions=[
                    ("suite", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.suite} closed {localtime(self.starts_at):%Y-%m-%d %H:%M}: {self.reason}"
