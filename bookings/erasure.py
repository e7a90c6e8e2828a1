"""Erasing one witness: every copy of their details the inventory in docs/privacy.md lists,
found and taken out (bookings.retention decides who is due and runs this for each).

Their own record and their bookings' free text are blanked; wherever else their name, numbers
or email were written (other witnesses' bookings on the same hearings, the history, vacated
reasons, attention flags, the messages and texts, the admin's change log) they are taken out
of the text, which stays. Their calendar feeds are revoked and their audit log entries lose
the personal values. Each step counts what it changes (or, not writing, would), by the
inventory's rows (bookings.retention.ROWS).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import phonenumbers
from auditlog.context import disable_auditlog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q

from accounts import audit
from accounts.audit import ANONYMISED
from accounts.models import AuditEntry

from . import events
from .models import (
    AttentionFlag,
    Booking,
    BookingEvent,
    FeedToken,
    Hearing,
    Unavailability,
    Witness,
)

ANONYMISED_NAME = "Anonymised witness"
#: The witness's own fields, blanked on their record and in the audit log.
WITNESS_FIELDS = ("full_name", "collar_number", "phone", "email")
#: A booking's free text: whatever staff typed can name or reach the witness. A cancelled
#: booking keeps a reason (the database insists: booking_cancellation_has_reason), so its
#: reason becomes ANONYMISED, never "".
BOOKING_FREE_TEXT = ("notes", "interpreter_language", "cancellation_reason")
#: What else a booking's history (and its audit entries) keep in words of theirs: a booking
#: over their dates to avoid names the periods and the scheduler's reason.
HISTORY_FREE_TEXT = (*BOOKING_FREE_TEXT, "override_unavailability", "unavailability")
#: A period's values the audit log blanks: a reason can be health data (sick), a note anything,
#: and the key an import read it by an email address (an iCalendar UID) or a collar number.
UNAVAILABILITY_FIELDS = ("reason", "note", "source_key")


# --- Finding a witness's details in free text -------------------------------------------------


def _term(text: str) -> str:
    """`text` as a pattern: any run of spaces matches any run, and a term that starts or ends
    with a letter or digit matches only whole (PC 1234 is not inside PC 12345)."""
    pattern = r"\s+".join(re.escape(part) for part in text.split())
    if re.match(r"\w", text):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", text):
        pattern += r"(?!\w)"
    return pattern


def scrubber(witness: Witness) -> Callable[[str], str]:
    """A function taking `witness`'s name, numbers and email out of a text, in the forms they
    are written: the phone in E.164 (+447700900123), national (07700 900123) and international
    (+44 7700 900123) forms, with or without spaces; a collar number only when it has letters
    (PC 1234: a number alone cannot be told from other numbers); the invites' "initials AB"."""
    terms: dict[str, str] = {}
    name = " ".join(witness.full_name.split())
    if name and name != ANONYMISED_NAME:
        terms[name] = ANONYMISED
        if witness.initials:
            terms[f"initials {witness.initials}"] = f"initials {ANONYMISED}"
    if witness.email:
        terms[witness.email] = ANONYMISED
    collar = " ".join(witness.collar_number.split())
    if re.search(r"[A-Za-z]", collar) and re.search(r"\d", collar):
        terms[collar] = ANONYMISED
    for number in phone_forms(witness.phone):
        terms[number] = ANONYMISED
    patterns = [
        (re.compile(_term(term), re.IGNORECASE), replacement)
        for term, replacement in sorted(terms.items(), key=lambda item: -len(item[0]))
    ]

    def scrub(text: str) -> str:
        for pattern, replacement in patterns:
            text = pattern.sub(replacement, text)
        return text

    return scrub


def phone_forms(phone) -> list[str]:
    """A stored number in the forms people write it. Formatted whether or not the number is
    one a network has issued (Ofcom's drama numbers are not, and the demo uses them)."""
    if not phone:
        return []
    forms = {str(phone)}
    if getattr(phone, "national_number", None):
        national = phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.NATIONAL)
        international = phonenumbers.format_number(
            phone, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        forms |= {national, international, international.lstrip("+")}
        forms |= {"".join(national.split()), str(phone).lstrip("+")}
    return sorted(form for form in forms if form)


def _unchanged(text: str) -> str:
    return text


def _scrub_json(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_json(item, scrub) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, scrub) for key, item in value.items()}
    return value


