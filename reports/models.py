"""The figures behind the hours-saved report, each with its source, and who gets the weekly
summary. Reports are computed from bookings; nothing here stores a result."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class AssumptionKey(models.TextChoices):
    COUNTERFACTUAL_LOW = "counterfactual_low_hours", "In-person court attendance, low"
    COUNTERFACTUAL_CENTRAL = "counterfactual_central_hours", "In-person court attendance, central"
    COUNTERFACTUAL_HIGH = "counterfactual_high_hours", "In-person court attendance, high"
    DEFAULT_REMOTE = "default_remote_hours", "Time at the suite when not recorded"
    COST_PER_HOUR = "cost_per_officer_hour", "Full cost of an officer hour"


class EvidenceKind(models.TextChoices):
    CLAIM = "claim", "Claim"
    MEASURED = "measured", "Measured"
    MODELLED = "modelled", "Modelled"
    SETTING = "setting", "Operator's setting"


class Assumption(models.Model):
    """One number the report rests on. A force may set its own value; otherwise the national
    one applies."""

    key = models.CharField(max_length=40, choices=AssumptionKey.choices)
    force = models.ForeignKey(
        "evidence_suites.Force",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: applies to every force without its own value.",
    )
    value = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=20)
    source = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)
    year = models.PositiveSmallIntegerField(help_text="The year the figure is from (price year).")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key", "force"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(force__isnull=True), name="assumption_one_national"
            ),
            models.UniqueConstraint(fields=["key", "force"], name="assumption_one_per_force"),
            models.CheckConstraint(name="assumption_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self) -> str:
        scope = self.force.code if self.force_id else "national"
        return f"{self.get_key_display()} ({scope}): {self.value} {self.unit}"


class ReportRecipient(models.Model):
    """Someone in a force who gets the Monday summary of that force's hours saved."""

    force = models.ForeignKey(
        "evidence_suites.Force", on_delete=models.CASCADE, related_name="report_recipients"
    )
    email = models.EmailField()

    class Meta:
        ordering = ["force", "email"]
        constraints = [
            models.UniqueConstraint(fields=["force", "email"], name="report_recipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.force.code})"
