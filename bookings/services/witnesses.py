"""Witnesses: their details as given, changed, and in time anonymised."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from core.errors import Conflict

from .. import events, rules
from ..models import Witness
from ..retention import retention_sweep


@transaction.atomic
def witness_create(
    *,
    full_name: str,
    witness_type: str,
    force,
    collar_number: str = "",
    phone: str = "",
    email: str = "",
    language: str = "",
) -> Witness:
    """A new witness; one who has not said their language (blank) takes their force's
    default (Witness.save)."""
    rules.check_witness_fields(witness_type, collar_number)
    return Witness.objects.create(
        full_name=full_name.strip(),
        witness_type=witness_type,
        force=force,
        collar_number=collar_number.strip(),
        phone=phone,
        email=email,
        language=language,
    )


@transaction.atomic
def witness_update(*, witness: Witness, **fields) -> Witness:
    """Change a witness's details. Messages still waiting go to the new number or address
    (the sender reads them when it sends), and a new number's opt-out state is the ledger's."""
    before = {"sms": witness.sms_number, "email": witness.email}
    language_before = witness.language
    for name, value in fields.items():
        setattr(witness, name, value)
    rules.check_witness_fields(witness.witness_type, witness.collar_number)
    if witness.anonymised_at is not None:
        raise Conflict("witness_anonymised", "This witness's details were anonymised.")
    after = {"sms": witness.sms_number, "email": witness.email}
    witness.save()
    changed = {channel for channel in after if after[channel] != before[channel]}
    events.witness_contact_changed.send(sender=Witness, witness=witness, channels=changed)
    if witness.language != language_before:
        events.witness_language_changed.send(sender=Witness, witness=witness)
    return witness


def witnesses_anonymise(*, now: datetime | None = None) -> int:
    """Data kept no longer than needed (DPA 2018 Part 3): a set period after a witness's last
    booking ends (RETENTION_DAYS), or after a witness never booked was last changed
    (RETENTION_UNBOOKED_DAYS), their details go from every place docs/privacy.md lists. The
    one retention sweep (bookings.retention) does it and records the run; this is its name for
    the daily job. Returns how many witnesses were anonymised."""
    return retention_sweep(now=now, via="daily job").witnesses
