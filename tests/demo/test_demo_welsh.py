"""Welsh in the demo (issue 18): Gwent, a force in Wales, writes to witnesses who have not said
in both languages; its court and suite have Welsh names; and on the next working day a trial at
Newport has a witness who asked for Welsh and an officer who has not said, each booked and
texted their confirmation as `make run` starts (beat's outbox sweep)."""

import pytest
from django.contrib.auth import authenticate

from bookings.models import Booking, BookingStatus, Court, Witness
from demo import data as demo_data
from evidence_suites.models import Force, Suite
from notifications.tasks import sweep_outbox
from tests.helpers import texts_to

from .test_seed_demo import seed, wednesday  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_gwent_writes_to_witnesses_in_both_languages_and_its_places_have_welsh_names(
    wednesday,  # noqa: F811
):
    seed()

    assert Force.objects.get(code="gwent").default_witness_language == "en_cy"
    assert set(
        Force.objects.exclude(code="gwent").values_list("default_witness_language", flat=True)
    ) == {"en"}
    court = Court.objects.get(code="newport-mc")
    assert (court.name, court.name_cy) == (
        "Newport (South Wales) Magistrates' Court",
        "Llys Ynadon Casnewydd",
    )
    assert Suite.objects.get(force__code="gwent").name_cy == "Gorsaf Heddlu Ganolog Casnewydd"
    gwent_scheduler = authenticate(username="gwent.scheduler", password=demo_data.DEMO_PASSWORD)
    assert gwent_scheduler is not None and gwent_scheduler.force.code == "gwent"


def test_the_welsh_witnesses_are_booked_for_tomorrow_and_texted_as_the_demo_starts(
    wednesday,  # noqa: F811
    fake_twilio,
):
    fake_twilio.configure(callbacks_enabled=False)
    said = seed()

    sian = Witness.objects.get(full_name="Siân Pritchard")
    rhys = Witness.objects.get(full_name="Rhys Morgan")
    assert (sian.language, rhys.language) == ("cy", "en_cy")  # she asked; he has not said
    for witness in (sian, rhys):
        (booking,) = Booking.objects.filter(witness=witness)
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.hearing.court.code == "newport-mc"
        assert booking.suite.code == "newport-central"
        assert booking.starts_at.date().isoformat() == "2027-03-25"  # Thursday, the next day
        assert witness.phone
    assert (
        "Welsh: Siân Pritchard (Welsh) and Rhys Morgan (both languages, Welsh first) booked at "
        "Newport Central Police Station for Thu 25 Mar, Newport (South Wales) Magistrates' Court; "
        "their confirmation texts go out now." in said
    )

    sweep_outbox()  # what beat does as `make run` starts

    # Siân's in Welsh, naming the suite in Welsh; Rhys's in both, the Welsh first
    (to_sian,) = texts_to(fake_twilio, sian.phone)
    (to_rhys,) = texts_to(fake_twilio, rhys.phone)
    assert "Gorsaf Heddlu Ganolog Casnewydd" in to_sian
    assert "Newport Central Police Station" not in to_sian
    welsh, english = to_rhys.index("Gorsaf Heddlu Ganolog"), to_rhys.index("Newport Central")
    assert welsh < english


def test_a_second_run_books_the_welsh_witnesses_no_more(wednesday):  # noqa: F811
    seed()
    before = Booking.objects.filter(witness__force__code="gwent").count()

    again = seed()

    assert Booking.objects.filter(witness__force__code="gwent").count() == before == 2
    assert "Welsh:" not in again
