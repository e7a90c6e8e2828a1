"""Rows 13 to 18 of the inventory (docs/privacy.md): the admin's change log and the audit log
keep what happened but not the witness's details, and what is kept elsewhere is kept for
less time or never holds them: the mail catcher, the logs, saved API replies."""

import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import AuditEntry, IdempotentRequest
from accounts.tasks import purge_idempotency_keys
from bookings.models import Witness
from bookings.retention import retention_sweep
from core.logging import RedactingFilter
from tests.factories import WitnessFactory, london

from .conftest import EMAIL, NAME, NATIONAL, PHONE, personal, sweep

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[3]


# --- The admin's change log and the audit log ---------------------------------------------------


def test_the_admins_change_log_no_longer_names_the_witness(admin_browser, sussex):
    # No phone: the admin's phone field takes only numbers someone owns.
    witness = WitnessFactory(force=sussex, full_name=NAME, collar_number="PC 4123", phone="")
    form = {
        "full_name": NAME,
        "witness_type": witness.witness_type,
        "force": sussex.pk,
        "collar_number": "PC 4123",
        "phone": "",
        "email": EMAIL,
    }
    assert (
        admin_browser.post(f"/admin/bookings/witness/{witness.pk}/change/", form).status_code == 302
    )
    history = f"/admin/bookings/witness/{witness.pk}/history/"
    assert NAME in admin_browser.get(history).content.decode()

    # never booked: due 90 days after that change
    retention_sweep(now=timezone.now() + timedelta(days=91))

    page = admin_browser.get(history).content.decode()
    assert personal(page) == []
    entry = LogEntry.objects.get(object_id=str(witness.pk))
    assert (entry.action_flag, entry.object_repr, entry.change_message) == (
        CHANGE,
        "(anonymised)",
        "",
    )


def test_the_audit_log_keeps_what_happened_but_not_the_witnesss_details(booking, amelia):
    about_her = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Witness), object_id=amelia.pk
    )
    kept = about_her.count()

    sweep()

    log = json.dumps(
        list(
            AuditEntry.objects.values(
                "object_repr", "changes", "serialized_data", "additional_data"
            )
        )
    )
    assert personal(log) == []
    assert about_her.count() == kept + 1
    assert (
        about_her.order_by("timestamp", "id").last().additional_data["event"]
        == "personal data anonymised"
    )


# --- Kept elsewhere, for less time: the mail catcher, logs, saved API replies ------------------


def test_the_mail_catcher_forgets_caught_invites_long_before_witnesses_are_anonymised(settings):
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["services"]["mailpit"]["environment"]
    max_age = environment["MP_MAX_AGE"]  # "${MAILPIT_MAX_AGE:-7d}"
    default = max_age.split(":-", 1)[1].rstrip("}")
    days = int(default[:-1]) / (24 if default.endswith("h") else 1)
    assert days <= 7 < settings.RETENTION_DAYS


def test_a_log_line_quoting_a_witnesss_number_or_email_shows_neither():
    error = RuntimeError(f"{NAME} ({EMAIL}) could not be texted at {NATIONAL}")
    record = logging.LogRecord(
        "notifications", logging.WARNING, __file__, 1, "Not sent: %s (to %s)", (error, PHONE), None
    )

    RedactingFilter().filter(record)

    assert personal(record.getMessage()) == []


def test_a_saved_reply_naming_a_witness_is_gone_two_days_later(scheduler):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        IdempotentRequest.objects.create(
            user=scheduler,
            key="a-retry-key",
            path="/api/v1/witnesses/",
            request_hash="0" * 64,
            response_status=201,
            response_body=json.dumps({"full_name": NAME, "phone": PHONE}),
        )
    with time_machine.travel(london(2027, 3, 3, 10), tick=False):  # 49 hours on: the hourly job
        purge_idempotency_keys()

    assert not IdempotentRequest.objects.exists()
