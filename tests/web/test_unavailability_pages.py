"""A witness's dates to avoid on the staff pages: a scheduler records an officer's leave, sees
it on the witness's page, is stopped from booking them into it (the period named) unless they
say why, and imports an officer's duty roster or the force's CSV, all or nothing. Only the
witness's force sees the reasons and notes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings import services
from bookings.models import Booking, Unavailability, UnavailabilityReason
from tests.factories import london
from tests.helpers import move_form, text

pytestmark = pytest.mark.django_db


def add_url(witness) -> str:
    return reverse("web:witness-dates-add", args=[witness.pk])


def witness_url(witness) -> str:
    return reverse("web:witness", args=[witness.pk])


def day(prefix: str, d: int, m: int = 3, y: int = 2027) -> dict:
    return {f"{prefix}_day": str(d), f"{prefix}_month": str(m), f"{prefix}_year": str(y)}


@pytest.fixture
def leave(officer, scheduler):
    """Amelia Pond's annual leave: all of Wednesday 24 March 2027, the hearing's day."""
    return services.unavailability_add(
        actor=scheduler,
        witness=officer,
        starts_at=london(2027, 3, 24, 0),
        ends_at=london(2027, 3, 25, 0),
        reason=UnavailabilityReason.ANNUAL_LEAVE,
        note="Family holiday in Cornwall",
    )


def confirm(browser, hearing, officer, suite, **extra):
    return browser.post(
        reverse("web:book-confirm"),
        {
            "hearing": hearing.pk,
            "witness": officer.pk,
            "suite": suite.pk,
            "live_link_basis": "cja_2003_s51",
            **extra,
        },
    )


def test_a_scheduler_adds_a_day_of_leave_and_sees_it_on_the_witness_s_page(clock, browser, officer):
    form = browser.get(add_url(officer))
    response = browser.post(
        add_url(officer),
        {**day("starts_on", 24), "reason": "annual_leave", "note": "Family holiday in Cornwall"},
    )

    assert form.status_code == 200
    assert response.status_code == 302
    page = text(browser.get(response.url))
    assert "Dates to avoid added for Amelia Pond: Annual leave, Wednesday 24 March 2027." in page
    assert (
        "Wednesday 24 March 2027 Annual leave Family holiday in Cornwall Entered by staff" in page
    )
    # A whole day unless times are given, midnight to midnight in London.
    period = Unavailability.objects.get()
    assert (period.starts_at, period.ends_at) == (london(2027, 3, 24, 0), london(2027, 3, 25, 0))


def test_a_night_shift_says_it_takes_the_morning_after(clock, browser, officer):
    response = browser.post(
        add_url(officer),
        {
            **day("starts_on", 23),
            "starts_time": "22:00",
            **day("ends_on", 24),
            "ends_time": "7am",
            "reason": "night_shift",
        },
    )

    assert response.status_code == 302, text(response)
    page = text(browser.get(response.url))
    assert (
        "Tuesday 23 March 2027, 22:00 to Wednesday 24 March 2027, 07:00, and that morning "
        "until 13:00 Night shift" in page
    )


def test_a_period_that_ends_before_it_starts_is_named_in_the_error_summary(clock, browser, officer):
    response = browser.post(
        add_url(officer), {**day("starts_on", 24), **day("ends_on", 22), "reason": "course"}
    )

    assert response.status_code == 400
    assert '<a href="#id_ends_on_day">The dates to avoid must end after they start' in (
        response.content.decode()
    )
    assert not Unavailability.objects.exists()


def test_booking_a_witness_on_their_leave_is_stopped_with_the_period_named(
    clock, browser, hearing, officer, suite, leave
):
    step_two = browser.get(
        reverse("web:book-suite"), {"hearing": hearing.pk, "witness": officer.pk}
    )
    step_three = browser.get(
        reverse("web:book-confirm"),
        {"hearing": hearing.pk, "witness": officer.pk, "suite": suite.pk},
    )
    response = confirm(browser, hearing, officer, suite)

    assert "In this time Annual leave: Wednesday 24 March 2027" in text(step_two)
    assert "Book anyway" in text(step_three)
    assert response.status_code == 409
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        '<a href="#window">The witness has dates to avoid then: Annual leave, Wednesday 24 '
        "March 2027</a>" in page
    )
    assert (
        '<a href="#id_override_unavailability">Enter why you are booking the witness in their '
        "dates to avoid</a>" in page
    )
    assert not Booking.objects.exists()


def test_booking_anyway_with_a_reason_books_and_the_history_shows_the_reason(
    clock, browser, hearing, officer, suite, leave
):
    response = confirm(
        browser,
        hearing,
        officer,
        suite,
        override_unavailability="Officer agreed to come back for the trial",
    )

    assert response.status_code == 302, text(response)
    booking = Booking.objects.get()
    page = text(browser.get(response.url))
    assert f"Booking {booking.reference} made." in page
    assert "Booked over dates to avoid" in page
    assert "Officer agreed to come back for the trial" in page


def test_moving_a_booking_onto_leave_is_stopped_then_moved_with_a_reason(
    clock, browser, hearing, officer, suite, scheduler
):
    booking = services.booking_create(
        actor=scheduler, hearing=hearing, witness=officer, suite=suite
    )
    services.unavailability_add(
        actor=scheduler,
        witness=officer,
        starts_at=london(2027, 3, 24, 13),
        ends_at=london(2027, 3, 24, 18),
        reason=UnavailabilityReason.COURSE,
        note="Taser refresher",
    )
    url = reverse("web:booking-reschedule", args=[booking.pk])

    page = text(browser.get(url))
    refused = browser.post(url, move_form(booking, suite, "14:00", "16:00"))
    moved = browser.post(
        url,
        {
            **move_form(booking, suite, "14:00", "16:00"),
            "reschedule-override_unavailability": "Course moved to the next day",
        },
    )

    assert "Course Taser refresher" in page
    assert refused.status_code == 409
    assert (
        "The witness has dates to avoid then: Course, Wednesday 24 March 2027, 13:00 to 18:00. "
        "To move the booking there anyway, enter why" in text(refused)
    )
    assert moved.status_code == 302, text(moved)
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 14)
    assert "Course moved to the next day" in text(browser.get(moved.url))


def test_only_the_witness_s_force_sees_the_reasons_and_notes(
    client, court_user, suite_manager, kent_scheduler, hearing, officer, suite, scheduler, leave
):
    booking = services.booking_create(
        actor=scheduler,
        hearing=hearing,
        witness=officer,
        suite=suite,
        override_unavailability="Officer agreed to come back for the trial",
    )
    for someone in (court_user, suite_manager):
        client.force_login(someone)
        page = text(client.get(reverse("web:booking", args=[booking.pk])))
        assert "Family holiday in Cornwall" not in page
        assert "Annual leave" not in page
        assert client.get(add_url(officer)).status_code == 404
    # the court does not even learn that the witness had dates to avoid
    client.force_login(court_user)
    page = text(client.get(reverse("web:booking", args=[booking.pk])))
    assert "Booked over dates to avoid" not in page
    history = client.get(f"/api/v1/bookings/{booking.pk}/history/").json()["results"]
    assert "unavailability_overridden" not in {entry["action"] for entry in history}
    client.force_login(kent_scheduler)
    assert client.get(witness_url(officer)).status_code == 404
    assert client.get(add_url(officer)).status_code == 404


def test_a_scheduler_removes_dates_to_avoid_after_confirming(clock, browser, officer, leave):
    url = reverse("web:witness-dates-remove", args=[officer.pk, leave.pk])

    asked = browser.get(url)
    response = browser.post(url)

    assert "Remove these dates to avoid? When Wednesday 24 March 2027 Reason Annual leave" in (
        text(asked)
    )
    assert response.status_code == 302
    page = text(browser.get(response.url))
    assert "Dates to avoid removed for Amelia Pond: Annual leave, Wednesday 24 March 2027." in page
    assert not Unavailability.objects.exists()


ROSTER = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Sussex Police//Duty roster//EN\r
BEGIN:VEVENT\r
UID:leave-2027-04-01@roster.sussex.police.uk\r
SUMMARY:Annual leave\r
DTSTART;VALUE=DATE:20270401\r
DTEND;VALUE=DATE:20270403\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:rest-2027-03-30@roster.sussex.police.uk\r
SUMMARY:Rest day\r
DTSTART;VALUE=DATE:20270330\r
DTEND;VALUE=DATE:20270331\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_officer_s_duty_roster_adds_its_periods_once(clock, browser, officer):
    url = reverse("web:witness-roster-import", args=[officer.pk])

    first = browser.post(url, {"file": SimpleUploadedFile("roster.ics", ROSTER)})
    after_first = text(browser.get(first.url))
    again = browser.post(url, {"file": SimpleUploadedFile("roster.ics", ROSTER)})
    page = text(browser.get(again.url))

    assert first.status_code == 302
    assert "Duty roster imported for Amelia Pond: 2 periods added, 0 already there." in after_first
    assert "Duty roster imported for Amelia Pond: 0 periods added, 2 already there." in page
    assert "Thursday 1 April to Friday 2 April 2027 Annual leave" in page
    assert "Tuesday 30 March 2027 Rest day" in page
    assert Unavailability.objects.count() == 2


def test_a_roster_that_does_not_parse_names_the_line_and_adds_nothing(clock, browser, officer):
    broken = ROSTER.replace(b"DTSTART;VALUE=DATE:20270330", b"DTSTART;VALUE=DATE:2027-13-45")
    url = reverse("web:witness-roster-import", args=[officer.pk])

    response = browser.post(url, {"file": SimpleUploadedFile("roster.ics", broken)})

    assert response.status_code == 400
    assert '<a href="#id_file">Line 10: ' in response.content.decode()
    assert not Unavailability.objects.exists()


def test_a_csv_with_one_bad_row_shows_that_row_s_error_and_adds_nothing(
    clock, browser, officer, other_officer
):
    rows = (
        "collar_number,starts_at,ends_at,reason,note\n"
        f"{officer.collar_number},2027-04-01,2027-04-02,annual_leave,\n"
        "9999,2027-04-01,2027-04-02,rest_day,\n"
        f"{other_officer.collar_number},2027-03-30,2027-03-30,rest_day,\n"
    )
    url = reverse("web:dates-to-avoid-import")

    listed = browser.get(reverse("web:witnesses"))
    response = browser.post(url, {"file": SimpleUploadedFile("dates.csv", rows.encode())})

    assert "Import dates to avoid (CSV)" in text(listed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_file">Row 2: No officer of Sussex Police has collar number 9999.' in page
    assert "Row 1" not in page and "Row 3" not in page
    assert not Unavailability.objects.exists()

    good = rows.replace("9999,2027-04-01,2027-04-02,rest_day,\n", "")
    done = browser.post(url, {"file": SimpleUploadedFile("dates.csv", good.encode())})
    assert done.status_code == 302, text(done)
    assert "Dates to avoid imported for Sussex Police: 2 periods added, 0 already there." in text(
        browser.get(done.url)
    )


def test_an_admin_names_the_force_whose_officers_the_csv_lists(client, admin_user, officer, sussex):
    client.force_login(admin_user)
    rows = (
        "collar_number,starts_at,ends_at,reason\n"
        f"{officer.collar_number},2027-04-01,2027-04-02,sick\n"
    )
    url = reverse("web:dates-to-avoid-import")

    unnamed = client.post(url, {"file": SimpleUploadedFile("dates.csv", rows.encode())})
    named = client.post(
        url, {"force": sussex.pk, "file": SimpleUploadedFile("dates.csv", rows.encode())}
    )

    assert unnamed.status_code == 400
    assert "Choose the force whose officers the file lists" in text(unnamed)
    assert named.status_code == 302, text(named)
    assert officer.unavailability.get().reason == UnavailabilityReason.SICK
