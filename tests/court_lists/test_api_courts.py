"""An admin tells the service where a court's lists come from (its CaTH location id) and what
to do with the changes they bring (`list_changes`), with PATCH /api/v1/courts/{id}/."""

import pytest

from bookings.models import Court
from tests.factories import CourtFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def url(court):
    return f"/api/v1/courts/{court.pk}/"


def test_an_admin_sets_a_courts_cath_location_id_and_policy(api_as, admin_user, court):
    response = api_as(admin_user).patch(
        url(court), {"cath_location_id": "1823", "list_changes": "apply"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["cath_location_id"], response.json()["list_changes"]) == (
        "1823",
        "apply",
    )
    court.refresh_from_db()
    assert (court.cath_location_id, court.list_changes, court.name) == (
        "1823",
        "apply",
        "Brighton Magistrates' Court",
    )


def test_every_court_shows_its_location_id_and_policy(api, court):
    listed = api.get("/api/v1/courts/").json()["results"][0]

    assert (listed["cath_location_id"], listed["list_changes"]) == (None, "propose")


def test_a_courts_location_id_can_be_cleared(api_as, admin_user, court):
    court.cath_location_id = "1823"
    court.save()

    response = api_as(admin_user).patch(url(court), {"cath_location_id": None}, format="json")

    assert response.status_code == 200, response.content
    court.refresh_from_db()
    assert court.cath_location_id is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("01823", "Without leading zeros: 1823, not 01823"),
        ("18-23", "A CaTH location id is a number"),
        ("0", "A CaTH location id is a number"),
        ("", "may not be blank"),
    ],
)
def test_a_location_id_not_written_as_caths_is_refused(api_as, admin_user, court, value, words):
    response = api_as(admin_user).patch(url(court), {"cath_location_id": value}, format="json")

    body = assert_error(response, 400, "invalid", fields=["cath_location_id"])
    assert words in body["fields"]["cath_location_id"][0]
    court.refresh_from_db()
    assert court.cath_location_id is None


def test_two_courts_may_not_share_a_location_id_or_a_code(api_as, admin_user, court):
    CourtFactory(code="hove-mc", cath_location_id="1824")
    client = api_as(admin_user)

    taken_id = client.patch(url(court), {"cath_location_id": "1824"}, format="json")
    taken_code = client.patch(url(court), {"code": "hove-mc"}, format="json")

    assert_error(taken_id, 409, "court_exists", fields=["cath_location_id"])
    assert_error(taken_code, 409, "court_exists", fields=["code"])
    assert Court.objects.get(pk=court.pk).code == "brighton-mc"


def test_an_unknown_policy_is_refused(api_as, admin_user, court):
    response = api_as(admin_user).patch(url(court), {"list_changes": "ignore"}, format="json")

    assert_error(response, 400, "invalid", fields=["list_changes"])


def test_only_admins_change_courts(api, court_user, api_as, court):
    for client in (api, api_as(court_user)):
        response = client.patch(url(court), {"list_changes": "apply"}, format="json")
        assert_error(response, 403, "permission_denied")
    court.refresh_from_db()
    assert court.list_changes == "propose"


def test_a_court_is_never_replaced_whole(api_as, admin_user, court):
    assert_error(api_as(admin_user).put(url(court), {}, format="json"), 405, "method_not_allowed")


def test_a_court_added_with_a_taken_location_id_is_refused(api_as, admin_user):
    CourtFactory(code="hove-mc", cath_location_id="1824")
    body = {
        "code": "guildford-mc",
        "name": "Guildford Magistrates' Court",
        "address": "Mary Road, Guildford",
        "postcode": "GU1 4PS",
        "latitude": 51.238,
        "longitude": -0.578,
        "cath_location_id": "1824",
    }

    response = api_as(admin_user).post("/api/v1/courts/", body, format="json")

    assert_error(response, 409, "court_exists", fields=["cath_location_id"])
    assert not Court.objects.filter(code="guildford-mc").exists()
