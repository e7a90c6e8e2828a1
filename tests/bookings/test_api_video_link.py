"""The court's side of the live link (issue 17, API.md "Ready for the hearing"): a suite says
what the court dials; a booking carries the court's join link or room number and a guest PIN,
set by the court's users and the booking's force's schedulers, validated field by field, kept
in the history, and never news for the witness."""

import pytest

from bookings import events
from bookings.models import Booking, HistoryAction
from notifications.models import Audience, Message
from tests.factories import SuiteFactory
from tests.helpers import assert_error, at

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"


def patch(client, booking, body):
    return client.patch(f"{BOOKINGS}{booking.pk}/", body, format="json")


@pytest.fixture
def announced():
    """The bookings `booking_video_link_changed` was sent for, in order."""
    sent = []

    def receiver(sender, booking, **kwargs):
        sent.append(booking.pk)

    events.booking_video_link_changed.connect(receiver, weak=False)
    yield sent
    events.booking_video_link_changed.disconnect(receiver)


# --- The court sets its link ----------------------------------------------------------------


def test_the_court_gives_its_room_and_pin_and_sees_them_on_the_booking(
    api_as, court_user, booking, announced
):
    court = api_as(court_user)
    witness_messages = Message.objects.filter(booking=booking, audience=Audience.WITNESS)
    texts_before = witness_messages.count()

    response = patch(court, booking, {"video_room": "3051", "video_pin": "4821"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["video_room"], body["video_pin"], body["video_url"]) == ("3051", "4821", "")
    assert body["link_version"] == 1
    assert court.get(f"{BOOKINGS}{booking.pk}/").json()["video_room"] == "3051"
    # the witness is not told: no text, and news still on its way to them is not made stale
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.notice_version == booking.notice_version
    assert witness_messages.count() == texts_before
    assert announced == [booking.pk]
    # the history says who set what, and the court reads it there
    history = court.get(f"{BOOKINGS}{booking.pk}/history/").json()["results"]
    [entry] = [e for e in history if e["action"] == HistoryAction.VIDEO_LINK_SET]
    assert entry["actor"] == "brighton.court"
    assert entry["changes"] == {"video_room": ["", "3051"], "video_pin": ["", "4821"]}


def test_the_same_link_sent_again_changes_nothing_and_tells_nobody(
    api_as, court_user, booking, announced
):
    court = api_as(court_user)
    patch(court, booking, {"video_url": "https://join.meet.video.justice.gov.uk/#/?conference=7"})
    version = Booking.objects.get(pk=booking.pk).version

    again = patch(
        court, booking, {"video_url": "https://join.meet.video.justice.gov.uk/#/?conference=7"}
    )

    assert again.status_code == 200
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.version, stored.link_version) == (version, 1)
    assert announced == [booking.pk]
    assert stored.events.filter(action=HistoryAction.VIDEO_LINK_SET).count() == 1


def test_giving_only_a_pin_keeps_the_room_already_given(api_as, court_user, booking):
    court = api_as(court_user)
    patch(court, booking, {"video_room": "3051"})

    response = patch(court, booking, {"video_pin": "0042"})

    assert response.status_code == 200
    assert (response.json()["video_room"], response.json()["video_pin"]) == ("3051", "0042")
    assert Booking.objects.get(pk=booking.pk).link_version == 2


def test_the_forces_scheduler_may_set_the_link_too(api, booking):
    response = patch(api, booking, {"video_room": "A12"})

    assert response.status_code == 200
    assert response.json()["video_room"] == "A12"


# --- Who may -----------------------------------------------------------------------------


def test_a_court_user_may_send_the_link_and_nothing_else(api_as, court_user, booking):
    court = api_as(court_user)

    notes = patch(court, booking, {"notes": "Court staff were here"})
    mixed = patch(court, booking, {"video_room": "3051", "notes": "Court staff were here"})
    move = patch(court, booking, {"video_room": "3051", "starts_at": at(11)})

    for response in (notes, mixed, move):
        assert_error(response, 403, "permission_denied")
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.video_room, stored.notes, stored.version) == ("", "", booking.version)


def test_another_courts_user_and_another_forces_scheduler_do_not_find_the_booking(
    api_as, other_court_user, kent_scheduler, booking
):
    for user in (other_court_user, kent_scheduler):
        assert_error(patch(api_as(user), booking, {"video_room": "3051"}), 404, "not_found")
    assert Booking.objects.get(pk=booking.pk).video_room == ""


def test_a_suite_manager_reads_the_link_but_does_not_set_it(
    api_as, suite_manager, court_user, booking
):
    patch(api_as(court_user), booking, {"video_room": "3051"})
    manager = api_as(suite_manager)

    assert manager.get(f"{BOOKINGS}{booking.pk}/").json()["video_room"] == "3051"
    assert_error(patch(manager, booking, {"video_room": "9999"}), 403, "permission_denied")


