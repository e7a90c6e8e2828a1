"""Bad input gets a 4xx in the one error shape `{"code", "detail", "fields"?}`, names the fields
at fault, and writes nothing (API.md, "Conventions")."""

from datetime import time

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import IdempotentRequest
from bookings.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Court,
    Hearing,
    HearingStatus,
    Witness,
)
from evidence_suites.models import Closure, OpeningHours
from tests.factories import SuiteFactory, london
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


# --- Witnesses: phone numbers and enums -------------------------------------------------------


def _witness(**overrides) -> dict:
    return {
        "full_name": "Martha Jones",
        "witness_type": "civilian",
        "phone": "+447700900321",
        **overrides,
    }


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+44 7700", "0"])
def test_a_witness_phone_no_text_can_reach_is_a_400_on_phone(api, sussex, phone):
    response = api.post(WITNESSES, _witness(phone=phone), format="json")

    assert_error(response, 400, "invalid", fields=["phone"])
    assert Witness.objects.count() == 0


@pytest.mark.parametrize(
    "phone", ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123"]
)
def test_a_uk_phone_number_in_any_common_form_comes_back_in_e164(api, sussex, phone):
    response = api.post(WITNESSES, _witness(phone=phone), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+447700900123"
    assert str(Witness.objects.get().phone) == "+447700900123"


def test_an_unknown_witness_type_is_a_400_on_witness_type(api, sussex):
    response = api.post(WITNESSES, _witness(witness_type="cop"), format="json")

    assert_error(response, 400, "invalid", fields=["witness_type"])
    assert Witness.objects.count() == 0


def test_a_police_officer_witness_without_a_collar_number_is_a_400(api, sussex):
    response = api.post(
        WITNESSES, _witness(witness_type="police_officer", collar_number=""), format="json"
    )

    assert_error(response, 400, "collar_number_required", fields=["collar_number"])
    assert Witness.objects.count() == 0


# --- Text that goes into texts, email subjects and invites: no control characters -------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("full_name", "Martha\nJones", id="line-break-in-name"),
        pytest.param("full_name", "Martha\r\nBcc: x@example.com", id="header-in-name"),
        pytest.param("full_name", "Martha\tJones", id="tab-in-name"),
        pytest.param("full_name", "Martha\x1b[31mJones", id="escape-in-name"),
        pytest.param("full_name", "Martha\x00Jones", id="nul-in-name"),
        pytest.param("collar_number", "PC\n1234", id="line-break-in-collar-number"),
    ],
)
def test_a_new_witness_whose_name_or_collar_number_holds_a_control_character_is_refused(
    api, sussex, field, value
):
    response = api.post(
        WITNESSES,
        _witness(**{"witness_type": "police_officer", "collar_number": "1234", field: value}),
        format="json",
    )

    body = assert_error(response, 400, "invalid", fields=[field])
    assert set(body["fields"]) == {field}
    assert Witness.objects.count() == 0


def test_renaming_a_witness_with_a_line_break_is_refused_and_keeps_the_old_name(api, officer):
    response = api.patch(f"{WITNESSES}{officer.pk}/", {"full_name": "Amelia\nPond"}, format="json")

    assert_error(response, 400, "invalid", fields=["full_name"])
    officer.refresh_from_db()
    assert officer.full_name == "Amelia Pond"


def test_a_witness_name_with_accents_and_an_apostrophe_is_still_fine(api, sussex):
    response = api.post(WITNESSES, _witness(full_name="Siân O’Brien-Ní Dhuibhir"), format="json")

    assert response.status_code == 201, response.content
    assert Witness.objects.get().full_name == "Siân O’Brien-Ní Dhuibhir"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("case_reference", "47SS\n1234523", id="line-break-in-case-reference"),
        pytest.param("courtroom", "Court\t1", id="tab-in-courtroom"),
    ],
)
def test_a_new_hearing_whose_reference_or_courtroom_holds_a_control_character_is_refused(
    api, court, field, value
):
    hearing = {
        "court": court.pk,
        "case_reference": "47SS1234523",
        "hearing_type": "trial",
        "courtroom": "Court 1",
        "starts_at": at(10),
        "ends_at": at(13),
    }

    response = api.post("/api/v1/hearings/", {**hearing, field: value}, format="json")

    assert_error(response, 400, "invalid", fields=[field])
    assert Hearing.objects.count() == 0


