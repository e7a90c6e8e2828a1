"""Calendar feed tokens: the secret addresses of the court, suite and officer calendars."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.validators import no_control_characters
from evidence_suites.models import Suite

from .hearings import Court
from .witnesses import Witness


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
