"""The courts' published daily lists as the service read them, and the changes each brought.

A list is kept as its metadata and a digest of what the service took from it (court, courtroom,
sitting start, hearing type, URNs): the document itself, and everything in it about the
parties (names, dates of birth, addresses, offences, pleas, ASN, PNC ids), is never stored
(Data Protection Act 2018 Part 3: data minimisation).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from bookings.models import Court, Hearing, HearingType
from core.validators import no_control_characters


class ListType(models.TextChoices):
    """The list types CaTH publishes that the service reads (`x-list-type`)."""

    MAGISTRATES_STANDARD_LIST = "MAGISTRATES_STANDARD_LIST", "Magistrates' standard list"
    MAGISTRATES_PUBLIC_LIST = "MAGISTRATES_PUBLIC_LIST", "Magistrates' public list"


class ListLanguage(models.TextChoices):
    ENGLISH = "ENGLISH", "English"
    WELSH = "WELSH", "Welsh"
    BI_LINGUAL = "BI_LINGUAL", "Bilingual"


class Sensitivity(models.TextChoices):
    PUBLIC = "PUBLIC", "Public"
    PRIVATE = "PRIVATE", "Private"
    CLASSIFIED = "CLASSIFIED", "Classified"


class ReadOutcome(models.TextChoices):
    """What reading a list did."""

    APPLIED = "applied", "Changes applied"
    PROPOSED = "proposed", "Changes proposed to staff"
    UNCHANGED = "unchanged", "Nothing new"
    SUPERSEDED = "superseded", "Older than a list already read: nothing changed"


class CourtListDay(models.Model):
    """One court's sitting day, as far as its lists go: the row a list read for that court and
    day locks, so that the lists for one court and day are read one at a time."""

    court = models.ForeignKey(Court, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court", "day"], name="court_list_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.court} {self.day:%Y-%m-%d}"


class CourtList(models.Model):
    """One version of one court's list for one day, as received and read."""

    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="court_lists")
    list_type = models.CharField(max_length=40, choices=ListType.choices)
    content_date = models.DateField(help_text="The day the list is for (`x-content-date`).")
    language = models.CharField(max_length=12, choices=ListLanguage.choices)
    provenance = models.CharField(
        max_length=40,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9_]*\Z", "A source system's name, e.g. SNL.")],
        help_text="The system the list came from (`x-provenance`), e.g. COMMON_PLATFORM.",
    )
    sensitivity = models.CharField(max_length=12, choices=Sensitivity.choices)
    published_at = models.DateTimeField(help_text="The list's own publication time.")
    document_version = models.CharField(
        max_length=40, blank=True, validators=[no_control_characters]
    )
    digest = models.CharField(
        max_length=64,
        help_text="SHA-256 of what the service took from the list: the same digest is the "
        "same list as far as the service's hearings go.",
    )
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=ReadOutcome.choices)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["court", "content_date", "published_at"])]

    def __str__(self) -> str:
        return f"{self.get_list_type_display()}, {self.court}, {self.content_date:%Y-%m-%d}"


class ChangeKind(models.TextChoices):
    ADDED = "added", "Added"
    MOVED = "moved", "Moved"
    MISSING = "missing", "No longer in the list"


class ChangeState(models.TextChoices):
    PROPOSED = "proposed", "Waiting for staff"
    APPLIED = "applied", "Applied"
    DISMISSED = "dismissed", "Dismissed"


class ListChange(models.Model):
    """One difference between a list and the service's hearings: a hearing to create (`added`),
    to relist (`moved`) or to vacate (`missing`). `before` and `after` are the slot the hearing
    had and would have, `{"starts_at", "courtroom"}`, or null where there is none."""

    court_list = models.ForeignKey(CourtList, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    case_reference = models.CharField(max_length=20)
    hearing = models.ForeignKey(
        Hearing,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="list_changes",
        help_text="The hearing it moves or vacates; for an added one, the hearing once created.",
    )
    hearing_type = models.CharField(
        max_length=20, choices=HearingType.choices, blank=True, help_text="For an added hearing."
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ends_at = models.DateTimeField(
        null=True, blank=True, help_text="For an added hearing: when it ends (its session's end)."
    )
    state = models.CharField(
        max_length=10, choices=ChangeState.choices, default=ChangeState.PROPOSED
    )
    booking_ids = models.JSONField(
        default=list, blank=True, help_text="The bookings applying it moved or stood down."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        CourtList,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The newer list that replaced this proposal before anyone decided it.",
    )

    class Meta:
        ordering = ["court_list", "id"]
        indexes = [models.Index(fields=["state", "court_list"])]
        constraints = [
            models.CheckConstraint(
                name="list_change_slots_match_kind",
                condition=Q(kind="added", before__isnull=True, after__isnull=False)
                | Q(kind="moved", before__isnull=False, after__isnull=False)
                | Q(kind="missing", before__isnull=False, after__isnull=True),
            ),
            models.CheckConstraint(
                name="list_change_decided_when_not_proposed",
                condition=Q(state="proposed", decided_at__isnull=True)
                | (~Q(state="proposed") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_reference}"