def test_moving_a_hearing_to_a_courtroom_with_a_line_break_is_refused(api, hearing):
    response = api.patch(
        f"/api/v1/hearings/{hearing.pk}/", {"courtroom": "Court 2\r\nCourt 3"}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["courtroom"])
    hearing.refresh_from_db()
    assert hearing.courtroom != "Court 2\r\nCourt 3"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "Hove\nMagistrates' Court", id="line-break-in-name"),
        pytest.param("address", "Holland Road\x07Hove", id="bell-in-address"),
        pytest.param("postcode", "BN3\t1JR", id="tab-in-postcode"),
    ],
)
def test_a_new_court_whose_name_or_address_holds_a_control_character_is_refused(
    api_as, admin_user, field, value
):
    court = {
        "code": "hove-mc",
        "name": "Hove Magistrates' Court",
        "address": "Holland Road\nHove",
        "postcode": "BN3 1JR",
        "latitude": 50.8302,
        "longitude": -0.1722,
    }

    response = api_as(admin_user).post("/api/v1/courts/", {**court, field: value}, format="json")

    assert_error(response, 400, "invalid", fields=[field])
    assert not Court.objects.filter(code="hove-mc").exists()


def test_a_courts_address_may_be_written_on_several_lines(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/v1/courts/",
        {
            "code": "hove-mc",
            "name": "Hove Magistrates' Court",
            "address": "Holland Road\r\nHove",
            "postcode": "BN3 1JR",
            "latitude": 50.8302,
            "longitude": -0.1722,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Court.objects.get(code="hove-mc").address == "Holland Road\r\nHove"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"{BOOKINGS}?status=nonsense", "status"),
        (f"{WITNESSES}?witness_type=cop", "witness_type"),
        ("/api/v1/hearings/?status=adjourned", "status"),
        (f"{BOOKINGS}?hearing=abc", "hearing"),
        (f"{BOOKINGS}?date=2027-13-45", "date"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_filter(api, path, field):
    response = api.get(path)

    assert_error(response, 400, "invalid", fields=[field])


@pytest.mark.parametrize(
    "path",
    [
        f"{BOOKINGS}?starts_after=2027-03-24T10:00:00",
        f"{BOOKINGS}?starts_before=2027-03-24T10:00:00",
        "/api/v1/hearings/?starts_after=2027-03-24T10:00:00",
        "/api/v1/hearings/?starts_before=2027-03-24T10:00:00",
    ],
)
def test_a_time_filter_without_an_offset_is_a_400_naming_the_filter(api, path):
    # given: "10:00" alone is a different instant in March and in April (GMT, then BST)
    field = path.split("?")[1].split("=")[0]

    # when
    response = api.get(path)

    # then
    body = assert_error(response, 400, "invalid", fields=[field])
    assert "offset" in body["fields"][field][0]


def test_a_time_filter_with_an_offset_filters(api, clock, booking_payload):
    api.post(BOOKINGS, booking_payload, format="json")

    before = api.get(BOOKINGS, {"starts_after": at(9)}).json()["count"]
    after = api.get(BOOKINGS, {"starts_after": at(11)}).json()["count"]

    assert (before, after) == (1, 0)


# --- Times at the edge of the calendar: a 400, never a 500 ----------------------------------


@pytest.fixture
def open_all_hours(sussex):
    suite = SuiteFactory(code="all-hours", force=sussex, weekdays=[])
    OpeningHours.objects.bulk_create(
        OpeningHours(suite=suite, weekday=day, opens=time(0, 0), closes=time(23, 59))
        for day in range(7)
    )
    return suite


def test_availability_at_the_end_of_the_calendar_is_a_400_not_a_500(api, clock, open_all_hours):
    # given: a suite open until 23:59, and a window whose turnaround runs past 31 December 9999
    response = api.get(
        "/api/v1/availability/",
        {"starts_at": "9999-12-31T22:00:00+00:00", "ends_at": "9999-12-31T23:59:00+00:00"},
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"] and set(body["fields"]) <= {"starts_at", "ends_at"}, body


def test_a_hearing_at_the_end_of_the_calendar_is_a_400_so_it_can_never_be_booked(api, clock, court):
    # A hearing listed at 22:00 on 31 December 9999 could never be booked without the
    # suite's turnaround running off the end of the calendar (a 500).
    response = api.post(
        "/api/v1/hearings/",
        {
            "court": court.pk,
            "case_reference": "47SS9999999",
            "hearing_type": "trial",
            "starts_at": "9999-12-31T22:00:00+00:00",
            "ends_at": "9999-12-31T23:59:00+00:00",
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["fields"] and set(body["fields"]) <= {"starts_at", "ends_at"}, body
    assert not Hearing.objects.filter(case_reference="47SS9999999").exists()


# --- Pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["100000", "201", "0", "-1", "ten"])
def test_a_page_size_outside_1_to_200_is_a_400(api, page_size):
    response = api.get(f"{BOOKINGS}?page_size={page_size}")

    assert_error(response, 400, "invalid", fields=["page_size"])


def test_a_page_size_of_200_is_fine(api):
    response = api.get(f"{BOOKINGS}?page_size=200")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"count", "next", "previous", "results"}


def test_a_page_past_the_end_is_a_404_in_the_error_shape(api):
    assert_error(api.get(f"{BOOKINGS}?page=99"), 404, "not_found")


# --- Request bodies that are not JSON ---------------------------------------------------------


def test_malformed_json_is_a_400_malformed_json(api, clock, booking_payload):
    response = api.post(BOOKINGS, data='{"hearing": 1, ', content_type="application/json")

    assert_error(response, 400, "malformed_json")
    assert Booking.objects.count() == 0


def test_malformed_json_with_an_idempotency_key_is_a_400_and_burns_no_key(
    api, clock, booking_payload
):
    response = api.post(
        BOOKINGS,
        data='{"hearing": 1, ',
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )

    assert_error(response, 400, "malformed_json")
    assert IdempotentRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("hearing=1&witness=1&suite=1", "application/x-www-form-urlencoded"),
        ("hearing 1 witness 1 suite 1", "text/plain"),
    ],
)
def test_a_body_that_is_not_json_is_a_415(api, clock, booking_payload, data, content_type):
    response = api.post(BOOKINGS, data=data, content_type=content_type)

    assert_error(response, 415, "unsupported_media_type")
    assert Booking.objects.count() == 0


def test_a_json_body_that_is_not_an_object_is_a_400(api, clock):
    response = api.post(BOOKINGS, data="[1, 2, 3]", content_type="application/json")

    assert_error(response, 400, "invalid")
    assert Booking.objects.count() == 0


# --- Actions on a booking ---------------------------------------------------------------------


@pytest.fixture
def booking(api, clock, booking_payload):
    response = api.post(BOOKINGS, booking_payload, format="json")
    assert response.status_code == 201, response.content
    return Booking.objects.get(pk=response.json()["id"])


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


# --- Wrong URL, wrong method, no credentials --------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/bookings/", "/api/"])
def test_an_unknown_url_under_the_api_is_a_json_404(api, path):
    assert_error(api.get(path), 404, "not_found")


def test_an_unknown_url_under_the_api_is_a_json_404_even_signed_out(db):
    assert_error(APIClient().get("/api/v1/nothing-here/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/bookings/{booking}/"),
        ("delete", "/api/v1/bookings/{booking}/"),
        ("put", "/api/v1/witnesses/{witness}/"),
        ("delete", "/api/v1/hearings/{hearing}/"),
        ("post", "/api/v1/bookings/{booking}/history/"),
        ("get", "/api/v1/bookings/{booking}/cancel/"),
    ],
)
def test_a_method_the_resource_does_not_have_is_a_405(api, booking, officer, hearing, method, path):
    url = path.format(booking=booking.pk, witness=officer.pk, hearing=hearing.pk)

    response = getattr(api, method)(url, {"reason": "x"}, format="json")

    assert_error(response, 405, "method_not_allowed")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("path", [BOOKINGS, WITNESSES, "/api/v1/me/", "/api/v1/suites/"])
def test_no_credentials_is_a_401_not_authenticated(db, path):
    response = APIClient().get(path)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_post_without_credentials_is_a_401_and_writes_nothing(clock, booking_payload):
    response = APIClient().post(BOOKINGS, booking_payload, format="json")

    assert_error(response, 401, "not_authenticated")
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    "authorization", ["Token not-a-real-token", "Token ", "Token a b", "Bearer abc"]
)
def test_a_bad_token_is_a_401(db, authorization):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(BOOKINGS)

    assert response.status_code == 401, response.content
    body = assert_error(response, 401, response.json()["code"])
    assert body["code"] in {"authentication_failed", "not_authenticated"}


def test_every_error_detail_is_a_sentence_not_a_python_repr(api, clock, booking_payload):
    # A smoke check over a few errors: no "ErrorDetail(" or "{'" leaking from Python objects.
    responses = [
        api.post(BOOKINGS, {**booking_payload, "hearing": 987654}, format="json"),
        api.post(BOOKINGS, data="{", content_type="application/json"),
        api.get("/api/v1/nothing-here/"),
        api.get(f"{BOOKINGS}?page_size=0"),
    ]
    for response in responses:
        text = response.content.decode()
        assert "ErrorDetail" not in text
        assert "{'" not in text
