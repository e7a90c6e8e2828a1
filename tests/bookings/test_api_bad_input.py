"""Bad input to bookings and closures gets a 4xx in the one error shape `{"code", "detail",
"fields"?}`, names the fields at fault, and writes nothing (API.md, "Conventions"): ids that do
not exist or may not be seen, windows that make no sense, clashing closures, and actions a
booking's state refuses. Witnesses' and other details: test_api_bad_details.py; requests of
any kind: test_api_bad_requests.py."""

import pytest
import time_machine

from bookings.models import Booking, BookingEvent, BookingStatus, HearingStatus
from evidence_suites.models import Closure
from tests.factories import london
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
WITNESSES = "/api/v1/witnesses/"


# --- Ids that do not exist, or that the caller may not see ------------------------------------


@pytest.mark.parametrize("field", ["hearing", "witness", "suite"])
def test_a_booking_for_an_id_that_does_not_exist_is_a_400_naming_that_field(
    api, clock, booking_payload, field
):
    # when
    response = api.post(BOOKINGS, {**booking_payload, field: 987654}, format="json")

    # then
    assert_error(response, 400, "invalid", fields=[field])
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("bad_id", ["abc", None, 99999999999999999999, [1]])
def test_a_booking_whose_witness_id_is_not_a_usable_id_is_a_400(
    api, clock, booking_payload, bad_id
):
    response = api.post(BOOKINGS, {**booking_payload, "witness": bad_id}, format="json")

    assert_error(response, 400, "invalid", fields=["witness"])
    assert Booking.objects.count() == 0


def test_a_scheduler_cannot_book_another_forces_witness_it_is_as_if_they_did_not_exist(
    api, clock, booking_payload, kent_witness
):
    # given: a Kent witness, and a Sussex scheduler
    # when
    response = api.post(BOOKINGS, {**booking_payload, "witness": kent_witness.pk}, format="json")

    # then: the same answer as for an id that does not exist
    body = assert_error(response, 400, "invalid", fields=["witness"])
    unknown = api.post(BOOKINGS, {**booking_payload, "witness": 987654}, format="json").json()
    assert body["fields"]["witness"][0].replace(str(kent_witness.pk), "N") == unknown["fields"][
        "witness"
    ][0].replace("987654", "N")
    assert Booking.objects.count() == 0


def test_reading_another_forces_witness_is_a_404_not_a_403(api, kent_witness):
    response = api.get(f"{WITNESSES}{kent_witness.pk}/")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/bookings/abc/", "/api/v1/bookings/987654/"])
def test_a_booking_url_with_an_unknown_id_is_a_404(api, path):
    assert_error(api.get(path), 404, "not_found")


# --- Windows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "code"),
    [
        pytest.param(at(12), at(11), "invalid_window", id="ends-before-it-starts"),
        pytest.param(at(11), at(11), "invalid_window", id="zero-length"),
        pytest.param(at(10), at(10, day=27), "window_too_long", id="three-days"),
    ],
)
def test_a_booking_window_that_is_not_a_sensible_span_is_a_400_on_ends_at(
    api, clock, booking_payload, starts_at, ends_at, code
):
    response = api.post(
        BOOKINGS, {**booking_payload, "starts_at": starts_at, "ends_at": ends_at}, format="json"
    )

    assert_error(response, 400, code, fields=["ends_at"])
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_a_booking_time_without_an_offset_is_a_400_naming_the_field(
    api, clock, booking_payload, field
):
    # given: 2027-03-24T10:00:00 could be any of several instants, depending on the zone
    times = {"starts_at": at(10), "ends_at": at(12), field: "2027-03-24T10:00:00"}

    # when
    response = api.post(BOOKINGS, {**booking_payload, **times}, format="json")

    # then
    body = assert_error(response, 400, "invalid", fields=[field])
    assert "offset" in body["fields"][field][0]
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("value", ["tomorrow", "2027-02-30T10:00:00+00:00", "", 42])
def test_a_booking_time_that_is_not_a_time_is_a_400(api, clock, booking_payload, value):
    response = api.post(BOOKINGS, {**booking_payload, "starts_at": value}, format="json")

    assert_error(response, 400, "invalid", fields=["starts_at"])
    assert Booking.objects.count() == 0


def test_a_booking_in_the_past_is_refused(api, booking_payload):
    # given: it is already the afternoon of the hearing
    with time_machine.travel(london(2027, 3, 24, 15), tick=False):
        response = api.post(BOOKINGS, booking_payload, format="json")

    assert_error(response, 400, "window_in_past", fields=["starts_at"])
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        pytest.param(at(7, 30), at(9), id="before-opening"),
        pytest.param(at(16), at(18), id="past-closing"),
    ],
)
def test_a_booking_outside_the_suites_opening_hours_is_a_400(
    api, clock, booking_payload, starts_at, ends_at
):
    # given: the suite opens 08:30–17:30 on weekdays
    # when
    response = api.post(
        BOOKINGS, {**booking_payload, "starts_at": starts_at, "ends_at": ends_at}, format="json"
    )

    # then
    assert_error(response, 400, "outside_opening_hours", fields=["starts_at"])
    assert Booking.objects.count() == 0


