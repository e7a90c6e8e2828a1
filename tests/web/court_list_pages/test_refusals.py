"""A change that may not be decided is refused in the GOV.UK error summary, and nothing
changes: one already decided, one the hearing has outgrown, one with another force's witness,
and any change to a suite manager."""

import pytest

from bookings import services
from bookings.models import BookingStatus
from court_lists.models import ChangeState
from tests.court_lists.conftest import DROPPED_URN
from tests.factories import SuiteFactory, london
from tests.helpers import book, signed_in, text
from tests.web.court_list_pages.conftest import apply_url, changes_url, dismiss_url

pytestmark = pytest.mark.django_db


# --- Refusals, in the error summary ----------------------------------------------------------


def test_a_change_already_decided_is_refused_in_the_error_summary(proposed, admin_user):
    client = signed_in(admin_user)
    client.post(dismiss_url(proposed.missing))

    response = client.post(apply_url(proposed.missing))

    assert response.status_code == 409
    page = text(response)
    assert "There is a problem This change was dismissed." in page
    assert f'href="#change-{proposed.missing.pk}"' in response.content.decode()
    proposed.dropped.refresh_from_db()
    assert proposed.dropped.status == BookingStatus.CONFIRMED


def test_a_change_the_hearing_has_outgrown_is_refused_in_the_error_summary(proposed, brighton_user):
    hearing = proposed.dropped.hearing
    services.hearing_relist(
        actor=None,
        hearing=hearing,
        starts_at=london(2027, 3, 24, 11),
        ends_at=london(2027, 3, 24, 13),
    )

    response = signed_in(brighton_user).post(apply_url(proposed.missing))

    assert response.status_code == 409
    assert "There is a problem The hearing has changed since the list was read" in text(response)
    proposed.missing.refresh_from_db()
    assert proposed.missing.state == ChangeState.PROPOSED


def test_a_scheduler_may_not_decide_a_change_with_another_forces_witness(
    proposed, scheduler, kent_witness
):
    kent_booking = book(
        proposed.dropped.hearing, kent_witness, SuiteFactory(force=kent_witness.force)
    )
    client = signed_in(scheduler)

    page = client.get(changes_url(proposed.court))
    response = client.post(apply_url(proposed.missing))

    card = text(page)[text(page).index(f"Not in the latest list: {DROPPED_URN}") :]
    assert "1 booking of another force is on this hearing: ask the court or an admin" in card
    assert f'action="{dismiss_url(proposed.missing)}"' not in page.content.decode()
    assert response.status_code == 409
    assert "There is a problem 1 booking of another force is on this hearing" in text(response)
    kent_booking.refresh_from_db()
    assert kent_booking.status == BookingStatus.CONFIRMED


def test_a_suite_manager_may_not_decide_a_change(proposed, suite_manager):
    client = signed_in(suite_manager)

    assert client.post(apply_url(proposed.missing)).status_code == 403
    assert client.post(dismiss_url(proposed.missing)).status_code == 403
    proposed.missing.refresh_from_db()
    assert proposed.missing.state == ChangeState.PROPOSED