# --- What is refused, on the field at fault -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"video_url": "http://join.example.org/room/7"}, "video_url", id="not-https"),
        pytest.param(
            {"video_url": "https://join.example.org/" + "r" * 100}, "video_url", id="too-long"
        ),
        pytest.param({"video_url": "https://exa mple.org/"}, "video_url", id="not-a-url"),
        pytest.param({"video_room": "30-51"}, "video_room", id="room-with-a-dash"),
        pytest.param({"video_room": "123456789"}, "video_room", id="room-of-9"),
        pytest.param({"video_room": "3051", "video_pin": "48a1"}, "video_pin", id="pin-letters"),
        pytest.param({"video_room": "3051", "video_pin": "123456789"}, "video_pin", id="pin-9"),
        pytest.param(
            {"video_room": "3051", "video_url": "https://join.example.org/7"},
            "video_room",
            id="link-and-room",
        ),
        pytest.param({"video_pin": "4821"}, "video_pin", id="pin-with-no-link-or-room"),
    ],
)
def test_a_bad_link_room_or_pin_is_a_400_naming_it_and_nothing_is_kept(
    api_as, court_user, booking, body, field
):
    response = patch(api_as(court_user), booking, body)

    assert_error(response, 400, "invalid", fields=[field])
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.video_url, stored.video_room, stored.video_pin) == ("", "", "")
    assert stored.version == booking.version


def test_a_room_given_over_a_link_is_refused_until_the_link_is_cleared(api_as, court_user, booking):
    court = api_as(court_user)
    patch(court, booking, {"video_url": "https://join.example.org/7"})

    refused = patch(court, booking, {"video_room": "3051"})
    switched = patch(court, booking, {"video_url": "", "video_room": "3051"})

    assert (
        "clear video_url"
        in assert_error(refused, 400, "invalid", fields=["video_room"])["fields"]["video_room"][0]
    )
    assert switched.status_code == 200
    assert (switched.json()["video_url"], switched.json()["video_room"]) == ("", "3051")


def test_a_cancelled_booking_takes_no_link(api, api_as, court_user, booking):
    api.post(f"{BOOKINGS}{booking.pk}/cancel/", {"reason": "Cracked"}, format="json")

    response = patch(api_as(court_user), booking, {"video_room": "3051"})

    assert_error(response, 409, "invalid_transition")
    assert Booking.objects.get(pk=booking.pk).video_room == ""


# --- With a move, in one transaction ----------------------------------------------------------


def test_a_move_and_a_link_sent_together_are_both_made(api, booking):
    response = patch(api, booking, {"starts_at": at(11), "ends_at": at(12), "video_room": "3051"})

    assert response.status_code == 200, response.content
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.starts_at.isoformat(), stored.video_room) == (at(11), "3051")
    assert stored.link_version == 1 and stored.notice_version == booking.notice_version + 1


def test_a_move_refused_keeps_the_link_sent_with_it_out_too(api, booking):
    response = patch(api, booking, {"ends_at": at(9), "video_room": "3051"})

    assert_error(response, 400, "invalid_window", fields=["ends_at"])
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.video_room, stored.version) == ("", booking.version)


def test_a_link_refused_undoes_the_move_sent_with_it(api, booking):
    # the move alone is fine; the link and room together are not (found after the move)
    response = patch(
        api,
        booking,
        {"starts_at": at(11), "video_room": "3051", "video_url": "https://join.example.org/7"},
    )

    assert_error(response, 400, "invalid", fields=["video_room"])
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.starts_at, stored.version, stored.video_room) == (
        booking.starts_at,
        booking.version,
        "",
    )
    assert list(stored.events.values_list("action", flat=True)) == ["created"]


# --- The suite's side -------------------------------------------------------------------------


def test_a_suites_managers_say_what_the_court_dials_and_a_court_user_reads_it(
    api_as, suite_manager, court_user, sussex
):
    suite = SuiteFactory(force=sussex, location_confidential=True, address="1 Secret Lane")
    body = {"video_endpoint": "sip:suite-4471@video.sussex.police.example", "video_platform": "sip"}

    changed = api_as(suite_manager).patch(f"/api/v1/suites/{suite.pk}/", body, format="json")
    seen = api_as(court_user).get(f"/api/v1/suites/{suite.pk}/").json()

    assert changed.status_code == 200, changed.content
    assert (seen["video_endpoint"], seen["video_platform"]) == (
        "sip:suite-4471@video.sussex.police.example",
        "sip",
    )
    assert seen["address"] == ""  # the confidential suite's whereabouts stay hidden


def test_a_court_user_cannot_change_what_a_suite_dials(api_as, court_user, suite):
    response = api_as(court_user).patch(
        f"/api/v1/suites/{suite.pk}/", {"video_endpoint": "sip:elsewhere@x.example"}, format="json"
    )

    assert_error(response, 403, "permission_denied")


def test_an_unknown_video_platform_is_a_400_naming_it(api_as, suite_manager, suite):
    response = api_as(suite_manager).patch(
        f"/api/v1/suites/{suite.pk}/", {"video_platform": "zoom"}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["video_platform"])
