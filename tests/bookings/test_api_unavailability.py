"""A witness's dates to avoid through the API (issue 17, API.md "Ready for the hearing"): their
force's schedulers record and remove them, nobody else finds them; a booking made or moved into
one is a 409 naming it, unless it gives a reason to override, which the history keeps; and a
hearing relisted onto them leaves the booking for the scheduler to decide."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEntry
from bookings.models import (
    AttentionKind,
    Booking,
    HistoryAction,
    Unavailability,
    UnavailabilityReason,
    UnavailabilitySource,
)
from tests.factories import HearingFactory, london
from tests.helpers import assert_error, at, post_booking

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def periods_url(witness) -> str:
    return f"/api/v1/witnesses/{witness.pk}/unavailability/"


def leave(witness, starts_at, ends_at, reason=UnavailabilityReason.ANNUAL_LEAVE, note=""):
    return Unavailability.objects.create(
        witness=witness, starts_at=starts_at, ends_at=ends_at, reason=reason, note=note
    )


@pytest.fixture
def on_leave(officer):
    """Amelia Pond is on annual leave the whole week of Monday 22 March 2027."""
    return leave(officer, london(2027, 3, 22, 0), london(2027, 3, 27, 0), note="Lanzarote")


# --- Recording and removing periods -------------------------------------------------------------


def test_a_scheduler_records_an_officers_leave_and_reads_it_back(api, clock, officer):
    body = {
        "starts_at": "2027-03-22T00:00:00+00:00",
        "ends_at": "2027-03-27T00:00:00+00:00",
        "reason": "annual_leave",
        "note": "Booked in January",
    }

    created = api.post(periods_url(officer), body, format="json")
    listed = api.get(periods_url(officer))

    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0,
        "starts_at": "2027-03-22T00:00:00Z",
        "ends_at": "2027-03-27T00:00:00Z",
        "reason": "annual_leave",
        "note": "Booked in January",
        "source": "staff",
    }
    assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]
    period = Unavailability.objects.get()
    assert (period.created_by.username, period.source) == ("sussex.scheduler", "staff")


def test_recording_removing_and_reading_a_period_are_in_the_audit_log(api, clock, officer):
    body = {"starts_at": at(8), "ends_at": at(16), "reason": "course", "note": "Taser refresher"}
    period_id = api.post(periods_url(officer), body, format="json").json()["id"]
    api.get(periods_url(officer))
    removed = api.delete(f"{periods_url(officer)}{period_id}/")

    assert removed.status_code == 204
    assert not Unavailability.objects.exists()
    about_period = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Unavailability), object_id=period_id
    )
    assert sorted(about_period.values_list("action", flat=True)) == [
        AuditEntry.Action.CREATE,
        AuditEntry.Action.DELETE,
    ]
    assert {e.actor.username for e in about_period} == {"sussex.scheduler"}
    assert about_period.get(action=AuditEntry.Action.CREATE).changes["note"][1] == (
        "Taser refresher"
    )
    read = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, object_id=officer.pk)
    assert read.filter(additional_data__via="API witness dates to avoid").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"ends_at": at(7)}, "ends_at", id="ends-before-it-starts"),
        pytest.param({"ends_at": at(8)}, "ends_at", id="ends-as-it-starts"),
        pytest.param({"starts_at": "2027-03-24T08:00:00"}, "starts_at", id="no-offset"),
        pytest.param({"reason": "jury_service"}, "reason", id="unknown-reason"),
        pytest.param({"reason": ""}, "reason", id="no-reason"),
        pytest.param({"note": "Line\x00feed"}, "note", id="control-character-in-note"),
        pytest.param({"note": "n" * 201}, "note", id="note-too-long"),
        pytest.param({"starts_at": "1999-03-24T08:00:00+00:00"}, "starts_at", id="last-century"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field_and_nothing_is_kept(
    api, clock, officer, change, field
):
    body = {"starts_at": at(8), "ends_at": at(16), "reason": "course", **change}

    response = api.post(periods_url(officer), body, format="json")

    assert_error(response, 400, "invalid", fields=[field])
    assert not Unavailability.objects.exists()


def test_only_the_witnesss_own_force_finds_their_dates_to_avoid(
    api_as, clock, on_leave, officer, kent_scheduler, court_user, suite_manager, admin_user
):
    url = periods_url(officer)
    body = {"starts_at": at(8), "ends_at": at(16), "reason": "course"}
    for outsider in (kent_scheduler, court_user, suite_manager):
        assert_error(api_as(outsider).get(url), 404, "not_found")
        assert_error(
            api_as(outsider).delete(f"{url}{on_leave.pk}/"),
            *((404, "not_found") if outsider is kent_scheduler else (403, "permission_denied")),
        )
    assert_error(api_as(kent_scheduler).post(url, body, format="json"), 404, "not_found")
    assert_error(api_as(court_user).post(url, body, format="json"), 403, "permission_denied")
    assert list(Unavailability.objects.values_list("pk", flat=True)) == [on_leave.pk]

    seen = api_as(admin_user).get(url).json()["results"]
    assert [(row["reason"], row["note"]) for row in seen] == [("annual_leave", "Lanzarote")]


def test_a_period_of_another_witness_is_not_found_under_this_one(
    api, clock, on_leave, other_officer
):
    response = api.delete(f"{periods_url(other_officer)}{on_leave.pk}/")

    assert_error(response, 404, "not_found")
    assert Unavailability.objects.filter(pk=on_leave.pk).exists()


# --- Booking into them ------------------------------------------------------------------------


def test_booking_an_officer_on_leave_is_refused_naming_the_days_in_london_time(
    api, clock, on_leave, booking_payload
):
    response = post_booking(api, booking_payload)

    body = assert_error(response, 409, "witness_unavailable_dates")
    assert "annual leave, Mon 22 Mar 2027 to Fri 26 Mar 2027" in body["detail"]
    assert "override_unavailability" in body["detail"]
    assert "Lanzarote" not in body["detail"]  # the note stays on the period
    assert not Booking.objects.exists()


@pytest.mark.parametrize("override", [None, "", "   "])
def test_a_blank_or_missing_reason_does_not_override(
    api, clock, on_leave, booking_payload, override
):
    extra = {} if override is None else {"override_unavailability": override}

    response = post_booking(api, booking_payload, **extra)

    assert_error(response, 409, "witness_unavailable_dates")
    assert not Booking.objects.exists()


def test_a_reason_books_the_officer_anyway_and_the_history_keeps_it(
    api, api_as, court_user, clock, booking_payload, officer
):
    leave(officer, london(2027, 3, 24, 0), london(2027, 3, 25, 0), UnavailabilityReason.REST_DAY)
    reason = "Only officer who saw the assault; agreed with her inspector"

    response = post_booking(api, booking_payload, override_unavailability=reason)

    assert response.status_code == 201, response.content
    assert "override_unavailability" not in response.json()
    booking = Booking.objects.get(pk=response.json()["id"])
    assert booking.overrides_rest_day is True
    history = api.get(f"{BOOKINGS}{booking.pk}/history/").json()["results"]
    [entry] = [e for e in history if e["action"] == HistoryAction.UNAVAILABILITY_OVERRIDDEN]
    assert entry["changes"] == {
        "override_unavailability": [None, reason],
        "unavailability": [None, "rest day, Wed 24 Mar 2027"],
    }
    # the court sees that the booking was made, not the officer's rest day nor the reason
    court_history = api_as(court_user).get(f"{BOOKINGS}{booking.pk}/history/").content.decode()
    assert reason not in court_history and "rest day" not in court_history


def test_a_reason_given_when_nothing_clashes_is_ignored(api, clock, booking_payload):
    response = post_booking(api, booking_payload, override_unavailability="Just in case")

    assert response.status_code == 201
    booking = Booking.objects.get(pk=response.json()["id"])
    assert list(booking.events.values_list("action", flat=True)) == ["created"]
    assert booking.overrides_rest_day is False


@pytest.mark.parametrize(
    "override",
    [pytest.param("x" * 201, id="too-long"), pytest.param("Agreed\nby phone", id="line-break")],
)
def test_a_bad_reason_is_a_400_on_the_field(api, clock, on_leave, booking_payload, override):
    response = post_booking(api, booking_payload, override_unavailability=override)

    assert_error(response, 400, "invalid", fields=["override_unavailability"])
    assert not Booking.objects.exists()


def test_moving_a_booking_into_leave_is_refused_and_with_a_reason_is_made(
    api, clock, booking, officer
):
    leave(officer, london(2027, 3, 24, 12), london(2027, 3, 24, 18), UnavailabilityReason.COURSE)
    move = {"starts_at": at(10), "ends_at": at(12, 30)}

    refused = api.patch(f"{BOOKINGS}{booking.pk}/", move, format="json")
    made = api.patch(
        f"{BOOKINGS}{booking.pk}/",
        {**move, "override_unavailability": "Course tutor released her"},
        format="json",
    )

    body = assert_error(refused, 409, "witness_unavailable_dates")
    assert "course, Wed 24 Mar 2027 12:00 to 18:00" in body["detail"]
    assert made.status_code == 200, made.content
    booking.refresh_from_db()
    assert booking.ends_at.isoformat() == at(12, 30)
    assert booking.overrides_rest_day is False
    assert booking.events.filter(action=HistoryAction.UNAVAILABILITY_OVERRIDDEN).count() == 1


def test_moving_off_a_rest_day_clears_the_rest_day_mark(api, clock, booking_payload, officer):
    leave(officer, london(2027, 3, 24, 0), london(2027, 3, 24, 12), UnavailabilityReason.REST_DAY)
    made = post_booking(api, booking_payload, override_unavailability="Needed").json()

    moved = api.patch(
        f"{BOOKINGS}{made['id']}/", {"starts_at": at(12), "ends_at": at(13)}, format="json"
    )

    assert moved.status_code == 200, moved.content
    assert Booking.objects.get(pk=made["id"]).overrides_rest_day is False


# --- A hearing relisted onto them -----------------------------------------------------------


def test_a_hearing_relisted_onto_the_officers_leave_leaves_the_booking_flagged(
    api, api_as, court_user, clock, booking, officer, court
):
    leave(officer, london(2027, 3, 25, 0), london(2027, 3, 26, 0), note="Wedding")

    response = api_as(court_user).post(
        f"/api/v1/hearings/{booking.hearing_id}/relist/",
        {"starts_at": at(10, day=25), "ends_at": at(13, day=25)},
        format="json",
    )

    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 10)  # not moved onto her leave
    flag = booking.flags.get(resolved_at=None)
    assert flag.kind == AttentionKind.RELIST_CONFLICT
    assert flag.data["reason_code"] == "witness_unavailable_dates"
    assert flag.data["suggested_suites"] == []
    assert "dates to avoid then (Thu 25 Mar 2027)" in flag.detail
    # the court sees the flag, but not why she cannot come
    court_list = api_as(court_user).get("/api/v1/attention/").json()["results"]
    [item] = [row for row in court_list if row["booking"] == booking.pk]
    assert item["label"] == "Hearing moved onto the witness's dates to avoid"
    assert "annual leave" not in item["detail"] and "Wedding" not in item["detail"]

    # the scheduler moves it there with a reason, which deals with the flag
    moved = api.patch(
        f"{BOOKINGS}{booking.pk}/",
        {
            "starts_at": at(10, day=25),
            "ends_at": at(13, day=25),
            "override_unavailability": "Leave cancelled by her inspector",
        },
        format="json",
    )
    assert moved.status_code == 200, moved.content
    flag.refresh_from_db()
    assert flag.resolved_at is not None


def test_a_relist_free_of_leave_still_moves_the_booking(
    clock, api_as, court_user, booking, officer
):
    leave(officer, london(2027, 3, 25, 0), london(2027, 3, 26, 0))

    api_as(court_user).post(
        f"/api/v1/hearings/{booking.hearing_id}/relist/",
        {"starts_at": at(14), "ends_at": at(16)},
        format="json",
    )

    booking.refresh_from_db()
    assert booking.starts_at == london(2027, 3, 24, 14)
    assert not booking.flags.filter(resolved_at=None).exists()


def test_periods_imported_from_a_roster_stop_bookings_the_same_way(
    api, clock, officer, court, suite
):
    Unavailability.objects.create(
        witness=officer,
        starts_at=london(2027, 3, 29, 22),
        ends_at=london(2027, 3, 30, 7),
        reason=UnavailabilityReason.NIGHT_SHIFT,
        source=UnavailabilitySource.ROSTER,
        source_key="shift-2027-03-29@roster.sussex.example",
    )
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 30, 10), ends_at=london(2027, 3, 30, 12)
    )

    response = post_booking(api, {"hearing": hearing.pk, "witness": officer.pk, "suite": suite.pk})

    body = assert_error(response, 409, "witness_unavailable_dates")
    assert "night shift, Mon 29 Mar 2027 22:00 to Tue 30 Mar 2027 07:00" in body["detail"]
    assert "and that morning until 13:00" in body["detail"]
