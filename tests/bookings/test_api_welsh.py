"""Welsh through the API (issue 18): a witness is written to in the language they chose (`en`,
`cy`, or `en_cy`, both with Welsh first), and one who has not said takes their force's
`default_witness_language`, which an admin sets; courts and suites have a Welsh name."""

import pytest

from accounts.models import Role, User
from bookings.models import Court, Witness
from evidence_suites.models import Force, Suite
from tests.factories import ForceFactory, UserFactory, WitnessFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

NEW_WITNESS = {"full_name": "Rhiannon Price", "witness_type": "civilian"}


@pytest.fixture
def gwent(db):
    return ForceFactory(code="gwent", name="Gwent Police", default_witness_language="en_cy")


@pytest.fixture
def gwent_scheduler(gwent):
    return UserFactory(username="gwent.scheduler", role=Role.SCHEDULER, force=gwent)


# --- Witnesses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sent", [{}, {"language": ""}], ids=["left-out", "blank"])
def test_a_witness_added_without_a_language_takes_their_forces_default(
    api_as, gwent_scheduler, sent
):
    response = api_as(gwent_scheduler).post("/api/v1/witnesses/", NEW_WITNESS | sent, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["language"] == "en_cy"
    assert Witness.objects.get(pk=response.json()["id"]).language == "en_cy"


def test_a_witness_outside_wales_takes_english(api, sussex):
    response = api.post("/api/v1/witnesses/", NEW_WITNESS, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["language"] == "en"


def test_a_witness_who_asks_for_welsh_gets_welsh_whatever_their_forces_default(
    api, api_as, gwent_scheduler
):
    welsh = api.post("/api/v1/witnesses/", NEW_WITNESS | {"language": "cy"}, format="json")
    english = api_as(gwent_scheduler).post(
        "/api/v1/witnesses/", NEW_WITNESS | {"language": "en"}, format="json"
    )

    assert (welsh.status_code, english.status_code) == (201, 201), (welsh.content, english.content)
    assert welsh.json()["language"] == "cy"  # a Sussex witness
    assert english.json()["language"] == "en"  # a Gwent witness who said English
    listed = api.get(f"/api/v1/witnesses/{welsh.json()['id']}/").json()
    assert listed["language"] == "cy"


def test_a_scheduler_changes_a_witnesss_language(api, officer):
    response = api.patch(f"/api/v1/witnesses/{officer.pk}/", {"language": "cy"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["language"] == "cy"
    officer.refresh_from_db()
    assert officer.language == "cy"


def test_a_witnesss_language_made_blank_again_is_their_forces_default(api_as, gwent_scheduler):
    witness = WitnessFactory(force=Force.objects.get(code="gwent"), language="en")

    response = api_as(gwent_scheduler).patch(
        f"/api/v1/witnesses/{witness.pk}/", {"language": ""}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["language"] == "en_cy"


@pytest.mark.parametrize("value", ["welsh", "CY", "cy-GB", "fr", 1, None])
def test_a_language_the_service_does_not_write_in_is_refused_on_the_field(api, officer, value):
    created = api.post("/api/v1/witnesses/", NEW_WITNESS | {"language": value}, format="json")
    changed = api.patch(f"/api/v1/witnesses/{officer.pk}/", {"language": value}, format="json")

    assert_error(created, 400, "invalid", fields=["language"])
    assert_error(changed, 400, "invalid", fields=["language"])
    assert Witness.objects.count() == 1
    officer.refresh_from_db()
    assert officer.language == "en"


# --- Forces: an admin sets the default ---------------------------------------------------------


def test_an_admin_sets_a_forces_default_and_new_witnesses_take_it(
    api_as, admin_user, sussex, scheduler, officer
):
    response = api_as(admin_user).patch(
        f"/api/v1/forces/{sussex.pk}/", {"default_witness_language": "en_cy"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": sussex.pk,
        "code": "sussex",
        "name": "Sussex Police",
        "default_witness_language": "en_cy",
    }
    client = api_as(User.objects.get(pk=scheduler.pk))  # signed in afresh, as each request is
    added = client.post("/api/v1/witnesses/", NEW_WITNESS, format="json").json()
    assert added["language"] == "en_cy"
    # A witness entered before keeps the language they had.
    assert client.get(f"/api/v1/witnesses/{officer.pk}/").json()["language"] == "en"


def test_everyone_reads_a_forces_default(api_as, court_user, gwent):
    forces = api_as(court_user).get("/api/v1/forces/").json()["results"]

    assert {"code": "gwent", "default_witness_language": "en_cy"}.items() <= forces[0].items()


def test_an_admin_adds_a_force_in_wales_with_its_default(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/forces/",
        {"code": "dyfed-powys", "name": "Dyfed-Powys Police", "default_witness_language": "en_cy"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Force.objects.get(code="dyfed-powys").default_witness_language == "en_cy"
    added = api_as(admin_user).post(
        "/api/v1/forces/", {"code": "essex", "name": "Essex Police"}, format="json"
    )
    assert added.json()["default_witness_language"] == "en"


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.SUITE_MANAGER, Role.COURT_USER])
def test_only_an_admin_changes_a_force(api_as, sussex, court, role):
    user = UserFactory(
        role=role,
        force=None if role == Role.COURT_USER else sussex,
        court=court if role == Role.COURT_USER else None,
    )

    response = api_as(user).patch(
        f"/api/v1/forces/{sussex.pk}/", {"default_witness_language": "cy"}, format="json"
    )

    assert_error(response, 403, "permission_denied")
    sussex.refresh_from_db()
    assert sussex.default_witness_language == "en"


def test_a_forces_default_must_be_one_of_the_languages(api_as, admin_user, sussex):
    response = api_as(admin_user).patch(
        f"/api/v1/forces/{sussex.pk}/", {"default_witness_language": ""}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["default_witness_language"])


def test_a_force_keeps_its_code_and_its_name_is_its_own(api_as, admin_user, sussex, kent):
    client = api_as(admin_user)

    taken = client.patch(f"/api/v1/forces/{kent.pk}/", {"name": "Sussex Police"}, format="json")
    renamed = client.patch(
        f"/api/v1/forces/{kent.pk}/", {"name": "Kent Police Service", "code": "k"}, format="json"
    )
    replaced = client.put(f"/api/v1/forces/{kent.pk}/", {"name": "Kent"}, format="json")

    assert_error(taken, 409, "force_exists", fields=["name"])
    assert renamed.status_code == 200, renamed.content
    assert (renamed.json()["code"], renamed.json()["name"]) == ("kent", "Kent Police Service")
    assert_error(replaced, 405, "method_not_allowed")


# --- Courts and suites: their Welsh names --------------------------------------------------------

NEWPORT = {
    "code": "newport-mc",
    "name": "Newport (South Wales) Magistrates' Court",
    "name_cy": "Llys Ynadon Casnewydd",
    "address": "Faulkner Road, Newport",
    "postcode": "NP20 4PR",
    "latitude": 51.5893,
    "longitude": -2.9977,
}


def test_an_admin_adds_a_court_with_its_welsh_name_and_corrects_it(api_as, admin_user, scheduler):
    client = api_as(admin_user)

    added = client.post("/api/v1/courts/", NEWPORT, format="json")
    corrected = client.patch(
        f"/api/v1/courts/{added.json()['id']}/",
        {"name_cy": "Llys Ynadon Casnewydd (De Cymru)"},
        format="json",
    )

    assert added.status_code == 201, added.content
    assert added.json()["name_cy"] == "Llys Ynadon Casnewydd"
    assert corrected.status_code == 200, corrected.content
    read = api_as(scheduler).get(f"/api/v1/courts/{added.json()['id']}/").json()
    assert read["name_cy"] == "Llys Ynadon Casnewydd (De Cymru)"


def test_a_court_without_a_welsh_name_has_it_blank(api_as, admin_user, court):
    assert api_as(admin_user).get(f"/api/v1/courts/{court.pk}/").json()["name_cy"] == ""


@pytest.mark.parametrize(
    "value",
    ["Llys Ynadon\nBcc: someone@example.com", "Llys\x00Ynadon", "Ll" * 61],
    ids=["line-break", "nul", "too-long"],
)
def test_a_welsh_name_is_checked_as_the_english_one_is(
    api_as, admin_user, court, suite_manager, suite, value
):
    court_change = api_as(admin_user).patch(
        f"/api/v1/courts/{court.pk}/", {"name_cy": value}, format="json"
    )
    suite_change = api_as(suite_manager).patch(
        f"/api/v1/suites/{suite.pk}/", {"name_cy": value}, format="json"
    )

    assert_error(court_change, 400, "invalid", fields=["name_cy"])
    assert_error(suite_change, 400, "invalid", fields=["name_cy"])
    assert Court.objects.get(pk=court.pk).name_cy == ""
    assert Suite.objects.get(pk=suite.pk).name_cy == ""


def test_a_suite_manager_gives_their_suite_a_welsh_name_and_a_court_user_reads_it(
    api_as, suite_manager, court_user, suite
):
    response = api_as(suite_manager).patch(
        f"/api/v1/suites/{suite.pk}/", {"name_cy": "Gorsaf Heddlu Brighton"}, format="json"
    )

    assert response.status_code == 200, response.content
    read = api_as(court_user).get(f"/api/v1/suites/{suite.pk}/").json()
    assert read["name_cy"] == "Gorsaf Heddlu Brighton"


def test_only_the_suites_own_managers_change_its_welsh_name(api_as, kent, suite):
    kent_manager = UserFactory(role=Role.SUITE_MANAGER, force=kent)

    response = api_as(kent_manager).patch(
        f"/api/v1/suites/{suite.pk}/", {"name_cy": "Enw arall"}, format="json"
    )

    assert_error(response, 403, "permission_denied")
    assert Suite.objects.get(pk=suite.pk).name_cy == ""
