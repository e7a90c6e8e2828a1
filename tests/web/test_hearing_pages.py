"""The hearing pages: court lists by court and day, a hearing with its bookings, and what a
court does to a hearing: vacate it (witnesses stood down) or relist it (bookings follow)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from bookings.models import AttentionKind, BookingStatus, HearingStatus
from core.clock import local
from notifications.models import Channel, Kind, Message
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import assert_stood_down, book, signed_in, text

pytestmark = pytest.mark.django_db


# --- The list ---------------------------------------------------------------------------------


def test_staff_see_the_hearings_from_today_with_their_bookings_count(
    clock, court, hearing, suite, officer, other_officer, scheduler, suite_manager, admin_user
):
    book(hearing, officer, suite)
    book(hearing, other_officer, SuiteFactory(force=suite.force))
    later = HearingFactory(
        court=court, starts_at=london(2027, 3, 26, 14), ends_at=london(2027, 3, 26, 16, 30)
    )
    HearingFactory(court=court, starts_at=london(2027, 3, 19, 10))  # last week: not shown

    for user in (scheduler, suite_manager, admin_user):
        response = signed_in(user).get("/hearings/")
        assert response.status_code == 200
        page = text(response)
        assert "Wednesday 24 March 2027" in page
        assert "Brighton Magistrates' Court" in page
        assert f"10:00 to 13:00 Court 1 {hearing.case_reference} Trial 2" in page
        assert f"14:00 to 16:30 Court 1 {later.case_reference} Trial 0" in page
        assert "Friday 26 March 2027" in page
        assert "19 March" not in page
        assert f'href="/hearings/{hearing.pk}/"' in response.content.decode()


def test_the_list_filters_by_court_day_and_status(clock, court, hearing, scheduler):
    other_court = CourtFactory(name="Hastings Magistrates' Court")
    elsewhere = HearingFactory(court=other_court)
    next_day = HearingFactory(court=court, starts_at=london(2027, 3, 25, 10))
    vacated = HearingFactory(court=court, status=HearingStatus.VACATED)
    client = signed_in(scheduler)

    by_court = text(client.get(f"/hearings/?court={other_court.pk}"))
    assert elsewhere.case_reference in by_court
    assert hearing.case_reference not in by_court

    by_day = text(client.get("/hearings/?on_day=25&on_month=3&on_year=2027"))
    assert next_day.case_reference in by_day
    assert hearing.case_reference not in by_day
    assert "Thursday 25 March 2027" in by_day
    assert "Wednesday 24 March 2027" in by_day  # the previous-day link

    by_status = text(client.get("/hearings/?status=vacated"))
    assert vacated.case_reference in by_status
    assert hearing.case_reference not in by_status


def test_a_bad_date_filter_is_explained(clock, hearing, scheduler):
    response = signed_in(scheduler).get("/hearings/?on_day=30&on_month=2&on_year=2027")
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The date must be a real date" in page
    assert 'href="#id_on_day"' in response.content.decode()


def test_court_users_see_only_their_courts_hearings(clock, court, hearing, court_user):
    elsewhere = HearingFactory(court=CourtFactory(name="Hastings Magistrates' Court"))
    client = signed_in(court_user)

    listing = client.get("/hearings/")
    assert hearing.case_reference in text(listing)
    assert elsewhere.case_reference not in text(listing)
    assert 'name="court"' not in listing.content.decode()
    assert client.get(f"/hearings/{hearing.pk}/").status_code == 200
    assert client.get(f"/hearings/{elsewhere.pk}/").status_code == 404
    assert client.post(f"/hearings/{elsewhere.pk}/vacate/", {"reason": "x"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == HearingStatus.LISTED


# --- A hearing --------------------------------------------------------------------------------


def test_a_hearing_page_shows_its_bookings(clock, hearing, suite, officer, scheduler):
    booking = book(hearing, officer, suite)

    response = signed_in(scheduler).get(f"/hearings/{hearing.pk}/")

    page = text(response)
    assert f"Hearing {hearing.case_reference}" in page
    assert "Wednesday 24 March 2027" in page
    assert "10:00 to 13:00" in page
    assert (
        f"{booking.reference} 10:00 to 13:00 Amelia Pond Police officer Brighton Police Station "
        "Confirmed"
    ) in page
    assert f'href="/bookings/{booking.pk}/"' in response.content.decode()
    assert f'href="/hearings/{hearing.pk}/vacate/"' in response.content.decode()
    assert f'href="/hearings/{hearing.pk}/relist/"' in response.content.decode()


def test_court_users_see_witness_initials_not_names(clock, hearing, suite, officer, court_user):
    booking = book(hearing, officer, suite)
    page = text(signed_in(court_user).get(f"/hearings/{hearing.pk}/"))
    assert f"{booking.reference} 10:00 to 13:00 AP Police officer" in page
    assert "Amelia Pond" not in page


def test_suite_managers_read_hearings_but_cannot_change_them(
    clock, hearing, suite, officer, suite_manager
):
    book(hearing, officer, suite)
    client = signed_in(suite_manager)

    page = client.get(f"/hearings/{hearing.pk}/")
    assert page.status_code == 200
    assert "Vacate hearing" not in text(page)
    assert "Relist hearing" not in text(page)
    assert client.get(f"/hearings/{hearing.pk}/vacate/").status_code == 403
    assert client.post(f"/hearings/{hearing.pk}/vacate/", {"reason": "Plea"}).status_code == 403
    relist = {"on_day": "25", "on_month": "3", "on_year": "2027"}
    assert client.post(f"/hearings/{hearing.pk}/relist/", relist).status_code == 403
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.LISTED


def test_an_unknown_hearing_is_not_found(clock, scheduler):
    assert signed_in(scheduler).get("/hearings/999999/").status_code == 404


# --- Vacate -----------------------------------------------------------------------------------


def test_vacating_a_hearing_stands_its_witnesses_down(
    clock, hearing, suite, officer, other_officer, court_user
):
    first = book(hearing, officer, suite)
    second = book(hearing, other_officer, SuiteFactory(force=suite.force))
    client = signed_in(court_user)

    form = client.get(f"/hearings/{hearing.pk}/vacate/")
    assert "2 witnesses will be stood down" in text(form)

    response = client.post(
        f"/hearings/{hearing.pk}/vacate/", {"reason": "Guilty plea entered"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/hearings/{hearing.pk}/"
    page = text(response)
    assert "Hearing vacated: 2 witnesses stood down." in page
    assert "Vacated" in page and "Guilty plea entered" in page
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.cancellation_reason == "Hearing vacated: Guilty plea entered"
        # each witness is texted the stand-down, once, for the time they were booked
        [stand_down] = Message.objects.filter(
            booking=booking, channel=Channel.SMS, kind=Kind.STAND_DOWN
        )
        assert_stood_down(
            stand_down.body,
            on=f"Wed 24 Mar at {local(booking.starts_at):%H:%M}",
            suite=booking.suite.name,
        )
    assert "Vacate hearing" not in page


def test_vacating_needs_a_reason(clock, hearing, suite, officer, scheduler):
    booking = book(hearing, officer, suite)

    response = signed_in(scheduler).post(f"/hearings/{hearing.pk}/vacate/", {"reason": "  "})

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Enter why the hearing is vacated" in page
    assert 'href="#id_reason"' in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_vacated_hearing_cannot_be_vacated_again(clock, hearing, scheduler):
    services.hearing_vacate(actor=None, hearing=hearing, reason="Cracked")
    client = signed_in(scheduler)
    assert client.get(f"/hearings/{hearing.pk}/vacate/").status_code == 302
    response = client.post(f"/hearings/{hearing.pk}/vacate/", {"reason": "Again"})
    assert "Only a listed hearing can be vacated." in text(response)


# --- Relist -----------------------------------------------------------------------------------


def relist_form(day="25", month="3", year="2027", starts="10:00", ends="13:00"):
    return {
        "on_day": day,
        "on_month": month,
        "on_year": year,
        "starts_at_time": starts,
        "ends_at_time": ends,
    }


def test_relisting_moves_the_bookings_with_the_hearing(clock, hearing, suite, officer, scheduler):
    booking = book(hearing, officer, suite)
    client = signed_in(scheduler)

    form = client.get(f"/hearings/{hearing.pk}/relist/")
    assert 'value="24"' in form.content.decode() and 'value="10:00"' in form.content.decode()

    response = client.post(f"/hearings/{hearing.pk}/relist/", relist_form(), follow=True)

    page = text(response)
    assert "Hearing relisted for Thursday 25 March 2027, 10:00." in page
    assert "1 booking moved with it; 0 need attention." in page
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 25, 10)
    assert booking.ends_at == london(2027, 3, 25, 13)
    hearing.refresh_from_db()
    assert hearing.starts_at == london(2027, 3, 25, 10)


def test_relisting_into_bst_keeps_the_london_wall_clock_time(
    clock, hearing, suite, officer, scheduler
):
    booking = book(hearing, officer, suite)

    signed_in(scheduler).post(f"/hearings/{hearing.pk}/relist/", relist_form(day="31"))

    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 31, 10)  # 09:00 UTC
    assert booking.starts_at.utcoffset() is not None


def test_a_booking_that_cannot_follow_is_flagged_with_suggested_suites(
    clock, court, hearing, suite, officer, kent_witness, scheduler, sussex
):
    booking = book(hearing, officer, suite)
    # Someone else holds the suite on the new day, and a nearby suite is free then.
    other_hearing = HearingFactory(court=court, starts_at=london(2027, 3, 25, 10))
    book(other_hearing, kent_witness, suite)
    SuiteFactory(force=sussex, name="Hove Police Station")

    response = signed_in(scheduler).post(
        f"/hearings/{hearing.pk}/relist/", relist_form(), follow=True
    )

    page = text(response)
    assert "0 bookings moved with it; 1 needs attention." in page
    assert "1 booking needs attention" in page
    assert f"{booking.reference} (Amelia Pond): Hearing moved to Thu 25 Mar 10:00" in page
    assert "Free nearby then: Hove Police Station." in page
    assert "Needs attention" in page
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 10)
    assert booking.flags.filter(kind=AttentionKind.RELIST_CONFLICT, resolved_at=None).exists()


def test_a_relist_form_says_what_is_wrong(clock, hearing, scheduler):
    response = signed_in(scheduler).post(
        f"/hearings/{hearing.pk}/relist/", relist_form(month="13", starts="14:00", ends="11:00")
    )
    page = text(response)
    assert "The new hearing date must be a real date" in page
    hearing.refresh_from_db()
    assert hearing.starts_at == london(2027, 3, 24, 10)

    response = signed_in(scheduler).post(
        f"/hearings/{hearing.pk}/relist/", relist_form(starts="14:00", ends="11:00")
    )
    assert "The end time must be after the start time" in text(response)
    assert 'href="#id_ends_at_time"' in response.content.decode()


# --- Bounded queries --------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _hearings_with_bookings(court, force, count, first_day=0):
    hearings = []
    for index in range(count):
        on = london(2027, 3, 24, 10) + timedelta(days=7 * ((first_day + index) // 5))
        hearing = HearingFactory(court=court, starts_at=on, ends_at=on + timedelta(hours=3))
        book(hearing, WitnessFactory(force=force), SuiteFactory(force=force))
        hearings.append(hearing)
    return hearings


def test_the_hearings_list_costs_the_same_queries_for_3_rows_as_for_30(
    clock, court, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    _hearings_with_bookings(court, sussex, 3)
    few = _queries(client, "/hearings/")

    _hearings_with_bookings(court, sussex, 27, first_day=3)
    with django_assert_max_num_queries(few):
        response = client.get("/hearings/")

    assert len(re.findall(r'href="/hearings/\d+/"', response.content.decode())) == 30
    assert few <= 8


def test_a_hearing_page_costs_the_same_queries_for_3_bookings_as_for_30(
    clock, court, hearing, sussex, scheduler, django_assert_max_num_queries
):
    client = signed_in(scheduler)
    url = f"/hearings/{hearing.pk}/"
    for _ in range(3):
        book(hearing, WitnessFactory(force=sussex), SuiteFactory(force=sussex))
    few = _queries(client, url)

    for _ in range(27):
        book(hearing, WitnessFactory(force=sussex), SuiteFactory(force=sussex))
    with django_assert_max_num_queries(few):
        response = client.get(url)

    assert len(re.findall(r'href="/bookings/\d+/"', response.content.decode())) == 30
    assert few <= 9  # one of them: are other forces' witnesses booked (may they change it?)
