"""The record of the retention sweep's runs."""

from django.db import models
from django.utils.timezone import localtime


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
