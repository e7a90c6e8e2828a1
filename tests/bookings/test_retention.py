"""Witnesses' personal data is kept no longer than needed, and the figures stay true."""

from datetime import timedelta

import pytest
import time_machine

from bookings import services
from bookings.models import Witness
from notifications.models import Message, WitnessLink
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london

pytestmark = pytest.mark.django_db


def test_personal_data_goes_after_the_retention_period_and_the_report_stays_the_same(
    api, sussex, court, settings
):
    settings.RETENTION_DAYS = 90
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    officer = WitnessFactory(force=sussex, full_name="Amelia Pond")
    later = WitnessFactory(force=sussex, full_name="Rory Williams")
    with time_machine.travel(london(2027, 2, 26, 9), tick=False):
        booking = services.booking_create(
            actor=None,
            hearing=hearing,
            witness=officer,
            suite=SuiteFactory(force=sussex),
            notes="Prefers a morning slot",
            interpreter_language="Welsh",
        )
        services.booking_update_details(actor=None, booking=booking, notes="Call her mobile")
        future = HearingFactory(
            court=court, starts_at=london(2027, 7, 1, 10), ends_at=london(2027, 7, 1, 13)
        )
        services.booking_create(
            actor=None, hearing=future, witness=later, suite=SuiteFactory(force=sussex)
        )
    with time_machine.travel(london(2027, 3, 2, 9, 50), tick=False):
        services.booking_check_in(actor=None, booking=booking)
    with time_machine.travel(london(2027, 3, 2, 11), tick=False):
        services.booking_complete(actor=None, booking=booking, outcome="gave_evidence")
    period = {"from": "2027-03-01", "to": "2027-03-31", "group_by": "force"}
    with time_machine.travel(london(2027, 4, 1, 9), tick=False):
        report_before = api.get("/api/v1/reports/hours-saved/", period).json()

    # when: the daily job runs 91 days after the hearing
    with time_machine.travel(hearing.ends_at + timedelta(days=91), tick=False):
        assert services.witnesses_anonymise() == 1
        report_after = api.get("/api/v1/reports/hours-saved/", period).json()

    # then: the witness is anonymous, their booking and its history remain
    officer.refresh_from_db()
    assert officer.anonymised_at is not None
    assert (officer.full_name, officer.collar_number, str(officer.phone), officer.email) == (
        "Anonymised witness",
        "",
        "",
        "",
    )
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == ("completed", "gave_evidence")
    assert (booking.notes, booking.interpreter_language) == ("", "")
    assert booking.events.count() >= 4
    changed = booking.events.get(action="details_changed")
    assert "Call her mobile" not in str(changed.changes)
    assert not Message.objects.filter(booking=booking, recipient__startswith="+44").exists()
    assert not WitnessLink.objects.filter(booking=booking).exists()
    # a witness with a hearing still to come is untouched
    assert Witness.objects.get(pk=later.pk).full_name == "Rory Williams"
    # and the report reads the same
    assert report_after["totals"] == report_before["totals"]
    assert report_after["rows"] == report_before["rows"]


def test_a_witness_is_not_anonymised_before_the_period_ends(api, sussex, court, settings):
    settings.RETENTION_DAYS = 90
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 2, 10), ends_at=london(2027, 3, 2, 13)
    )
    officer = WitnessFactory(force=sussex)
    with time_machine.travel(london(2027, 2, 26, 9), tick=False):
        services.booking_create(
            actor=None, hearing=hearing, witness=officer, suite=SuiteFactory(force=sussex)
        )

    with time_machine.travel(hearing.ends_at + timedelta(days=89), tick=False):
        assert services.witnesses_anonymise() == 0
    officer.refresh_from_db()
    assert officer.anonymised_at is None
