"""The Django admin for suites: text that goes into witnesses' texts and invites is refused there
too, on the field at fault, when it holds control characters."""

import pytest

from tests.factories import SuiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hove(sussex):
    return SuiteFactory(
        code="hove",
        name="Hove Police Station",
        force=sussex,
        address="Holland Road, Hove",
        weekdays=[],
    )


def change_url(suite) -> str:
    return f"/admin/evidence_suites/suite/{suite.pk}/change/"


def suite_form(suite, **changes) -> dict:
    """The change form as the admin page posts it back, with `changes` typed in."""
    return {
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
        "kit_notes": suite.kit_notes,
        "accessibility_notes": suite.accessibility_notes,
        "contact_phone": suite.contact_phone,
        "contact_email": suite.contact_email,
        # No opening hours or closures: the inlines post back empty.
        "opening_hours-TOTAL_FORMS": "0",
        "opening_hours-INITIAL_FORMS": "0",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
        **changes,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "Hove\nPolice Station", id="line-break-in-name"),
        pytest.param("postcode", "BN3\t1JR", id="tab-in-postcode"),
        pytest.param("address", "Holland Road\x1bHove", id="escape-in-address"),
    ],
)
def test_the_admin_refuses_suite_text_with_a_control_character_on_that_field(
    admin_browser, hove, field, value
):
    response = admin_browser.post(change_url(hove), suite_form(hove, **{field: value}))

    assert response.status_code == 200  # the form again, with the error on the field
    assert set(response.context["adminform"].form.errors) == {field}
    assert "tabs or other control characters" in response.content.decode()
    hove.refresh_from_db()
    assert getattr(hove, field) != value


def test_the_admin_keeps_a_suite_address_written_on_several_lines(admin_browser, hove):
    response = admin_browser.post(
        change_url(hove), suite_form(hove, address="Holland Road\r\nHove\r\nEast Sussex")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    hove.refresh_from_db()
    assert hove.address == "Holland Road\r\nHove\r\nEast Sussex"
