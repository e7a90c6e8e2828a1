"""The Django admin for courts and witnesses: names that go into texts, email subjects and
invites are refused there too, on the field at fault, when they hold control characters."""

import pytest

from bookings.models import Court, Witness
from tests.factories import WitnessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(sussex):
    # No phone: the admin's phone field takes only numbers someone owns, not Ofcom's drama
    # range that tests use.
    return WitnessFactory(force=sussex, full_name="Amelia Pond", collar_number="4123", phone="")


def witness_form(witness, **changes) -> dict:
    """The witness's change form as the admin page posts it back, with `changes` typed in."""
    return {
        "full_name": witness.full_name,
        "witness_type": witness.witness_type,
        "force": witness.force_id,
        "collar_number": witness.collar_number,
        "phone": str(witness.phone),
        "email": witness.email,
        **changes,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("full_name", "Amelia\nPond", id="line-break-in-name"),
        pytest.param("full_name", "Amelia\x00Pond", id="nul-in-name"),
        pytest.param("collar_number", "4\t123", id="tab-in-collar-number"),
    ],
)
def test_the_admin_refuses_a_witness_name_with_a_control_character_on_that_field(
    admin_browser, officer, field, value
):
    before = getattr(officer, field)

    response = admin_browser.post(
        f"/admin/bookings/witness/{officer.pk}/change/", witness_form(officer, **{field: value})
    )

    assert response.status_code == 200  # the form again, with the error on the field
    assert set(response.context["adminform"].form.errors) == {field}
    officer.refresh_from_db()
    assert getattr(officer, field) == before


def test_the_admin_can_still_rename_a_witness(admin_browser, officer):
    response = admin_browser.post(
        f"/admin/bookings/witness/{officer.pk}/change/",
        witness_form(officer, full_name="Amelia Williams"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Witness.objects.get(pk=officer.pk).full_name == "Amelia Williams"


def test_the_admin_refuses_a_court_name_with_a_line_break(admin_browser):
    response = admin_browser.post(
        "/admin/bookings/court/add/",
        {
            "code": "hove-mc",
            "name": "Hove Magistrates' Court\r\nBcc: someone@example.com",
            "address": "Holland Road\r\nHove",
            "postcode": "BN3 1JR",
            "latitude": "50.83020",
            "longitude": "-0.17220",
            "list_changes": "propose",  # the form's default, as the admin page sends it
        },
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"name"}
    assert "without tabs or other control characters" in response.content.decode()
    assert not Court.objects.exists()
