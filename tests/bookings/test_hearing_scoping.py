"""Who may change a hearing (issue 13, finding 1). A hearing is the court's: its court users and
admins change it whoever is booked on it. A scheduler changes it only while every active
booking on it is their own force's; otherwise 409 `hearing_shared` and nothing changes, since
a vacate would stand another force's witnesses down and a relist move them. What a change did,
the answer lists: every booking it stood down, moved or flagged."""

from threading import Thread

import pytest
from django.db import transaction

from bookings import services
from bookings.models import AttentionKind, Booking, BookingStatus, HearingStatus
from core.errors import Conflict
from notifications.models import Channel, Kind, Message
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, api_token_for, london
from tests.helpers import assert_stood_down, signed_in, wait_until_blocked, witness_text
from tests.reliability.conftest import Api

pytestmark = pytest.mark.django_db

HEARINGS = "/api/v1/hearings/"
THURSDAY = {
    "starts_at": london(2027, 3, 25, 10).isoformat(),
    "ends_at": london(2027, 3, 25, 13).isoformat(),
}
#: The same, as the staff page's relist form is filled in.
RELIST_TO_THURSDAY = {
    "on_day": "25",
    "on_month": "3",
    "on_year": "2027",
    "starts_at_time": "10:00",
    "ends_at_time": "13:00",
}


@pytest.fixture
def sussex_only(clock, hearing, officer, other_officer, suite, sussex):
    """The hearing with two Sussex officers booked on it, and nobody from Kent."""
    return [
        services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite),
        services.booking_create(
            actor=None, hearing=hearing, witness=other_officer, suite=SuiteFactory(force=sussex)
        ),
    ]


def stand_down_texts(bookings) -> int:
    """Stand-down texts written for the bookings' witnesses."""
    return Message.objects.filter(
        booking__in=bookings, kind=Kind.STAND_DOWN, channel=Channel.SMS
    ).count()


def assert_hearing_shared(response, others: int):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "hearing_shared", body
    if others == 1:
        assert body["detail"].startswith("1 booking of another force is on this hearing"), body
    else:
        assert body["detail"].startswith(f"{others} bookings of other forces are on this"), body
    assert "ask the court or an admin" in body["detail"]


def assert_untouched(hearing, bookings):
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.LISTED
    assert hearing.starts_at == london(2027, 3, 24, 10)
    assert hearing.courtroom == "Court 1"
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.starts_at == london(2027, 3, 24, 10)
    assert stand_down_texts(bookings) == 0


# --- A scheduler of another force -------------------------------------------------------------


def test_a_kent_scheduler_cannot_vacate_a_hearing_only_sussex_witnesses_are_booked_on(
    api_as, kent_scheduler, hearing, sussex_only
):
    # when: a Kent scheduler vacates the hearing two Sussex officers are booked on
    response = api_as(kent_scheduler).post(
        f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json"
    )

    # then: refused, saying why; the Sussex bookings stand and no one is texted a stand-down
    assert_hearing_shared(response, others=2)
    assert_untouched(hearing, sussex_only)


def test_a_kent_scheduler_cannot_relist_or_edit_a_hearing_only_sussex_witnesses_are_booked_on(
    api_as, kent_scheduler, hearing, sussex_only
):
    client = api_as(kent_scheduler)

    relist = client.post(f"{HEARINGS}{hearing.pk}/relist/", THURSDAY, format="json")
    edit = client.patch(f"{HEARINGS}{hearing.pk}/", {"courtroom": "Court 2"}, format="json")
    moved = client.patch(f"{HEARINGS}{hearing.pk}/", THURSDAY, format="json")

    for response in (relist, edit, moved):
        assert_hearing_shared(response, others=2)
    assert_untouched(hearing, sussex_only)
    assert not Message.objects.filter(booking__in=sussex_only, kind=Kind.CHANGE).exists()


