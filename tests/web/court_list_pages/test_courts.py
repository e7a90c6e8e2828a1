"""Who may open which court list page; per court, the lists the service read (when, from where,
what each did); and an admin setting a court's CaTH location id and policy."""

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from court_lists.models import CourtList, ReadOutcome
from tests.factories import CourtFactory, london
from tests.helpers import signed_in, text
from tests.web.court_list_pages.conftest import apply_url, changes_url

pytestmark = pytest.mark.django_db


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

    assert "32 lists received; showing 1 to 25." in first and "Older lists" in first
    assert "showing 26 to 32" in second and "Newer lists" in second
    assert "Outcome Changes applied" in second and "Outcome Changes applied" not in first


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
