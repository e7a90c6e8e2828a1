"""Staff deciding what a court's list proposes, through the API (`/api/v1/list-changes/`):
applying a change runs the same relist or vacate as the hearing endpoints, so the witnesses are
texted; dismissing one changes nothing else. Who may decide is who may change the hearing."""

import pytest

from accounts.models import Role
from bookings.models import BookingStatus, Hearing, HearingStatus, ListChangesPolicy
from court_lists.models import ChangeState, ListChange
from court_lists.rules import change_decision_refusal
from tests.factories import CourtFactory, UserFactory
from tests.helpers import assert_error, assert_stood_down, book, texts_to

from .conftest import DROPPED_URN, MOVED_URN, REVISED, STANDARD, read_sample
from .test_api import push, rows

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/list-changes/"


@pytest.fixture
def brighton_user(brighton):
    return UserFactory(username="brighton.court", role=Role.COURT_USER, force=None, court=brighton)


@pytest.fixture
def revised(clock, brighton_applies, admin_user, api_as, suite, officer, other_officer):
    """Wednesday's list applied, the moving trial's and the dropped trial's witnesses booked,
    then the court's policy turned to propose and the revised list pushed: its move and its
    drop wait for staff."""
    read_sample(brighton_applies, STANDARD)
    moving = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    dropped = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
    brighton_applies.list_changes = ListChangesPolicy.PROPOSE
    brighton_applies.save()
    response = push(api_as(admin_user), REVISED)
    assert response.json()["outcome"] == "proposed"
    return {
        "moved": ListChange.objects.get(case_reference=MOVED_URN, state=ChangeState.PROPOSED),
        "missing": ListChange.objects.get(case_reference=DROPPED_URN, state=ChangeState.PROPOSED),
        "moving": moving,
        "dropped": dropped,
    }


def test_every_change_is_listed_with_what_it_would_do_filtered_by_state_and_court(
    revised, api_as, scheduler, brighton_applies
):
    client = api_as(scheduler)

    proposed = client.get(CHANGES, {"state": "proposed", "court": brighton_applies.pk}).json()
    elsewhere = client.get(CHANGES, {"court": CourtFactory().pk}).json()

    assert elsewhere["count"] == 0
    assert [(c["kind"], c["case_reference"]) for c in proposed["results"]] == [
        ("moved", MOVED_URN),
        ("missing", DROPPED_URN),
    ]
    moved = proposed["results"][0]
    assert moved == moved | {
        "id": revised["moved"].pk,
        "court_list": revised["moved"].court_list_id,
        "court": brighton_applies.pk,
        "hearing": revised["moving"].hearing_id,
        "hearing_type": None,
        "before": {"starts_at": "2027-03-24T14:00:00Z", "courtroom": "Court 2"},
        "after": {"starts_at": "2027-03-24T14:30:00Z", "courtroom": "Court 3"},
        "state": "proposed",
        "bookings": [],
    }
    assert client.get(CHANGES, {"state": "applied"}).json()["count"] == 11  # the first list's
    assert_error(client.get(CHANGES, {"state": "maybe"}), 400, "invalid", fields=["state"])


def test_a_court_user_applies_a_drop_and_the_witness_is_stood_down_by_text(
    revised, api_as, brighton_user, other_officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    change = revised["missing"]

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(brighton_user).post(f"{CHANGES}{change.pk}/apply/")

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["bookings"]) == (
        "applied",
        [revised["dropped"].pk],
    )
    dropped = revised["dropped"]
    dropped.refresh_from_db()
    assert dropped.status == BookingStatus.CANCELLED
    assert dropped.hearing.status == HearingStatus.VACATED
    stand_down = texts_to(fake_twilio, other_officer.phone)[-1]
    assert_stood_down(stand_down, on="Wed 24 Mar at 10:30", suite="Brighton Police Station")


def test_a_scheduler_applies_a_move_and_the_witness_is_told_the_new_time(
    revised, api_as, scheduler, officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(scheduler).post(f"{CHANGES}{revised['moved'].pk}/apply/")

    assert response.status_code == 200, response.content
    moving = revised["moving"]
    moving.refresh_from_db()
    assert moving.hearing.courtroom == "Court 3"
    assert response.json()["bookings"] == [moving.pk]
    changed = texts_to(fake_twilio, officer.phone)[-1]
    assert changed.startswith("Your video link booking has changed. It is now Wed 24 Mar at 14:30")


def test_a_dismissed_change_changes_nothing_and_cannot_then_be_applied(
    revised, api_as, brighton_user
):
    client = api_as(brighton_user)
    before = rows()

    response = client.post(f"{CHANGES}{revised['missing'].pk}/dismiss/")

    assert (response.status_code, response.json()["state"]) == (200, "dismissed")
    assert rows()[2:] == before[2:]
    again = client.post(f"{CHANGES}{revised['missing'].pk}/apply/")
    assert_error(again, 409, "list_change_decided")
    assert rows()[2:] == before[2:]


def test_a_scheduler_may_not_decide_a_change_to_a_hearing_another_forces_witness_is_on(
    revised, api_as, scheduler, kent_witness, kent_suite
):
    book(revised["dropped"].hearing, kent_witness, kent_suite)
    before = rows()

    for action in ("apply", "dismiss"):
        response = api_as(scheduler).post(f"{CHANGES}{revised['missing'].pk}/{action}/")
        assert_error(response, 409, "hearing_shared")
    assert rows() == before
    assert ListChange.objects.get(pk=revised["missing"].pk).state == ChangeState.PROPOSED


def test_suite_managers_and_other_courts_users_may_not_decide(revised, api_as, suite_manager):
    hove_user = UserFactory(role=Role.COURT_USER, force=None, court=CourtFactory(code="hove-mc"))
    before = rows()

    assert_error(
        api_as(suite_manager).post(f"{CHANGES}{revised['missing'].pk}/apply/"),
        403,
        "permission_denied",
    )
    assert_error(
        api_as(hove_user).post(f"{CHANGES}{revised['missing'].pk}/apply/"), 404, "not_found"
    )
    assert rows() == before


def test_a_scheduler_may_list_a_hearing_a_list_adds(clock, brighton, api_as, scheduler):
    court_list = read_sample(brighton, STANDARD)
    added = court_list.changes.get(case_reference="47BR0377126")

    response = api_as(scheduler).post(f"{CHANGES}{added.pk}/apply/")

    assert response.status_code == 200, response.content
    hearing = Hearing.objects.get(pk=response.json()["hearing"])
    assert (hearing.case_reference, hearing.court_id) == ("47BR0377126", brighton.pk)


def test_only_the_courts_own_users_may_decide_a_hearing_a_list_adds(clock, brighton):
    change = read_sample(brighton, STANDARD).changes.get(case_reference="47BR0377126")
    own = UserFactory(role=Role.COURT_USER, force=None, court=brighton)
    other = UserFactory(role=Role.COURT_USER, force=None, court=CourtFactory())
    suites = UserFactory(role=Role.SUITE_MANAGER)

    def refusal(user):
        return change_decision_refusal(user=user, change=change, court=brighton, hearing=None)

    assert refusal(own) is None and refusal(None) is None
    assert refusal(other).status_code == refusal(suites).status_code == 403


def test_deciding_an_unknown_change_is_404(clock, api_as, admin_user):
    assert_error(api_as(admin_user).post(f"{CHANGES}999999/apply/"), 404, "not_found")


def test_a_change_is_read_on_its_own(revised, api_as, brighton_user):
    response = api_as(brighton_user).get(f"{CHANGES}{revised['moved'].pk}/")

    assert (response.status_code, response.json()["kind"]) == (200, "moved")