def test_a_scheduler_cannot_vacate_a_hearing_shared_with_another_forces_witness(
    api, clock, hearing, officer, suite, kent_witness, kent_suite
):
    # given: a Sussex officer and a Kent witness on the same hearing
    mine = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    theirs = services.booking_create(
        actor=None, hearing=hearing, witness=kent_witness, suite=kent_suite
    )

    response = api.post(f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json")

    # then: not even their own officer is stood down
    assert_hearing_shared(response, others=1)
    assert_untouched(hearing, [mine, theirs])


def test_the_service_refuses_too_whoever_calls_it(clock, kent_scheduler, hearing, sussex_only):
    with pytest.raises(Conflict) as refused:
        services.hearing_vacate(actor=kent_scheduler, hearing=hearing, reason="Cracked")

    assert refused.value.code == "hearing_shared"
    assert_untouched(hearing, sussex_only)


# --- Who may ----------------------------------------------------------------------------------


def test_a_scheduler_may_vacate_a_hearing_whose_every_booking_is_their_forces_and_is_told_which(
    api, clock, hearing, sussex_only, sussex, kent_witness, kent_suite
):
    # given: one Sussex officer has already arrived at the suite; a Kent booking and a Sussex
    # one for the hearing were cancelled last week (history: the vacate does not touch them)
    arrived, waiting = sussex_only
    for witness, suite in ((kent_witness, kent_suite), (WitnessFactory(force=sussex), None)):
        gone = services.booking_create(
            actor=None, hearing=hearing, witness=witness, suite=suite or SuiteFactory(force=sussex)
        )
        services.booking_cancel(actor=None, booking=gone, reason="Not needed")
    clock.move_to(london(2027, 3, 24, 9, 50))
    services.booking_check_in(actor=None, booking=arrived)

    # when
    clock.move_to(london(2027, 3, 24, 10, 30))
    response = api.post(f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json")

    # then: the answer lists both bookings it stood down, as they now are, and no other
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "vacated"
    listed = {row["reference"]: row for row in body["bookings"]}
    assert set(listed) == {arrived.reference, waiting.reference}
    assert listed[arrived.reference]["status"] == "completed"
    assert listed[arrived.reference]["outcome"] == "not_required"
    assert listed[waiting.reference]["status"] == "cancelled"
    assert listed[waiting.reference]["cancellation_reason"] == "Hearing vacated: Cracked"
    assert stand_down_texts([waiting]) == 1


def test_a_court_user_relisting_its_hearing_is_told_which_bookings_moved(
    api_as, clock, court, court_user, hearing, officer, suite, kent_witness, kent_suite
):
    # given: a Sussex and a Kent witness; Maidstone is taken on Thursday, so Kent's cannot follow
    sussex = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    kent = services.booking_create(
        actor=None, hearing=hearing, witness=kent_witness, suite=kent_suite
    )
    dropped = services.booking_create(
        actor=None,
        hearing=hearing,
        witness=WitnessFactory(force=suite.force),
        suite=SuiteFactory(force=suite.force),
    )
    services.booking_cancel(actor=None, booking=dropped, reason="Not needed")
    elsewhere = HearingFactory(court=court, starts_at=london(2027, 3, 25, 10))
    services.booking_create(
        actor=None,
        hearing=elsewhere,
        witness=WitnessFactory(force=kent_suite.force),
        suite=kent_suite,
    )

    # when: the court moves its hearing to Thursday
    response = api_as(court_user).post(f"{HEARINGS}{hearing.pk}/relist/", THURSDAY, format="json")

    # then: the answer lists both (not the one cancelled before), one moved with the hearing,
    # one left where it was (flagged)
    assert response.status_code == 200, response.content
    listed = {row["reference"]: row for row in response.json()["bookings"]}
    assert set(listed) == {sussex.reference, kent.reference}
    assert listed[sussex.reference]["starts_at"] == "2027-03-25T10:00:00Z"
    assert listed[kent.reference]["starts_at"] == "2027-03-24T10:00:00Z"
    assert kent.flags.filter(kind=AttentionKind.RELIST_CONFLICT, resolved_at=None).exists()
    # and, as everywhere a court user looks, no staff notes
    assert all("notes" not in row for row in listed.values())


@pytest.mark.parametrize("who", ["admin", "court_user"])
def test_the_court_and_an_admin_vacate_a_hearing_whoever_is_booked_on_it(
    api_as, who, admin_user, court_user, clock, hearing, officer, suite, kent_witness, kent_suite
):
    bookings = [
        services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite),
        services.booking_create(
            actor=None, hearing=hearing, witness=kent_witness, suite=kent_suite
        ),
    ]
    user = {"admin": admin_user, "court_user": court_user}[who]

    response = api_as(user).post(
        f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert {row["id"] for row in response.json()["bookings"]} == {b.pk for b in bookings}
    assert stand_down_texts(bookings) == 2


def test_a_scheduler_may_edit_a_hearing_nobody_is_booked_on(api_as, kent_scheduler, hearing):
    response = api_as(kent_scheduler).patch(
        f"{HEARINGS}{hearing.pk}/", {"courtroom": "Court 2"}, format="json"
    )

    assert response.status_code == 200, response.content
    hearing.refresh_from_db()
    assert hearing.courtroom == "Court 2"


def test_a_suite_manager_still_may_not_change_a_hearing(api_as, suite_manager, hearing):
    response = api_as(suite_manager).post(
        f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}, format="json"
    )

    assert response.status_code == 403
    hearing.refresh_from_db()
    assert hearing.status == HearingStatus.LISTED


# --- The staff pages, the same rule ------------------------------------------------------------


def test_on_the_staff_pages_a_kent_scheduler_cannot_vacate_a_sussex_only_hearing(
    kent_scheduler, hearing, sussex_only
):
    client = signed_in(kent_scheduler)

    page = client.get(f"/hearings/{hearing.pk}/")
    form = client.get(f"/hearings/{hearing.pk}/vacate/")
    sent = client.post(f"/hearings/{hearing.pk}/vacate/", {"reason": "Cracked"})

    # the hearing page offers no vacate or relist, and says why
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/hearings/{hearing.pk}/vacate/"' not in html
    assert "2 bookings of other forces are on this hearing" in html
    # the form and the POST both answer with the error summary, and change nothing
    for response in (form, sent):
        assert response.status_code == 409
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert "2 bookings of other forces are on this hearing" in html
        assert "<form" not in html.split("govuk-error-summary", 1)[1].split("</main>")[0]
    assert_untouched(hearing, sussex_only)


def test_on_the_staff_pages_a_kent_scheduler_cannot_relist_a_sussex_only_hearing(
    kent_scheduler, hearing, sussex_only
):
    client = signed_in(kent_scheduler)

    form = client.get(f"/hearings/{hearing.pk}/relist/")
    sent = client.post(f"/hearings/{hearing.pk}/relist/", RELIST_TO_THURSDAY)

    for response in (form, sent):
        assert response.status_code == 409
        assert "2 bookings of other forces are on this hearing" in response.content.decode()
    assert_untouched(hearing, sussex_only)


def test_on_the_staff_pages_vacating_says_which_bookings_were_stood_down(
    scheduler, hearing, sussex_only
):
    response = signed_in(scheduler).post(
        f"/hearings/{hearing.pk}/vacate/", {"reason": "Cracked"}, follow=True
    )

    html = response.content.decode()
    first, second = sorted(sussex_only, key=lambda b: b.reference)
    assert "Hearing vacated: 2 witnesses stood down." in html
    assert f"Bookings stood down: {first.reference}, {second.reference}." in html
    for booking in sussex_only:
        assert f'href="/bookings/{booking.pk}/"' in html  # the hearing page shows them
        # and the witness is texted that they are not needed, for the time they were booked
        assert_stood_down(
            witness_text(booking, Kind.STAND_DOWN),
            on="Wed 24 Mar at 10:00",
            suite=booking.suite.name,
        )


def test_on_the_staff_pages_a_court_user_relisting_is_told_which_bookings_moved(
    court_user, hearing, sussex_only
):
    response = signed_in(court_user).post(
        f"/hearings/{hearing.pk}/relist/", RELIST_TO_THURSDAY, follow=True
    )

    html = response.content.decode()
    first, second = sorted(sussex_only, key=lambda b: b.reference)
    assert "2 bookings moved with it; 0 need attention." in html
    assert f"Moved: {first.reference}, {second.reference}." in html


# --- Race-free: the rule is asked with the hearing locked ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_booking_of_another_force_made_while_a_vacate_is_on_its_way_is_not_stood_down(
    live_server, clock, hearing, officer, suite, kent_scheduler
):
    # given: a Kent scheduler vacates a hearing nobody is booked on yet...
    api = Api(live_server.url, api_token_for(kent_scheduler))
    reply = {}
    vacate = Thread(
        target=lambda: reply.setdefault(
            "vacate",
            api.send("POST", f"{HEARINGS}{hearing.pk}/vacate/", {"reason": "Cracked"}),
        )
    )
    # ...while a Sussex officer is being booked on it (committed once the vacate waits)
    with transaction.atomic():
        sussex = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
        vacate.start()
        wait_until_blocked("the vacate to wait for the booking's lock")
    vacate.join(timeout=60)

    # then: the vacate saw the Sussex booking, and stood nobody down
    answer = reply["vacate"]
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "hearing_shared"
    sussex.refresh_from_db()
    assert sussex.status == BookingStatus.CONFIRMED
    assert stand_down_texts([sussex]) == 0
    assert Booking.objects.filter(hearing=hearing).count() == 1
