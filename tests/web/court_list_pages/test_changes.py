"""A court's list changes, each with the bookings and witnesses it affects, to apply (bookings
follow, witnesses are texted) or dismiss (nothing changes); and the changes waiting on the Today
page."""

import pytest

from bookings import services
from bookings.models import BookingStatus, Hearing, HearingStatus
from court_lists.models import ChangeState
from notifications.models import Message
from tests.court_lists.conftest import DROPPED_URN, MONDAY, MOVED_URN, read_sample
from tests.factories import london
from tests.helpers import assert_stood_down, signed_in, text, texts_to
from tests.web.court_list_pages.conftest import apply_url, changes_url, dismiss_url

pytestmark = pytest.mark.django_db


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


def test_the_today_pages_tables_name_their_columns_the_links_one_for_screen_readers(
    proposed, admin_user
):
    services.attention_flag_raise(booking=proposed.moving, kind="suite_closed", detail="Closed.")

    response = signed_in(admin_user).get("/")

    page = text(response)
    assert "Court list changes waiting for a decision Case What Detail Action" in page
    assert "Bookings that need attention Booking What Detail Action" in page
    hidden = '<span class="govuk-visually-hidden">Action</span></th>'
    assert response.content.decode().count(hidden) == 2
