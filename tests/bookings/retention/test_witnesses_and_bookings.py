"""Rows 1 to 6 of the inventory (docs/privacy.md): the witness's record, booked or never
booked, is anonymised on time by the one retention sweep, and their bookings' free text,
stand-down reasons, history and attention flags lose their details with them."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEntry
from bookings import services
from bookings.models import AttentionKind, BookingStatus, Witness
from tests.factories import HearingFactory, SuiteFactory, london

from .conftest import (
    BOOKED_ON,
    DUE,
    EMAIL,
    HEARING_ENDS,
    NAME,
    NATIONAL,
    PHONE,
    book,
    personal,
    sweep,
)

pytestmark = pytest.mark.django_db


# --- The witness's record ------------------------------------------------------------------------


def test_a_witness_is_anonymised_90_days_after_their_last_booking_ends_and_not_before(
    booking, amelia
):
    assert sweep(HEARING_ENDS + timedelta(days=89)).witnesses == 0
    assert Witness.objects.get(pk=amelia.pk).full_name == NAME

    plan = sweep()

    assert plan.counts["witnesses_booked"] == 1
    amelia.refresh_from_db()
    assert (amelia.full_name, amelia.collar_number, str(amelia.phone), amelia.email) == (
        "Anonymised witness",
        "",
        "",
        "",
    )
    assert amelia.anonymised_at == DUE
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == ("completed", "gave_evidence")


def test_a_witness_never_booked_is_anonymised_90_days_after_they_were_last_changed(
    sussex, settings
):
    assert settings.RETENTION_UNBOOKED_DAYS == 90
    with time_machine.travel(london(2027, 1, 4, 9), tick=False):
        witness = services.witness_create(
            full_name=NAME, witness_type="civilian", force=sussex, phone=PHONE, email=EMAIL
        )
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):  # a new email, 56 days on
        services.witness_update(witness=witness, email="amelia@mail.example")

    # 89 days after the change (145 after they were entered): still kept
    assert sweep(london(2027, 5, 29, 9)).witnesses == 0
    assert Witness.objects.get(pk=witness.pk).full_name == NAME

    plan = sweep(london(2027, 6, 1, 9))  # 92 days after the change

    assert plan.counts["witnesses_unbooked"] == 1
    witness.refresh_from_db()
    assert (witness.full_name, str(witness.phone), witness.email) == ("Anonymised witness", "", "")


def test_a_witnesss_language_stays_when_they_are_anonymised(booking, amelia):
    # Row 21: it identifies no one, and says what their texts were in, as the type and force do
    services.witness_update(witness=amelia, language="cy")

    sweep()

    amelia.refresh_from_db()
    assert amelia.full_name == "Anonymised witness"
    assert (amelia.language, amelia.witness_type, amelia.force.code) == (
        "cy",
        "police_officer",
        "sussex",
    )
    # and the audit log still says when it changed, and from what to what
    about_her = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Witness), object_id=amelia.pk
    )
    assert ["en", "cy"] in [(e.changes or {}).get("language") for e in about_her]


# --- Bookings, their history, hearings and attention flags ----------------------------------------


def test_a_bookings_notes_and_interpreter_language_go_with_the_witness_history_kept(
    amelia, hearing_day, suite_with_email
):
    booking = book(
        hearing_day,
        amelia,
        suite_with_email,
        notes=f"Call {NAME} on {NATIONAL} first",
        interpreter_language="Welsh",
    )
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_update_details(actor=None, booking=booking, notes="Prefers mornings")
    actions = list(booking.events.values_list("action", flat=True))

    sweep()

    booking.refresh_from_db()
    assert (booking.notes, booking.interpreter_language) == ("", "")
    assert list(booking.events.values_list("action", flat=True)) == actions
    changed = booking.events.get(action="details_changed")
    assert changed.changes["notes"] == ["(anonymised)", "(anonymised)"]
    history = json.dumps(list(booking.events.values_list("changes", flat=True)))
    assert personal(history) == []
    assert "Prefers mornings" not in history


def test_a_stand_down_reason_naming_the_witness_is_cleared_with_them(
    amelia, other_officer, hearing_day, suite_with_email, sussex, court
):
    # given: Amelia is stood down with a reason naming her, then the hearing is vacated with
    # a reason naming her too, which stands Rory down; Rory has a hearing still to come
    mine = book(hearing_day, amelia, suite_with_email)
    rorys = book(hearing_day, other_officer, SuiteFactory(force=sussex))
    later = HearingFactory(
        court=court, starts_at=london(2027, 9, 1, 10), ends_at=london(2027, 9, 1, 13)
    )
    book(later, other_officer, SuiteFactory(force=sussex))
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_cancel(
            actor=None, booking=mine, reason=f"{NAME} on a course; her mobile {NATIONAL}"
        )
        services.hearing_vacate(actor=None, hearing=hearing_day, reason=f"{NAME} unavailable")

    sweep()

    # then: her booking is still cancelled, and says only that its reason was anonymised
    mine.refresh_from_db()
    assert (mine.status, mine.cancellation_reason) == (BookingStatus.CANCELLED, "(anonymised)")
    cancelled = mine.events.get(action="cancelled")
    assert cancelled.changes["cancellation_reason"] == ["", "(anonymised)"]
    # Rory's booking and the hearing keep their reason, without her name
    rorys.refresh_from_db()
    assert rorys.cancellation_reason == "Hearing vacated: (anonymised) unavailable"
    hearing_day.refresh_from_db()
    assert hearing_day.vacated_reason == "(anonymised) unavailable"
    assert personal(json.dumps(list(rorys.events.values_list("changes", flat=True)))) == []
    assert Witness.objects.get(pk=other_officer.pk).full_name == "Rory Williams"


def test_an_attention_flag_naming_the_witness_keeps_its_kind_and_loses_the_name(booking):
    with time_machine.travel(BOOKED_ON, tick=False):
        services.attention_flag_raise(
            booking=booking,
            kind=AttentionKind.WITNESS_CANNOT_ATTEND,
            detail=f"{NAME} rang from {NATIONAL}: she cannot attend",
        )

    sweep()

    flag = booking.flags.get()
    assert flag.kind == AttentionKind.WITNESS_CANNOT_ATTEND
    assert flag.detail == "(anonymised) rang from (anonymised): she cannot attend"
