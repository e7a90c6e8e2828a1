"""Who sees what and who may do what (API.md, "Users and roles"). What a caller may not see is a
404, exactly as if it did not exist; what they may see but not change is a 403."""

import pytest

from accounts.models import Role
from bookings import services
from bookings.models import Booking, BookingStatus, Court, Hearing, Witness
from evidence_suites.models import Force
from tests.factories import CourtFactory, HearingFactory, UserFactory, london
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def hastings(db):
    return CourtFactory(code="hastings-mc", name="Hastings Magistrates' Court")


@pytest.fixture
def world(clock, sussex, kent, court, hastings, hearing, suite, kent_suite, officer, kent_witness):
    """Two forces, two courts, and three bookings:

    - `sussex_here`: the Sussex officer at Brighton, for the Brighton court's hearing;
    - `kent_here`: the Kent witness at Maidstone, for the Brighton court's hearing;
    - `sussex_there`: the Sussex officer at Brighton, for a Hastings hearing the next day.
    """
    hastings_hearing = HearingFactory(
        court=hastings, starts_at=london(2027, 3, 25, 10), ends_at=london(2027, 3, 25, 13)
    )
    make = services.booking_create
    return {
        "sussex_here": make(actor=None, hearing=hearing, witness=officer, suite=suite),
        "kent_here": make(actor=None, hearing=hearing, witness=kent_witness, suite=kent_suite),
        "sussex_there": make(actor=None, hearing=hastings_hearing, witness=officer, suite=suite),
        "hastings_hearing": hastings_hearing,
    }


# --- Scheduler: one force's witnesses and bookings; all suites and courts ---------------------


def test_a_scheduler_lists_only_their_forces_witnesses(api, world, officer, kent_witness):
    listed = api.get("/api/v1/witnesses/")

    assert ids(listed) == {officer.pk}
    assert listed.json()["count"] == 1


def test_a_scheduler_lists_only_the_bookings_of_their_forces_witnesses(api, world):
    listed = api.get(BOOKINGS)

    assert ids(listed) == {world["sussex_here"].pk, world["sussex_there"].pk}
    assert listed.json()["count"] == 2


def test_a_scheduler_reads_every_suite_and_court(api, world, suite, kent_suite, court, hastings):
    assert ids(api.get("/api/v1/suites/")) == {suite.pk, kent_suite.pk}
    assert ids(api.get("/api/v1/courts/")) == {court.pk, hastings.pk}
    assert api.get(f"/api/v1/suites/{kent_suite.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/bookings/{kent_booking}/", None),
        ("get", "/api/v1/bookings/{kent_booking}/history/", None),
        ("patch", "/api/v1/bookings/{kent_booking}/", {"notes": "mine now"}),
        ("post", "/api/v1/bookings/{kent_booking}/cancel/", {"reason": "Not mine"}),
        ("get", "/api/v1/witnesses/{kent_witness}/", None),
        ("patch", "/api/v1/witnesses/{kent_witness}/", {"full_name": "Someone Else"}),
    ],
)
def test_another_forces_witness_or_booking_is_a_404_for_a_scheduler(
    api, world, kent_witness, method, path, body
):
    # given: the Kent witness and their booking exist, but not for a Sussex scheduler
    kent_booking = world["kent_here"]
    url = path.format(kent_booking=kent_booking.pk, kent_witness=kent_witness.pk)

    # when
    response = getattr(api, method)(url, body, format="json")

    # then: as if they did not exist, and nothing changed
    assert_error(response, 404, "not_found")
    kent_booking.refresh_from_db()
    kent_witness.refresh_from_db()
    assert kent_booking.status == BookingStatus.CONFIRMED
    assert kent_booking.notes == ""
    assert kent_witness.full_name == "Clara Oswald"