def test_a_booking_across_midnight_is_outside_opening_hours(api, clock, booking_payload, suite):
    # given: a suite that never closes on weekdays still cannot hold a booking past midnight
    response = api.post(
        BOOKINGS,
        {**booking_payload, "starts_at": at(22), "ends_at": at(2, day=25)},
        format="json",
    )

    assert_error(response, 400, "outside_opening_hours", fields=["ends_at"])
    assert Booking.objects.count() == 0


# --- Closures ---------------------------------------------------------------------------------


def test_a_closure_overlapping_another_closure_is_a_409(api_as, admin_user, suite):
    # given: the suite is closed on Wednesday morning
    client = api_as(admin_user)
    url = f"/api/v1/suites/{suite.pk}/closures/"
    first = client.post(
        url, {"starts_at": at(8), "ends_at": at(12), "reason": "Kit upgrade"}, format="json"
    )
    assert first.status_code == 201, first.content

    # when: someone closes it again over late morning
    response = client.post(
        url, {"starts_at": at(11), "ends_at": at(14), "reason": "Staff shortage"}, format="json"
    )

    # then
    assert_error(response, 409, "closure_overlaps")
    assert Closure.objects.count() == 1


def test_a_closure_that_ends_before_it_starts_is_a_400(api_as, admin_user, suite):
    response = api_as(admin_user).post(
        f"/api/v1/suites/{suite.pk}/closures/",
        {"starts_at": at(12), "ends_at": at(8), "reason": "Kit upgrade"},
        format="json",
    )

    assert_error(response, 400, "invalid_window", fields=["ends_at"])
    assert Closure.objects.count() == 0


def test_a_closure_time_without_an_offset_is_a_400(api_as, admin_user, suite):
    response = api_as(admin_user).post(
        f"/api/v1/suites/{suite.pk}/closures/",
        {"starts_at": "2027-03-24T08:00:00", "ends_at": at(12), "reason": "Kit upgrade"},
        format="json",
    )

    assert_error(response, 400, "invalid", fields=["starts_at"])
    assert Closure.objects.count() == 0


def test_a_closure_of_a_suite_that_does_not_exist_is_a_404(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/suites/987654/closures/",
        {"starts_at": at(8), "ends_at": at(12), "reason": "Kit upgrade"},
        format="json",
    )

    assert_error(response, 404, "not_found")
    assert Closure.objects.count() == 0


# --- Actions on a booking ---------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_cancelling_without_a_reason_is_a_400_on_reason(api, booking, body):
    # when
    response = api.post(f"{BOOKINGS}{booking.pk}/cancel/", body, format="json")

    # then
    assert_error(response, 400, response.json()["code"], fields=["reason"])
    assert response.json()["code"] in {"invalid", "reason_required"}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert list(booking.events.values_list("action", flat=True)) == ["created"]


def test_checking_in_a_cancelled_booking_on_the_day_is_a_409(api, clock, booking):
    # given: the booking was cancelled, and it is now the morning of the hearing
    cancelled = api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Plea"}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    clock.move_to(london(2027, 3, 24, 9, 40))

    # when
    response = api.post(f"{BOOKINGS}{booking.pk}/check-in/", {}, format="json")

    # then
    assert_error(response, 409, "invalid_transition")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.checked_in_at is None


def test_checking_in_a_cancelled_booking_days_early_is_still_a_409_invalid_transition(
    api, clock, booking
):
    # given: the booking was cancelled on Monday, two days before the hearing
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Plea"}, format="json")

    # when: someone tries to check the witness in anyway
    response = api.post(f"{BOOKINGS}{booking.pk}/check-in/", {}, format="json")

    # then: what is wrong is the booking's state, not the clock
    assert_error(response, 409, "invalid_transition")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_booking_a_vacated_hearing_is_a_400_hearing_not_listed(
    api, clock, booking_payload, hearing
):
    # given
    hearing.status = HearingStatus.VACATED
    hearing.vacated_reason = "Guilty plea"
    hearing.save()

    # when
    response = api.post(BOOKINGS, booking_payload, format="json")

    # then
    assert_error(response, 400, "hearing_not_listed", fields=["hearing"])
    assert Booking.objects.count() == 0


def test_booking_an_inactive_suite_is_a_400_suite_inactive(api, clock, booking_payload, suite):
    # given
    suite.is_active = False
    suite.save()

    # when
    response = api.post(BOOKINGS, booking_payload, format="json")

    # then
    assert_error(response, 400, "suite_inactive", fields=["suite"])
    assert Booking.objects.count() == 0


def test_booking_a_witness_for_another_day_than_the_hearing_is_a_400(api, clock, booking_payload):
    response = api.post(
        BOOKINGS,
        {**booking_payload, "starts_at": at(10, day=25), "ends_at": at(12, day=25)},
        format="json",
    )

    assert_error(response, 400, "not_on_hearing_day", fields=["starts_at"])
    assert Booking.objects.count() == 0


def test_completing_with_an_unknown_outcome_is_a_400_on_outcome(api, booking):
    response = api.post(f"{BOOKINGS}{booking.pk}/complete/", {"outcome": "won"}, format="json")

    assert_error(response, 400, "invalid", fields=["outcome"])
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_patching_a_booking_with_a_naive_time_is_a_400_and_moves_nothing(api, booking):
    response = api.patch(
        f"{BOOKINGS}{booking.pk}/", {"starts_at": "2027-03-24T11:00:00"}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["starts_at"])
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 10)
    assert BookingEvent.objects.filter(booking=booking).count() == 1
