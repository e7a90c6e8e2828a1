"""Issue 17's fields in the inventory (docs/privacy.md): a witness's dates to avoid go when they
are anonymised, the audit log keeping that they were recorded but not what they said; a reason
to book over them goes from their bookings' history; and the court's video link, which is the
court's and not the witness's, stays on the booking with the rest of the record."""

import json

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEntry
from bookings import services
from bookings.models import Booking, HistoryAction, Unavailability, UnavailabilityReason, Witness
from bookings.retention import retention_sweep
from tests.factories import london

from .conftest import BOOKED_ON, DUE, NAME, book, personal, sweep

pytestmark = pytest.mark.django_db

NOTE = "Amelia Pond: recovering from surgery, call 07700 900123"


def test_a_witnesss_dates_to_avoid_go_with_them_and_the_audit_log_keeps_no_copy(booking, amelia):
    with time_machine.travel(BOOKED_ON, tick=False):
        sick = services.unavailability_add(
            actor=None,
            witness=amelia,
            starts_at=london(2027, 4, 5, 0),
            ends_at=london(2027, 4, 10, 0),
            reason=UnavailabilityReason.SICK,
            note=NOTE,
        )
        services.unavailability_add(
            actor=None,
            witness=amelia,
            starts_at=london(2027, 4, 12, 22),
            ends_at=london(2027, 4, 13, 7),
            reason=UnavailabilityReason.NIGHT_SHIFT,
            source="roster",
            source_key="shift-17@roster.sussex.police.example PC 4123",
        )
    about_periods = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Unavailability)
    )
    assert about_periods.count() == 2  # each was recorded as it was added

    plan = sweep()

    assert plan.counts["unavailability"] == 2
    assert not Unavailability.objects.filter(witness=amelia).exists()
    log = json.dumps(list(about_periods.values("object_repr", "changes", "serialized_data")))
    assert about_periods.count() == 2  # no deletion entry carrying a copy of each
    assert personal(log) == [] and "surgery" not in log and "roster.sussex" not in log
    assert "sick" not in log.lower()  # a reason can be health data
    about_her = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Witness), object_id=amelia.pk
    )
    assert about_her.filter(additional_data__event="dates to avoid deleted").exists()
    assert sick.pk not in Unavailability.objects.values_list("pk", flat=True)


def test_a_dry_run_counts_the_dates_to_avoid_it_would_delete_and_keeps_them(booking, amelia):
    Unavailability.objects.create(
        witness=amelia,
        starts_at=london(2027, 4, 5, 0),
        ends_at=london(2027, 4, 6, 0),
        reason=UnavailabilityReason.REST_DAY,
    )

    with time_machine.travel(DUE, tick=False):
        plan = retention_sweep(dry_run=True)

    assert plan.counts["unavailability"] == 1
    assert "witnesses' dates to avoid" in "\n".join(plan.lines())
    assert Unavailability.objects.filter(witness=amelia).count() == 1


def test_the_reason_to_book_over_their_leave_goes_from_the_history(
    amelia, hearing_day, suite_with_email
):
    Unavailability.objects.create(
        witness=amelia,
        starts_at=london(2027, 3, 2, 0),
        ends_at=london(2027, 3, 3, 0),
        reason=UnavailabilityReason.REST_DAY,
    )
    reason = f"{NAME} agreed to come in on her rest day"
    booking = book(hearing_day, amelia, suite_with_email, override_unavailability=reason)
    assert booking.overrides_rest_day

    sweep()

    entry = booking.events.get(action=HistoryAction.UNAVAILABILITY_OVERRIDDEN)
    assert entry.changes == {
        "override_unavailability": [None, "(anonymised)"],
        "unavailability": [None, "(anonymised)"],
    }
    about_booking = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Booking), object_id=booking.pk
    )
    audit = json.dumps(list(about_booking.values("changes", "object_repr")))
    assert "rest day" not in audit and "agreed to come in" not in audit
    # what the hours-saved report counts stays true
    booking.refresh_from_db()
    assert booking.overrides_rest_day is True


def test_the_courts_video_link_is_the_courts_and_stays_on_the_booking(
    amelia, hearing_day, suite_with_email
):
    booking = book(hearing_day, amelia, suite_with_email)
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_set_video_link(
            actor=None, booking=booking, video_room="3051", video_pin="4821"
        )

    sweep()

    booking.refresh_from_db()
    assert (booking.video_room, booking.video_pin, booking.link_version) == ("3051", "4821", 1)