def test_a_scheduler_cannot_add_a_witness_to_another_force(api, kent):
    response = api.post(
        "/api/v1/witnesses/",
        {"full_name": "Martha Jones", "witness_type": "civilian", "force": kent.pk},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "force" in response.json()["fields"]
    assert not Witness.objects.filter(full_name="Martha Jones").exists()


def test_a_witness_added_by_a_scheduler_belongs_to_their_force(api, sussex):
    response = api.post(
        "/api/v1/witnesses/",
        {"full_name": "Martha Jones", "witness_type": "civilian"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["force"] == sussex.pk


# --- Court user: one court's hearings and their bookings, read-only for bookings --------------


def test_a_court_user_lists_only_their_courts_hearings_and_bookings(
    api_as, court_user, world, hearing
):
    client = api_as(court_user)

    assert ids(client.get("/api/v1/hearings/")) == {hearing.pk}
    assert ids(client.get(BOOKINGS)) == {world["sussex_here"].pk, world["kent_here"].pk}


def test_another_courts_hearing_and_its_bookings_are_a_404_for_a_court_user(
    api_as, court_user, world
):
    client = api_as(court_user)

    assert_error(client.get(f"/api/v1/hearings/{world['hastings_hearing'].pk}/"), 404, "not_found")
    assert_error(client.get(f"{BOOKINGS}{world['sussex_there'].pk}/"), 404, "not_found")


def test_a_court_user_cannot_book(api_as, court_user, clock, booking_payload):
    response = api_as(court_user).post(BOOKINGS, booking_payload, format="json")

    assert_error(response, 403, "permission_denied")
    assert Booking.objects.count() == 0


def test_a_court_user_cannot_cancel_or_move_a_booking_for_their_court(api_as, court_user, world):
    client = api_as(court_user)
    booking = world["sussex_here"]

    cancel = client.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Court"}, format="json")
    move = client.patch(
        f"{BOOKINGS}{booking.pk}/",
        {"starts_at": london(2027, 3, 24, 11).isoformat()},
        format="json",
    )

    assert_error(cancel, 403, "permission_denied")
    assert_error(move, 403, "permission_denied")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == london(2027, 3, 24, 10)


def test_a_court_user_cannot_list_a_hearing_at_another_court(api_as, court_user, hastings):
    response = api_as(court_user).post(
        "/api/v1/hearings/",
        {
            "court": hastings.pk,
            "case_reference": "47SS0000099",
            "hearing_type": "trial",
            "starts_at": london(2027, 3, 26, 10).isoformat(),
            "ends_at": london(2027, 3, 26, 13).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "court" in response.json()["fields"]
    assert not Hearing.objects.filter(court=hastings).exists()


def test_a_court_user_sees_no_witness_list(api_as, court_user, world):
    assert ids(api_as(court_user).get("/api/v1/witnesses/")) == set()


# --- Suite manager: one force's suites ---------------------------------------------------------


def test_a_suite_manager_cannot_book(api_as, suite_manager, clock, booking_payload):
    response = api_as(suite_manager).post(BOOKINGS, booking_payload, format="json")

    assert_error(response, 403, "permission_denied")
    assert Booking.objects.count() == 0


def test_a_suite_manager_sees_the_bookings_at_their_forces_suites(api_as, suite_manager, world):
    listed = api_as(suite_manager).get(BOOKINGS)

    assert ids(listed) == {world["sussex_here"].pk, world["sussex_there"].pk}


def test_a_suite_manager_checks_in_a_witness_at_their_suite(api_as, suite_manager, clock, world):
    clock.move_to(london(2027, 3, 24, 9, 45))
    booking = world["sussex_here"]

    response = api_as(suite_manager).post(f"{BOOKINGS}{booking.pk}/check-in/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked_in"


def test_a_booking_at_another_forces_suite_is_a_404_for_a_suite_manager(
    api_as, suite_manager, clock, world
):
    clock.move_to(london(2027, 3, 24, 9, 45))
    kent_booking = world["kent_here"]

    response = api_as(suite_manager).post(
        f"{BOOKINGS}{kent_booking.pk}/check-in/", {}, format="json"
    )

    assert_error(response, 404, "not_found")
    kent_booking.refresh_from_db()
    assert kent_booking.status == BookingStatus.CONFIRMED


# --- Admin only: forces and courts -------------------------------------------------------------


FORCE = {"code": "surrey", "name": "Surrey Police"}
COURT = {
    "code": "guildford-mc",
    "name": "Guildford Magistrates' Court",
    "address": "Mary Road, Guildford",
    "postcode": "GU1 4PS",
    "latitude": 51.2380,
    "longitude": -0.5780,
}


def test_an_admin_adds_forces_and_courts(api_as, admin_user):
    client = api_as(admin_user)

    force = client.post("/api/v1/forces/", FORCE, format="json")
    court = client.post("/api/v1/courts/", COURT, format="json")

    assert force.status_code == 201, force.content
    assert court.status_code == 201, court.content
    assert force.json()["code"] == "surrey"
    assert court.json()["code"] == "guildford-mc"
    assert Force.objects.filter(code="surrey").exists()
    assert Court.objects.filter(code="guildford-mc").exists()


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.SUITE_MANAGER, Role.COURT_USER])
def test_only_an_admin_adds_forces_and_courts(api_as, sussex, court, role):
    user = UserFactory(
        username=f"not-admin-{role}",
        role=role,
        force=None if role == Role.COURT_USER else sussex,
        court=court if role == Role.COURT_USER else None,
    )
    client = api_as(user)

    force = client.post("/api/v1/forces/", FORCE, format="json")
    new_court = client.post("/api/v1/courts/", COURT, format="json")

    assert_error(force, 403, "permission_denied")
    assert_error(new_court, 403, "permission_denied")
    assert not Force.objects.filter(code="surrey").exists()
    assert not Court.objects.filter(code="guildford-mc").exists()


def test_every_role_reads_forces_and_courts(api_as, court_user, suite_manager, court, sussex):
    for user in (court_user, suite_manager):
        assert court.pk in ids(api_as(user).get("/api/v1/courts/"))
        assert sussex.pk in ids(api_as(user).get("/api/v1/forces/"))


def test_an_admin_sees_every_booking(api_as, admin_user, world):
    listed = api_as(admin_user).get(BOOKINGS)

    assert listed.json()["count"] == 3
