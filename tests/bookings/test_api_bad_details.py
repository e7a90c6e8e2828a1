"""Bad details of witnesses, hearings and courts get a 400 in the one error shape, on the field
at fault, and write nothing: a phone no text can reach, an unknown witness type, an officer
without a collar number, and text holding control characters (it goes into texts, email
subjects and invites) (API.md, "Conventions")."""

import pytest

from bookings.models import Court, Hearing, Witness
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

WITNESSES = "/api/v1/witnesses/"


# --- Witnesses: phone numbers and enums -------------------------------------------------------


def _witness(**overrides) -> dict:
    return {
        "full_name": "Martha Jones",
        "witness_type": "civilian",
        "phone": "+447700900321",
        **overrides,
    }


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+44 7700", "0"])
def test_a_witness_phone_no_text_can_reach_is_a_400_on_phone(api, sussex, phone):
    response = api.post(WITNESSES, _witness(phone=phone), format="json")

    assert_error(response, 400, "invalid", fields=["phone"])
    assert Witness.objects.count() == 0


@pytest.mark.parametrize(
    "phone", ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123"]
)
def test_a_uk_phone_number_in_any_common_form_comes_back_in_e164(api, sussex, phone):
    response = api.post(WITNESSES, _witness(phone=phone), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+447700900123"
    assert str(Witness.objects.get().phone) == "+447700900123"


def test_an_unknown_witness_type_is_a_400_on_witness_type(api, sussex):
    response = api.post(WITNESSES, _witness(witness_type="cop"), format="json")

    assert_error(response, 400, "invalid", fields=["witness_type"])
    assert Witness.objects.count() == 0


def test_a_police_officer_witness_without_a_collar_number_is_a_400(api, sussex):
    response = api.post(
        WITNESSES, _witness(witness_type="police_officer", collar_number=""), format="json"
    )

    assert_error(response, 400, "collar_number_required", fields=["collar_number"])
    assert Witness.objects.count() == 0


# --- Text that goes into texts, email subjects and invites: no control characters -------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("full_name", "Martha\nJones", id="line-break-in-name"),
        pytest.param("full_name", "Martha\r\nBcc: x@example.com", id="header-in-name"),
        pytest.param("full_name", "Martha\tJones", id="tab-in-name"),
        pytest.param("full_name", "Martha\x1b[31mJones", id="escape-in-name"),
        pytest.param("full_name", "Martha\x00Jones", id="nul-in-name"),
        pytest.param("collar_number", "PC\n1234", id="line-break-in-collar-number"),
    ],
)
def test_a_new_witness_whose_name_or_collar_number_holds_a_control_character_is_refused(
    api, sussex, field, value
):
    response = api.post(
        WITNESSES,
        _witness(**{"witness_type": "police_officer", "collar_number": "1234", field: value}),
        format="json",
    )

    body = assert_error(response, 400, "invalid", fields=[field])
    assert set(body["fields"]) == {field}
    assert Witness.objects.count() == 0


def test_renaming_a_witness_with_a_line_break_is_refused_and_keeps_the_old_name(api, officer):
    response = api.patch(f"{WITNESSES}{officer.pk}/", {"full_name": "Amelia\nPond"}, format="json")

    assert_error(response, 400, "invalid", fields=["full_name"])
    officer.refresh_from_db()
    assert officer.full_name == "Amelia Pond"


def test_a_witness_name_with_accents_and_an_apostrophe_is_still_fine(api, sussex):
    response = api.post(WITNESSES, _witness(full_name="Siân O’Brien-Ní Dhuibhir"), format="json")

    assert response.status_code == 201, response.content
    assert Witness.objects.get().full_name == "Siân O’Brien-Ní Dhuibhir"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("case_reference", "47SS\n1234523", id="line-break-in-case-reference"),
        pytest.param("courtroom", "Court\t1", id="tab-in-courtroom"),
    ],
)
def test_a_new_hearing_whose_reference_or_courtroom_holds_a_control_character_is_refused(
    api, court, field, value
):
    hearing = {
        "court": court.pk,
        "case_reference": "47SS1234523",
        "hearing_type": "trial",
        "courtroom": "Court 1",
        "starts_at": at(10),
        "ends_at": at(13),
    }

    response = api.post("/api/v1/hearings/", {**hearing, field: value}, format="json")

    assert_error(response, 400, "invalid", fields=[field])
    assert Hearing.objects.count() == 0


def test_moving_a_hearing_to_a_courtroom_with_a_line_break_is_refused(api, hearing):
    response = api.patch(
        f"/api/v1/hearings/{hearing.pk}/", {"courtroom": "Court 2\r\nCourt 3"}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["courtroom"])
    hearing.refresh_from_db()
    assert hearing.courtroom != "Court 2\r\nCourt 3"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "Hove\nMagistrates' Court", id="line-break-in-name"),
        pytest.param("address", "Holland Road\x07Hove", id="bell-in-address"),
        pytest.param("postcode", "BN3\t1JR", id="tab-in-postcode"),
    ],
)
def test_a_new_court_whose_name_or_address_holds_a_control_character_is_refused(
    api_as, admin_user, field, value
):
    court = {
        "code": "hove-mc",
        "name": "Hove Magistrates' Court",
        "address": "Holland Road\nHove",
        "postcode": "BN3 1JR",
        "latitude": 50.8302,
        "longitude": -0.1722,
    }

    response = api_as(admin_user).post("/api/v1/courts/", {**court, field: value}, format="json")

    assert_error(response, 400, "invalid", fields=[field])
    assert not Court.objects.filter(code="hove-mc").exists()


def test_a_courts_address_may_be_written_on_several_lines(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/courts/",
        {
            "code": "hove-mc",
            "name": "Hove Magistrates' Court",
            "address": "Holland Road\r\nHove",
            "postcode": "BN3 1JR",
            "latitude": 50.8302,
            "longitude": -0.1722,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Court.objects.get(code="hove-mc").address == "Holland Road\r\nHove"
