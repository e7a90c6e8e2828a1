"""Welsh in the Django admin (issue 18): an admin sets a force's default language for its
witnesses, a witness's own language, and a court's and a suite's Welsh names."""

import pytest

from bookings.models import Court, Witness
from evidence_suites.models import Force, Suite
from tests.factories import CourtFactory, SuiteFactory, WitnessFactory
from tests.helpers import text

from .test_admin import witness_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(sussex):
    # No phone: the admin's phone field takes only numbers someone owns.
    return WitnessFactory(force=sussex, full_name="Amelia Pond", collar_number="4123", phone="")


def test_an_admin_sets_a_forces_default_language(admin_browser, sussex):
    form = admin_browser.get(f"/admin/evidence_suites/force/{sussex.pk}/change/")
    assert "Default witness language" in text(form)

    response = admin_browser.post(
        f"/admin/evidence_suites/force/{sussex.pk}/change/",
        {"code": "sussex", "name": "Sussex Police", "default_witness_language": "en_cy"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Force.objects.get(pk=sussex.pk).default_witness_language == "en_cy"
    listing = text(admin_browser.get("/admin/evidence_suites/force/"))
    assert "Sussex Police sussex Both: Welsh first, then English" in listing


def test_an_admin_sets_a_witness_to_welsh(admin_browser, officer):
    response = admin_browser.post(
        f"/admin/bookings/witness/{officer.pk}/change/", witness_form(officer, language="cy")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Witness.objects.get(pk=officer.pk).language == "cy"


def test_a_witness_an_admin_adds_without_a_language_takes_their_forces_default(
    admin_browser, sussex
):
    sussex.default_witness_language = "en_cy"
    sussex.save()

    response = admin_browser.post(
        "/admin/bookings/witness/add/",
        {"full_name": "Rhiannon Price", "witness_type": "civilian", "force": sussex.pk},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Witness.objects.get(full_name="Rhiannon Price").language == "en_cy"


def test_an_anonymised_witnesss_language_is_read_only(admin_browser, officer):
    Witness.objects.filter(pk=officer.pk).update(anonymised_at="2027-01-01T00:00:00Z")

    form = admin_browser.get(f"/admin/bookings/witness/{officer.pk}/change/")

    assert "language" not in form.context["adminform"].form.fields


def test_an_admin_gives_a_court_its_welsh_name(admin_browser):
    court = CourtFactory(code="newport-mc", name="Newport (South Wales) Magistrates' Court")

    response = admin_browser.post(
        f"/admin/bookings/court/{court.pk}/change/",
        {
            "code": court.code,
            "name": court.name,
            "name_cy": "Llys Ynadon Casnewydd",
            "address": court.address,
            "postcode": court.postcode,
            "latitude": str(court.latitude),
            "longitude": str(court.longitude),
            "list_changes": "propose",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Court.objects.get(pk=court.pk).name_cy == "Llys Ynadon Casnewydd"


def test_an_admin_gives_a_suite_its_welsh_name_and_control_characters_are_refused(
    admin_browser, sussex
):
    suite = SuiteFactory(code="hove", name="Hove Police Station", force=sussex, weekdays=[])
    url = f"/admin/evidence_suites/suite/{suite.pk}/change/"
    form = {
        "code": suite.code,
        "name": suite.name,
        "force": suite.force_id,
        "is_active": "on",
        "address": suite.address,
        "postcode": suite.postcode,
        "latitude": str(suite.latitude),
        "longitude": str(suite.longitude),
        "capacity": suite.capacity,
        "turnaround_minutes": suite.turnaround_minutes,
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
    }

    refused = admin_browser.post(url, form | {"name_cy": "Gorsaf\nHeddlu Hove"})
    saved = admin_browser.post(url, form | {"name_cy": "Gorsaf Heddlu Hove"})

    assert set(refused.context["adminform"].form.errors) == {"name_cy"}
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert Suite.objects.get(pk=suite.pk).name_cy == "Gorsaf Heddlu Hove"
