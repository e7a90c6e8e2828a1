"""Staff users and the role that scopes what each can see and change (API.md, "Users and roles")."""

from auditlog.models import AbstractLogEntry
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    SCHEDULER = "scheduler", "Police scheduler"
    SUITE_MANAGER = "suite_manager", "Suite manager"
    COURT_USER = "court_user", "Court user"


class StaffUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.SCHEDULER)
    force = models.ForeignKey(
        "evidence_suites.Force",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="The police force a scheduler or suite manager works for.",
    )
    court = models.ForeignKey(
        "bookings.Court",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="The court a court user works for.",
    )

    objects = StaffUserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_force_roles_have_a_force",
                condition=~Q(role__in=["scheduler", "suite_manager"]) | Q(force__isnull=False),
            ),
            models.CheckConstraint(
                name="user_court_role_has_a_court",
                condition=~Q(role="court_user") | Q(court__isnull=False),
            ),
        ]


class IdempotentRequest(models.Model):
    """A create request sent with an `Idempotency-Key`, and the response it got.

    The same key with the same body replays this response; with another body it is refused.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.TextField(blank=True, help_text="The rendered JSON, replayed as sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_unique_key")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class AuditEntry(AbstractLogEntry):
    """One entry in the audit log (README, "Security"): who wrote or read what, when, each field
    before and after, and from where. django-auditlog's log entry (AUDITLOG_LOGENTRY_MODEL), with
    the user agent and who-as-shown added. Written by accounts.audit.

    Append-only: never changed, never deleted, one at a time. Retention is the one writer allowed
    to touch entries, in bulk: it blanks an anonymised witness's personal data in them and drops
    entries older than AUDIT_RETENTION_DAYS."""

    # Kept when a model goes away: removing its content type must not take its entries with it.
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="content type",
    )
    actor_label = models.CharField(
        max_length=150,
        blank=True,
        help_text="Who, as shown: a username (kept if the user is deleted), 'command createuser', "
        "'witness (sms)', 'anonymous' or 'system'.",
    )
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["content_type", "object_id", "timestamp"]),
            models.Index(fields=["actor_label", "timestamp"]),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit log is append-only.")
