# ruff: noqa: F811 -- the court lists' fixtures, imported by name, then asked for by tests.
"""The court list pages: per court, the lists the service read (when, from where, what each did)
and the changes they bring, each with the bookings and witnesses it affects, to apply (bookings
follow, witnesses are texted) or dismiss (nothing changes); the changes waiting on the Today
page; and an admin setting a court's CaTH location id and policy."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Role
from bookings import services
from bookings.models import BookingStatus, Hearing, HearingStatus, ListChangesPolicy
from court_lists.models import ChangeKind, ChangeState, CourtList, ListChange, ReadOutcome
from notifications.models import Message
from tests.court_lists.conftest import (  # noqa: F401 (fixtures)
    DROPPED_URN,
    MONDAY,
    MOVED_URN,
    REVISED,
    STANDARD,
    brighton,
    fake_twilio,
    read_sample,
)
from tests.factories import CourtFactory, SuiteFactory, UserFactory, london
from tests.helpers import assert_stood_down, book, signed_in, text, texts_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(clock, brighton, suite, officer, other_officer):
    """Brighton's Wednesday list read and followed, a witness booked on two of its hearings,
    then the court's revised list read under the default policy: it proposes moving one
    hearing (the officer's) and vacating the other (the other officer's)."""
    brighton.list_changes = ListChangesPolicy.APPLY
    brighton.save()
    read_sample(brighton, STANDARD)
    brighton.list_changes = ListChangesPolicy.PROPOSE
    brighton.save()
    moving = book(Hearing.objects.get(case_reference=MOVED_URN), officer, suite)
    dropped = book(Hearing.objects.get(case_reference=DROPPED_URN), other_officer, suite)
    revised = read_sample(brighton, REVISED)
    assert revised.outcome == ReadOutcome.PROPOSED
    return SimpleNamespace(
        court=brighton,
        list=revised,
        moved=ListChange.objects.get(court_list=revised, kind=ChangeKind.MOVED),
        missing=ListChange.objects.get(court_list=revised, kind=ChangeKind.MISSING),
        moving=moving,
        dropped=dropped,
    )


@pytest.fixture
def brighton_user(brighton):
    return UserFactory(username="brighton.lists", role=Role.COURT_USER, force=None, court=brighton)


@pytest.fixture
def elsewhere_user(db):
    return UserFactory(
        username="hastings.lists", role=Role.COURT_USER, force=None, court=CourtFactory()
    )


def changes_url(court) -> str:
    return f"/court-lists/{court.pk}/changes/"


def apply_url(change) -> str:
    return f"/court-lists/{change.court_list.court_id}/changes/{change.pk}/apply/"


def dismiss_url(change) -> str:
    return f"/court-lists/{change.court_list.court_id}/changes/{change.pk}/dismiss/"


# --- Who sees what ----------------------------------------------------------------------------

PAGES = {
    "courts": lambda p: "/court-lists/",
    "lists received": lambda p: f"/court-lists/{p.court.pk}/",
    "changes": lambda p: changes_url(p.court),
    "check before applying": lambda p: apply_url(p.missing),
    "settings": lambda p: f"/court-lists/{p.court.pk}/settings/",
}
#: page -> role -> the status the page answers with.
EXPECTED = {
    "courts": {"admin": 200, "own court": 302, "other court": 302, "scheduler": 200},
    "lists received": {"admin": 200, "own court": 200, "other court": 404, "scheduler": 200},
    "changes": {"admin": 200, "own court": 200, "other court": 404, "scheduler": 200},
    "check before applying": {
        "admin": 200,
        "own court": 200,
        "other court": 404,
        "scheduler": 200,
    },
    "settings": {"admin": 200, "own court": 403, "other court": 404, "scheduler": 403},
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["admin", "own court", "other court", "scheduler", "suites"])
def test_each_role_gets_the_court_list_pages_it_may(
    page, role, proposed, admin_user, brighton_user, elsewhere_user, scheduler, suite_manager
):
    user = {
        "admin": admin_user,
        "own court": brighton_user,
        "other court": elsewhere_user,
        "scheduler": scheduler,
        "suites": suite_manager,
    }[role]

    response = signed_in(user).get(PAGES[page](proposed))

    # suite managers keep suites: the courts' lists are not theirs to follow
    assert response.status_code == EXPECTED[page].get(role, 403)


def test_court_users_go_straight_to_their_own_courts_lists(proposed, brighton_user):
    response = signed_in(brighton_user).get("/court-lists/")

    assert response["Location"] == f"/court-lists/{proposed.court.pk}/"


def test_the_menu_offers_court_lists_to_those_who_follow_them(
    proposed, admin_user, brighton_user, scheduler, suite_manager
):
    def menu(user):
        return [item["label"] for item in signed_in(user).get("/").context["nav_items"]]

    for user in (admin_user, brighton_user, scheduler):
        assert "Court lists" in menu(user)
    assert "Court lists" not in menu(suite_manager)


# --- The courts and their lists ----------------------------------------------------------------


def test_the_courts_page_shows_each_courts_id_policy_and_changes_waiting(proposed, scheduler):
    CourtFactory(name="Hastings Magistrates' Court")

    page = text(signed_in(scheduler).get("/court-lists/"))

    assert "Brighton Magistrates' Court" in page and "Hastings Magistrates' Court" in page
    assert "CaTH location id 1823" in page
    assert "Not set: its lists do not reach the service" in page
    assert "Waiting for a decision 2 changes" in page
    assert "Settings" not in page  # an admin's to change


def test_the_lists_received_say_when_from_where_and_what_changed(proposed, admin_user):
    page = text(signed_in(admin_user).get(f"/court-lists/{proposed.court.pk}/"))

    assert "Lists received" in page
    assert "CaTH location id 1823" in page
    assert "Proposed to staff, who apply or dismiss each one" in page
    revised = page.index("Published Wednesday 24 March 2027, 07:55")
    first = page.index("Published Tuesday 23 March 2027, 16:45")
    assert revised < first  # newest first
    assert "Magistrates' standard list for Wednesday 24 March 2027" in page
    assert "Received Monday 22 March 2027, 09:0" in page
    assert "Language English From Common Platform" in page
    assert (
        "Outcome Changes proposed to staff What changed 1 moved, 1 not in the latest list" in page
    )
    assert "Outcome Changes applied What changed 11 new hearings" in page


def test_the_lists_received_come_a_page_at_a_time(proposed, admin_user):
    for minute in range(30):
        CourtList.objects.create(
            court=proposed.court,
            list_type="MAGISTRATES_PUBLIC_LIST",
            content_date=london(2027, 4, 1).date(),
            language="ENGLISH",
            provenance="SNL",
            sensitivity="PUBLIC",
            published_at=london(2027, 3, 31, 16, minute),
            digest=f"{minute:064d}",
            received_at=timezone.now(),
            outcome=ReadOutcome.UNCHANGED,
        )
    client = signed_in(admin_user)

    first = text(client.get(f"/court-lists/{proposed.court.pk}/"))
    second = text(client.get(f"/court-lists/{proposed.court.pk}/?page=2"))
    print(first[first.index("Newest first") :][:300])
    print(first[-700:])

    assert "32 lists received; showing 1 to 25." in first and "Older lists" in first
    assert "showing 26 to 32" in second and "Newer lists" in second
    assert "Outcome Changes applied" in second and "Outcome Changes applied" not in first


# --- The changes --------------------------------------------------------------------------------


def test_the_changes_page_shows_each_change_with_the_bookings_it_affects(proposed, admin_user):
    page = text(signed_in(admin_user).get(changes_url(proposed.court)))

    assert "Court list changes" in page
    moved = page[page.index(f"Moved: {MOVED_URN}") :]
    assert moved.startswith(
        f"Moved: {MOVED_URN} Waiting for staff Case (URN) {MOVED_URN} Trial "
        "Before Wednesday 24 March 2027, 14:00, Court 2 "
        "After Wednesday 24 March 2027, 14:30, Court 3"
    )
    assert f"Bookings {proposed.moving.reference} : Amelia Pond (Police officer)" in moved
    missing = page[page.index(f"Not in the latest list: {DROPPED_URN}") :]
    assert missing.startswith(
        f"Not in the latest list: {DROPPED_URN} Waiting for staff Case (URN) {DROPPED_URN}"
    )
    assert (
        "Before Wednesday 24 March 2027, 10:30, Court 3 After Not in the court's latest list"
        in missing
    )
    source = "Magistrates' standard list for Wednesday 24 March 2027, published 24 March 2027"
    assert f"From the list {source} at 07:55 (Common Platform)" in missing
    assert f"{proposed.dropped.reference} : Rory Williams (Police officer)" in missing
    # the first list's new hearings were applied at once, as the policy then said
    assert "Recently decided" in page
    assert "Applied at once, as the court's policy says" in page
    # witnesses are stood down or moved: apply is checked first; dismiss is a button
    html = signed_in(admin_user).get(changes_url(proposed.court)).content.decode()
    assert f'href="{apply_url(proposed.missing)}"' in html
    assert f'action="{dismiss_url(proposed.missing)}"' in html


def test_court_users_see_the_witnesses_type_and_initials_not_their_names(proposed, brighton_user):
    page = text(signed_in(brighton_user).get(changes_url(proposed.court)))

    assert f"{proposed.moving.reference} : AP (Police officer)" in page
    assert f"{proposed.dropped.reference} : RW (Police officer)" in page
    assert "Amelia Pond" not in page and "Rory Williams" not in page


def test_applying_a_change_that_stands_a_witness_down_checks_first_then_texts_them(
    proposed, brighton_user, other_officer, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    client = signed_in(brighton_user)

    check = text(client.get(apply_url(proposed.missing)))
    assert "Check before you apply the change" in check
    assert "The hearing will be vacated. 1 witness will be stood down" in check
    assert "1 witness will be texted." in check

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(proposed.missing), follow=True)

    assert response.redirect_chain[-1][0] == changes_url(proposed.court)
    assert (
        f"Change applied: hearing {DROPPED_URN} vacated. 1 witness stood down "
        f"({proposed.dropped.reference})." in text(response)
    )
    proposed.dropped.refresh_from_db()
    assert proposed.dropped.status == BookingStatus.CANCELLED
    [stand_down] = texts_to(fake_twilio, other_officer.phone)
    assert_stood_down(stand_down, on="Wed 24 Mar at 10:30", suite="Brighton Police Station")
    # the booking's history names the list that stood the witness down
    history = text(client.get(f"/bookings/{proposed.dropped.pk}/"))
    assert "Court list" in history
    proposed.missing.refresh_from_db()
    assert proposed.missing.state == ChangeState.APPLIED
    assert proposed.missing.decided_by == brighton_user


def test_applying_a_move_says_who_is_texted_and_moves_the_booking(proposed, admin_user):
    client = signed_in(admin_user)

    check = text(client.get(apply_url(proposed.moved)))
    assert "1 booking will move with the hearing where the suite is free" in check
    assert "1 witness will be texted the new time." in check

    response = client.post(apply_url(proposed.moved), follow=True)

    assert (
        f"Change applied: hearing {MOVED_URN} moved to Wednesday 24 March 2027, 14:30, "
        "Court 3. 1 booking moved with it; 0 need attention." in text(response)
    )
    proposed.moving.refresh_from_db()
    assert proposed.moving.starts_at == london(2027, 3, 24, 14, 30)
    history = text(client.get(f"/bookings/{proposed.moving.pk}/"))
    assert (
        "Followed: Magistrates' standard list for Wed 24 Mar 2027, published Wed 24 Mar 2027 "
        "07:55 (Common Platform)" in history
    )


def test_a_new_hearing_is_applied_straight_from_the_changes_page(clock, brighton, admin_user):
    monday = read_sample(brighton, MONDAY)
    added = monday.changes.order_by("case_reference").first()
    client = signed_in(admin_user)

    html = client.get(changes_url(brighton)).content.decode()
    assert f'action="{apply_url(added)}"' in html  # no one to stand down: no check first

    response = client.post(apply_url(added), follow=True)

    assert f"Change applied: hearing {added.case_reference} listed for Monday 29 March" in text(
        response
    )
    assert Hearing.objects.filter(
        case_reference=added.case_reference, status=HearingStatus.LISTED
    ).exists()


def test_dismissing_a_change_changes_nothing_and_texts_nobody(
    proposed, scheduler, fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.configure(callbacks_enabled=False)
    messages = Message.objects.count()
    client = signed_in(scheduler)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(dismiss_url(proposed.missing), follow=True)

    assert response.redirect_chain[-1][0] == changes_url(proposed.court)
    assert f"Change dismissed: not in the latest list, {DROPPED_URN}. Nothing else changed." in (
        text(response)
    )
    proposed.dropped.refresh_from_db()
    assert proposed.dropped.status == BookingStatus.CONFIRMED
    assert proposed.dropped.hearing.status == HearingStatus.LISTED
    assert Message.objects.count() == messages
    assert fake_twilio.messages() == []
    proposed.missing.refresh_from_db()
    assert (proposed.missing.state, proposed.missing.decided_by) == (
        ChangeState.DISMISSED,
        scheduler,
    )


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


# --- The Today page -------------------------------------------------------------------------


def test_changes_waiting_that_affect_bookings_are_on_the_today_page(
    proposed, admin_user, brighton_user, elsewhere_user, scheduler, suite_manager
):
    read_sample(proposed.court, MONDAY)  # new hearings: no one booked, so nothing to attend to

    for user in (admin_user, brighton_user, scheduler):
        response = signed_in(user).get("/")
        page = text(response)
        assert "Court list changes waiting for a decision" in page
        assert (
            f"{DROPPED_URN} Brighton Magistrates' Court Not in the latest list "
            "Was Wednesday 24 March 2027, 10:30, Court 3; 1 witness booked." in page
        )
        assert (
            f"{MOVED_URN} Brighton Magistrates' Court Moved Wednesday 24 March 2027, 14:00, "
            "Court 2 to Wednesday 24 March 2027, 14:30, Court 3; 1 witness booked." in page
        )
        assert "New hearing" not in page
        html = response.content.decode()
        assert f'href="{changes_url(proposed.court)}#change-{proposed.missing.pk}"' in html
    for user in (elsewhere_user, suite_manager):
        assert "Court list changes waiting" not in text(signed_in(user).get("/"))


# --- A court's settings (admins) -------------------------------------------------------------


def test_an_admin_sets_a_courts_cath_location_id_and_policy_in_the_audit_log(brighton, admin_user):
    client = signed_in(admin_user)
    form = text(client.get(f"/court-lists/{brighton.pk}/settings/"))
    assert "CaTH location id" in form and "Apply at once" in form

    response = client.post(
        f"/court-lists/{brighton.pk}/settings/",
        {"cath_location_id": " 1901 ", "list_changes": "apply"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/court-lists/{brighton.pk}/"
    assert "CaTH location id 1901; list changes applied as soon as a list is read." in text(
        response
    )
    brighton.refresh_from_db()
    assert (brighton.cath_location_id, brighton.list_changes) == ("1901", "apply")
    entry = AuditEntry.objects.filter(object_pk=str(brighton.pk), actor=admin_user).latest(
        "timestamp"
    )
    assert entry.changes["cath_location_id"] == ["1823", "1901"]
    assert entry.changes["list_changes"] == ["propose", "apply"]
    assert entry.remote_addr == "127.0.0.1"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01823", "A CaTH location id is a number, e.g. 1823."),
        ("18a3", "A CaTH location id is a number, e.g. 1823."),
        ("-1823", "A CaTH location id is a number, e.g. 1823."),
        ("12345678901", "The CaTH location id must be 10 digits or fewer"),
        ("1999", "Another court has this CaTH location id"),
    ],
)
def test_a_cath_location_id_is_digits_with_no_leading_zero_and_one_courts_own(
    brighton, admin_user, typed, message
):
    CourtFactory(cath_location_id="1999")

    response = signed_in(admin_user).post(
        f"/court-lists/{brighton.pk}/settings/",
        {"cath_location_id": typed, "list_changes": "apply"},
    )

    page = text(response)
    assert f"There is a problem {message}" in page
    assert 'href="#id_cath_location_id"' in response.content.decode()
    brighton.refresh_from_db()
    assert (brighton.cath_location_id, brighton.list_changes) == ("1823", "propose")


def test_a_court_without_an_id_and_the_policy_unanswered(brighton, admin_user):
    client = signed_in(admin_user)

    unanswered = client.post(f"/court-lists/{brighton.pk}/settings/", {"cath_location_id": ""})
    cleared = client.post(
        f"/court-lists/{brighton.pk}/settings/", {"cath_location_id": "", "list_changes": "propose"}
    )

    assert "Select what happens to the changes a new list brings" in text(unanswered)
    assert 'href="#id_list_changes_0"' in unanswered.content.decode()
    assert cleared.status_code == 302
    brighton.refresh_from_db()
    assert brighton.cath_location_id is None
