"""A suite's closures on the staff pages: the force's suite managers add and remove them, a
closure over a booking puts it on the attention list, a closure that overlaps another or
makes no sense is refused saying why, another force's manager cannot remove one, and the page
costs the same queries however many closures."""

from datetime import timedelta

import pytest

from accounts.models import Role
from bookings.models import AttentionKind, BookingStatus
from evidence_suites.models import Closure
from evidence_suites.services import closure_create
from tests.factories import UserFactory, london
from tests.helpers import book, queries_for, signed_in, text

pytestmark = pytest.mark.django_db


# --- Closures ---------------------------------------------------------------------------------


def closure_form(
    start=("1", "4", "2027", "09:00"),
    end=("1", "4", "2027", "17:00"),
    reason="Screen being replaced",
):
    return {
        "starts_on_day": start[0],
        "starts_on_month": start[1],
        "starts_on_year": start[2],
        "starts_at_time": start[3],
        "ends_on_day": end[0],
        "ends_on_month": end[1],
        "ends_on_year": end[2],
        "ends_at_time": end[3],
        "reason": reason,
    }


def test_a_suite_manager_adds_and_removes_a_closure(clock, suite, suite_manager):
    client = signed_in(suite_manager)

    added = client.post(f"/suites/{suite.pk}/closures/", closure_form(), follow=True)

    closure = Closure.objects.get(suite=suite)
    # 1 April 2027 is in BST: 09:00 in London is 08:00 UTC.
    assert closure.starts_at == london(2027, 4, 1, 9)
    assert closure.ends_at == london(2027, 4, 1, 17)
    assert closure.reason == "Screen being replaced"
    page = text(added)
    assert "is closed from 1 April 2027 09:00 to 1 April 2027 17:00" in page
    assert "Screen being replaced" in page

    confirm = client.get(f"/suites/{suite.pk}/closures/{closure.pk}/remove/")
    assert confirm.status_code == 200
    assert "Remove this closure?" in text(confirm)
    assert Closure.objects.filter(pk=closure.pk).exists()

    removed = client.post(f"/suites/{suite.pk}/closures/{closure.pk}/remove/", follow=True)

    assert not Closure.objects.filter(pk=closure.pk).exists()
    assert "Closure removed" in text(removed)


def test_a_closure_over_a_booking_puts_it_on_the_attention_list(
    clock, suite, hearing, officer, suite_manager
):
    booking = book(hearing, officer, suite)

    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/closures/",
        closure_form(start=("24", "3", "2027", "08:30"), end=("24", "3", "2027", "17:30")),
        follow=True,
    )

    page = text(response)
    assert "1 booking in that time is on the attention list to be moved." in page
    assert "1 booking to move" in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.flags.filter(kind=AttentionKind.SUITE_CLOSED, resolved_at=None).exists()


def test_an_overlapping_closure_is_refused_with_the_error_summary(clock, suite, suite_manager):
    closure_create(
        suite=suite,
        starts_at=london(2027, 4, 1, 12),
        ends_at=london(2027, 4, 2, 12),
        reason="Decorating",
    )

    response = signed_in(suite_manager).post(f"/suites/{suite.pk}/closures/", closure_form())

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "overlaps another closure" in page
    assert Closure.objects.filter(suite=suite).count() == 1


def test_a_closure_form_says_what_is_missing(clock, suite, suite_manager):
    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/closures/",
        closure_form(start=("31", "2", "2027", "09:00"), end=("1", "", "2027", "25:00"), reason=""),
    )
    page = text(response)
    assert "The date the closure starts must be a real date" in page
    assert "The date the closure ends must include a month" in page
    assert "Enter the time the closure ends, like 17:30" in page
    assert "Enter why the suite is closed" in page
    assert 'href="#id_starts_on_day"' in response.content.decode()
    assert Closure.objects.count() == 0


def test_a_closure_must_end_after_it_starts(clock, suite, suite_manager):
    response = signed_in(suite_manager).post(
        f"/suites/{suite.pk}/closures/",
        closure_form(end=("1", "4", "2027", "08:00")),
    )
    assert "The closure must end after it starts" in text(response)
    assert Closure.objects.count() == 0


def test_another_forces_manager_cannot_remove_a_closure(clock, suite, kent):
    closure = closure_create(
        suite=suite, starts_at=london(2027, 4, 1, 9), ends_at=london(2027, 4, 1, 17), reason="Kit"
    )
    kent_manager = UserFactory(username="kent.suites", role=Role.SUITE_MANAGER, force=kent)
    response = signed_in(kent_manager).post(f"/suites/{suite.pk}/closures/{closure.pk}/remove/")
    assert response.status_code == 403
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_the_closures_page_costs_the_same_queries_for_3_closures_as_for_30(
    clock, suite, suite_manager, django_assert_max_num_queries
):
    client = signed_in(suite_manager)

    def close(days):
        for day in days:
            on = london(2027, 4, 1, 9) + timedelta(days=day)
            closure_create(suite=suite, starts_at=on, ends_at=on + timedelta(hours=2), reason="Kit")

    close(range(3))
    few = queries_for(client, f"/suites/{suite.pk}/closures/")
    close(range(3, 30))
    with django_assert_max_num_queries(few):
        response = client.get(f"/suites/{suite.pk}/closures/")
    assert text(response).count("Remove closure from") == 30
