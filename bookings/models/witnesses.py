"""The witnesses who give evidence remotely."""

from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from core.languages import Language
from core.validators import no_control_characters
from evidence_suites.models import Force


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
    language = models.CharField(
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text="The language the witness is written to in (texts, their page, invites). "
        "Left blank, the force's default.",
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

    def save(self, *args, **kwargs):
        # One home for "a witness who has not said takes their force's default": the API, the
        # staff pages, the admin, the imports and the demo all create witnesses through here.
        if not self.language:
            self.language = self.force.default_witness_language
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "language"}
        super().save(*args, **kwargs)

    @property
    def initials(self) -> str:
        return "".join(part[0].upper() for part in self.full_name.split() if part)

    @property
    def sms_number(self) -> str:
        """The witness's mobile number as texts go to it (E.164), or "" when they have none."""
        return str(self.phone) if self.phone else ""
