"""A witness's dates to avoid (police witness care's MG10): leave, rest days, night shifts,
courses, sickness. A booking into one is refused unless a scheduler overrides it with a reason.

Personal data of the witness's own force: the reason and note are shown to that force only, and
the periods go when the witness is anonymised.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.validators import in_service_years, no_control_characters_but_line_breaks

from .witnesses import Witness


class UnavailabilityReason(models.TextChoices):
    ANNUAL_LEAVE = "annual_leave", "Annual leave"
    REST_DAY = "rest_day", "Rest day"
    NIGHT_SHIFT = "night_shift", "Night shift"
    COURSE = "course", "Course"
    SICK = "sick", "Sick"
    OTHER = "other", "Other"


class UnavailabilitySource(models.TextChoices):
    """Where a period came from; imports use it with `source_key` so a file read twice adds
    nothing."""

    STAFF = "staff", "Entered by staff"
    ROSTER = "roster", "Duty roster (.ics)"
    CSV = "csv", "Force import (CSV)"
    WITNESS = "witness", "The witness, on their page"


class Unavailability(models.Model):
    """One period a witness cannot give evidence in."""

    witness = models.ForeignKey(Witness, on_delete=models.CASCADE, related_name="unavailability")
    starts_at = models.DateTimeField(validators=[in_service_years])
    ends_at = models.DateTimeField(validators=[in_service_years])
    reason = models.CharField(max_length=20, choices=UnavailabilityReason.choices)
    note = models.CharField(
        max_length=200, blank=True, validators=[no_control_characters_but_line_breaks]
    )
    source = models.CharField(
        max_length=10, choices=UnavailabilitySource.choices, default=UnavailabilitySource.STAFF
    )
    source_key = models.CharField(
        max_length=255,
        blank=True,
        help_text="The iCalendar UID, or the CSV row's own values, that this period was read "
        "from: the same file twice adds nothing.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name_plural = "unavailability"
        indexes = [models.Index(fields=["witness", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                name="unavailability_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.UniqueConstraint(
                fields=["witness", "source", "source_key"],
                condition=~Q(source_key=""),
                name="unavailability_once_per_source_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.witness_id}: {self.get_reason_display()} {self.starts_at:%Y-%m-%d}"