def _anonymised(value: Any) -> Any:
    return ANONYMISED if value not in (None, "") else value


# --- Erasing one witness ------------------------------------------------------------------------


def _rewrite(
    rows: Iterable[models.Model], new_values: Callable[[Any], dict[str, Any]], write: bool, **also
) -> list[int]:
    """Give each row the values `new_values` computes for it, where they differ; the pks of
    the rows that changed (or, not writing, would)."""
    changed = []
    for row in rows:
        values = {
            name: value for name, value in new_values(row).items() if getattr(row, name) != value
        }
        if values:
            changed.append(row.pk)
            if write:
                type(row).objects.filter(pk=row.pk).update(**values, **also)
    return changed


def _audit_count(model: type[models.Model], pks, keys: Iterable[str] | None = None) -> int:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
    )
    if keys is not None:
        entries = entries.filter(
            Q(changes__has_any_keys=list(keys)) | Q(serialized_data__isnull=False)
        )
    return entries.count()


def witness_erase(witness: Witness, *, now: datetime, write: bool, earlier: bool) -> Counter:
    """Everything the inventory lists for one witness (locked by the caller, if writing)."""
    counts: Counter = Counter()
    scrub = _unchanged if earlier else scrubber(witness)
    phone = str(witness.phone or "")

    # Their bookings' free text goes; other witnesses' bookings on the same hearings lose the
    # name where a shared reason ("Hearing vacated: ...") or a note carried it.
    own = list(Booking.objects.filter(witness=witness).only("pk", "hearing", *BOOKING_FREE_TEXT))
    own_ids = [booking.pk for booking in own]
    hearing_ids = {booking.hearing_id for booking in own}
    # version: a change racing this one (an edit of the notes) loses, as any racing change does
    bump = {"version": F("version") + 1, "updated_at": now}
    counts["bookings"] += len(
        _rewrite(
            own,
            lambda b: {
                "notes": "",
                "interpreter_language": "",
                "cancellation_reason": _anonymised(b.cancellation_reason),
            },
            write,
            **bump,
        )
    )
    neighbours = list(
        Booking.objects.filter(hearing_id__in=hearing_ids)
        .exclude(witness=witness)
        .only("pk", "notes", "cancellation_reason")
    )
    changed_neighbours = _rewrite(
        neighbours,
        lambda b: {"notes": scrub(b.notes), "cancellation_reason": scrub(b.cancellation_reason)},
        write,
        **bump,
    )
    counts["bookings"] += len(changed_neighbours)

    # History is append-only for people; retention is the one writer allowed to rewrite what it
    # recorded, keeping each entry (who, when, what kind of change).
    def history(event: BookingEvent) -> dict[str, Any]:
        mine = event.booking_id in own_ids
        return {
            "changes": {
                name: [_anonymised(value) for value in pair]
                if mine and name in HISTORY_FREE_TEXT and isinstance(pair, list)
                else _scrub_json(pair, scrub)
                for name, pair in event.changes.items()
            }
        }

    history_entries = BookingEvent.objects.filter(
        booking_id__in=own_ids + [booking.pk for booking in neighbours]
    ).only("pk", "booking_id", "changes")
    counts["history"] += len(_rewrite(history_entries, history, write))

    hearings = Hearing.objects.filter(pk__in=hearing_ids).exclude(vacated_reason="")
    changed_hearings = _rewrite(
        hearings.only("pk", "vacated_reason"),
        lambda h: {"vacated_reason": scrub(h.vacated_reason)},
        write,
    )
    counts["hearings"] += len(changed_hearings)

    flags = AttentionFlag.objects.filter(
        booking_id__in=own_ids + [booking.pk for booking in neighbours]
    ).only("pk", "detail", "data")
    changed_flags = _rewrite(
        flags, lambda f: {"detail": scrub(f.detail), "data": _scrub_json(f.data, scrub)}, write
    )
    counts["attention_flags"] += len(changed_flags)

    for _receiver, scrubbed in events.witness_anonymising.send(
        sender=Witness,
        witness_id=witness.pk,
        phone=phone,
        email=witness.email,
        scrub=scrub,
        dry_run=not write,
    ):
        counts.update(scrubbed)

    # An officer's feed stops working (the same 404 as a revoked one) and forgets whose it was.
    tokens = list(FeedToken.objects.filter(witness=witness))
    revoked = [token.pk for token in tokens if token.revoked_at is None]
    counts["feeds"] += len(
        _rewrite(
            tokens,
            lambda t: {"revoked_at": t.revoked_at or now, "label": "", "last_user_agent": ""},
            write,
        )
    )

    # Their dates to avoid go (the audit log keeps that they were recorded, not what they said).
    periods = list(Unavailability.objects.filter(witness=witness).values_list("pk", flat=True))
    counts["unavailability"] += len(periods)

    # The Django admin's change log: entries about the witness and their feeds keep what was
    # done and when, not whom it was about; any other entry loses their details.
    witness_type, token_type, booking_type = (
        ContentType.objects.get_for_model(model) for model in (Witness, FeedToken, Booking)
    )
    about_them = Q(content_type=witness_type, object_id=str(witness.pk)) | Q(
        content_type=token_type, object_id__in=[str(token.pk) for token in tokens]
    )
    mentions = Q(content_type=booking_type, object_id__in=[str(pk) for pk in own_ids])
    if not earlier:
        for term in [witness.full_name, witness.email, *phone_forms(witness.phone)]:
            if term:
                mentions |= Q(object_repr__icontains=term) | Q(change_message__icontains=term)
    counts["admin_log"] += len(
        _rewrite(
            LogEntry.objects.filter(about_them).only("pk", "object_repr", "change_message"),
            lambda e: {"object_repr": ANONYMISED, "change_message": ""},
            write,
        )
    )
    counts["admin_log"] += len(
        _rewrite(
            LogEntry.objects.filter(mentions)
            .exclude(about_them)
            .only("pk", "object_repr", "change_message"),
            lambda e: {
                "object_repr": scrub(e.object_repr),
                "change_message": scrub(e.change_message),
            },
            write,
        )
    )

    # The audit log (accounts.audit): entries stay, their personal values go.
    counts["audit_log"] += (
        _audit_count(Witness, [witness.pk])
        + _audit_count(Booking, own_ids, HISTORY_FREE_TEXT)
        + _audit_count(Unavailability, periods)
        + _audit_count(Booking, changed_neighbours, ("notes", "cancellation_reason"))
        + _audit_count(Hearing, changed_hearings, ("vacated_reason",))
        + _audit_count(AttentionFlag, changed_flags, ("detail",))
        + _audit_count(FeedToken, [token.pk for token in tokens])
    )

    if not write:
        return counts
    if not earlier:
        Witness.objects.filter(pk=witness.pk).update(
            full_name=ANONYMISED_NAME,
            collar_number="",
            phone="",
            email="",
            anonymised_at=now,
            updated_at=now,
        )
    audit.entries_anonymise(
        subject=witness,
        fields=WITNESS_FIELDS,
        related=[
            (Booking.objects.filter(pk__in=own_ids), HISTORY_FREE_TEXT),
            (Unavailability.objects.filter(pk__in=periods), UNAVAILABILITY_FIELDS),
            (Booking.objects.filter(pk__in=changed_neighbours), ("notes", "cancellation_reason")),
            (Hearing.objects.filter(pk__in=changed_hearings), ("vacated_reason",)),
            (AttentionFlag.objects.filter(pk__in=changed_flags), ("detail",)),
        ],
    )
    if periods:
        # After their entries are blanked (a period's name in them gives its reason too), and
        # unseen by django-auditlog, which would keep a copy of each in its deletion entry:
        # one entry on the witness says they went.
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Unavailability), object_id__in=periods
        ).update(object_repr=ANONYMISED)
        with disable_auditlog():
            Unavailability.objects.filter(pk__in=periods).delete()
        audit.record(
            witness,
            object_repr=ANONYMISED,
            actor_label="retention",
            event="dates to avoid deleted",
            periods=len(periods),
        )
    for token in tokens:
        if token.pk in revoked:
            audit.record(
                token,
                actor_label="retention",
                changes={"revoked_at": (None, now)},
                event="revoked: its officer was anonymised",
            )
        # the entries about a feed carry its label in their name ("witness feed 3 (PC ...)")
        audit.entries_anonymise(subject=token, fields=("label", "last_user_agent"))
    return counts
