"""The court's video link on the staff pages: a court user or the booking's scheduler gives the
court's join link or room number and PIN on a page of its own, the booking page shows it to
those who may see it, and a suite manager keeps the suite's own video address."""

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import HistoryAction
from tests.factories import UserFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db


def booking_url(booking) -> str:
    return reverse("web:booking", args=[booking.pk])


def link_url(booking) -> str:
    return reverse("web:booking-video-link", args=[booking.pk])


def test_a_court_user_adds_a_room_and_pin_and_sees_them_on_the_booking_page(
    client, court_user, booking
):
    client.force_login(court_user)
    before = text(client.get(booking_url(booking)))
    assert "Court's video link" in before
    assert "Add the court's video link" in before

    form = client.get(link_url(booking))
    response = client.post(
        link_url(booking), {"kind": "room", "video_room": "3051", "video_pin": "4821"}
    )

    assert form.status_code == 200
    assert response.status_code == 302
    assert response.url == booking_url(booking)
    page = text(client.get(response.url))
    assert "The court's video link is saved for booking" in page
    assert "The suite's calendar invitation was updated" in page or "no calendar invitation" in (
        page
    )
    assert "Room number 3051" in page
    assert "Guest PIN 4821" in page
    assert "Change the court's video link" in page
    booking.refresh_from_db()
    assert (booking.video_room, booking.video_pin, booking.video_url) == ("3051", "4821", "")
    assert booking.events.filter(action=HistoryAction.VIDEO_LINK_SET).count() == 1


def test_a_scheduler_of_another_force_gets_not_found(client, kent_scheduler, booking):
    client.force_login(kent_scheduler)

    assert client.get(link_url(booking)).status_code == 404
    response = client.post(link_url(booking), {"kind": "room", "video_room": "3051"})

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.video_room == ""


def test_a_pin_with_letters_is_shown_in_the_error_summary_and_nothing_is_kept(
    clock, browser, booking
):
    response = browser.post(
        link_url(booking), {"kind": "room", "video_room": "3051", "video_pin": "48a1"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_video_pin">A PIN is up to 8 digits' in page
    assert text(response).startswith("Error:")
    booking.refresh_from_db()
    assert (booking.video_room, booking.video_pin) == ("", "")


def test_the_booking_s_scheduler_gives_a_join_link_and_the_room_box_is_ignored(
    clock, browser, booking
):
    # Without JavaScript both boxes show: the choice says which one counts.
    response = browser.post(
        link_url(booking),
        {
            "kind": "url",
            "video_url": "https://join.meet.video.justice.gov.uk/3051",
            "video_room": "typed by mistake",
            "video_pin": "",
        },
    )

    assert response.status_code == 302, text(response)
    page = text(browser.get(booking_url(booking)))
    assert "Join link https://join.meet.video.justice.gov.uk/3051" in page
    assert "Guest PIN None" in page
    booking.refresh_from_db()
    assert booking.video_room == ""


def test_choosing_nothing_and_a_link_that_is_not_https_are_named(clock, browser, booking):
    nothing = browser.post(link_url(booking), {})
    plain_http = browser.post(
        link_url(booking), {"kind": "url", "video_url": "http://join.example/3051"}
    )

    assert nothing.status_code == 400
    assert '<a href="#kind">Choose whether the court gave a join link or a room number' in (
        nothing.content.decode()
    )
    assert plain_http.status_code == 400
    assert 'href="#id_video_url"' in plain_http.content.decode()


def test_a_suite_manager_reads_the_link_but_is_not_offered_to_change_it(
    client, suite_manager, scheduler, booking
):
    services.booking_set_video_link(
        actor=scheduler, booking=booking, video_room="3051", video_pin="4821"
    )
    client.force_login(suite_manager)

    page = text(client.get(booking_url(booking)))
    refused = client.post(link_url(booking), {"kind": "room", "video_room": "9999"})

    assert "Room number 3051" in page
    assert "Change the court's video link" not in page
    assert refused.status_code == 403


def test_a_cancelled_booking_is_not_offered_a_link(clock, browser, booking, scheduler):
    services.booking_cancel(actor=scheduler, booking=booking, reason="Guilty plea")

    page = text(browser.get(booking_url(booking)))

    assert "Add the court's video link" not in page


def test_a_suite_manager_sets_the_suite_s_video_address_that_the_court_then_sees(
    client, suite_manager, court_user, booking, suite
):
    client.force_login(suite_manager)
    address = "sip:brighton-suite-1@video.example.police.uk"

    response = client.post(
        reverse("web:suite-video", args=[suite.pk]),
        {"video_endpoint": address, "video_platform": "cvp"},
    )

    assert response.status_code == 302
    assert f"Video address {address} HMCTS Cloud Video Platform" in text(client.get(response.url))
    client.force_login(court_user)
    assert address in text(client.get(booking_url(booking)))
    assert client.get(reverse("web:suite-video", args=[suite.pk])).status_code == 403


def test_another_force_s_suite_manager_may_not_change_the_video_address(client, kent, suite):
    client.force_login(UserFactory(role="suite_manager", force=kent))

    response = client.post(
        reverse("web:suite-video", args=[suite.pk]), {"video_endpoint": "sip:x@example"}
    )

    assert response.status_code == 403
    suite.refresh_from_db()
    assert suite.video_endpoint == ""
