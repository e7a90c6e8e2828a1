"""Courts and their hearings: the slots in a court's list that witnesses are booked for."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import localtime

from core.validators import (
    in_service_years,
    no_control_characters,
    no_control_characters_but_line_breaks,
)


class ListChangesPolicy(models.TextChoices):
    """What happens to the changes a court's published list brings (court_lists)."""

    PROPOSE = "propose", "Propose: staff apply or dismiss each change"
    APPLY = "apply", "Apply at once"


class Court(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    # The name goes into invites' subjects and texts; the rest is refused the same way.
    name = models.CharField(max_length=120, validators=[no_control_characters])
    name_cy = models.CharField(
        "name in Welsh",
        max_length=120,
        blank=True,
        validators=[no_control_characters],
        help_text="The court's name in Welsh text (the English name when blank).",
    )
    address = models.TextField(validators=[no_control_characters_but_line_breaks])
    postcode = models.CharField(max_length=10, validators=[no_control_characters])
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    # Kept as the digits CaTH sends in `x-court-id`, in their one canonical spelling (no leading
    # zero), so a pushed list finds its court by plain equality: an identifier, not a quantity.
    cath_location_id = models.CharField(
        "CaTH location id",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(r"^[1-9][0-9]*\Z", "A CaTH location id is a number, e.g. 1823.")
        ],
        help_text="The number HMCTS's publishing service (CaTH) gives this court's lists.",
    )
    list_changes = models.CharField(
        max_length=10,
        choices=ListChangesPolicy.choices,
        default=ListChangesPolicy.PROPOSE,
        help_text="Whether the changes a published list brings wait for staff or apply at once.",
    )
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
