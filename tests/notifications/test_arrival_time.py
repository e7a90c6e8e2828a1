"""One arrival time, from what the booking holds: when a suite's set-up time changes after a
booking is made, the witness's reminder, their page, their invite and their calendar feed still
give the time they were booked to arrive (the window the booking holds, `Booking.arrive_by`),
and all four agree."""

import re

from bookings import services
from bookings.models import FeedScope
from notifications import texts
from notifications.calendar import invite_text
from notifications.models import Kind

LINK_PATTERN = re.compile(r"http://testserver(/w/[A-Za-z0-9_-]{22}/)")


def test_a_changed_turnaround_leaves_every_arrival_time_the_witness_sees_as_booked(
    clock,
    hearing,
    officer,
    scheduler,
    suite,
    fake_twilio,
    django_capture_on_commit_callbacks,
    client,
):
    fake_twilio.configure(callbacks_enabled=False)
    assert suite.turnaround_minutes == 15
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)
    [confirmation] = fake_twilio.messages()
    [page_path] = LINK_PATTERN.findall(confirmation["body"])
    assert "Please arrive by 09:45" in confirmation["body"]

    suite.turnaround_minutes = 45  # the suite's set-up time changes after the booking
    suite.save()
    booking.refresh_from_db()

    reminder = texts.sms_text(booking, Kind.REMINDER_AHEAD).body
    page = client.get(page_path).content.decode()
    _, invite = invite_text(booking, "witness")
    token = services.feed_token_create(actor=scheduler, scope=FeedScope.WITNESS, subject=officer)
    feed = client.get(f"/feeds/{token.secret}.ics").content.decode().replace("\r\n ", "")

    assert "Please arrive by 09:45" in reminder
    assert "Please arrive by" in page and "09:45" in page and "09:15" not in page
    assert "Please arrive at Brighton Police Station by 09:45." in invite
    assert "by 09:45 on Wednesday 24 March 2027" in feed
