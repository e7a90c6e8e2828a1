"""The day-before check, as the court's listing office and the scheduler see it: at 15:00 on a
working day, each court whose witnesses give evidence by video link on the next sitting day
without the court's link gets one email listing its own, with where to set each; the bookings go
on the scheduler's attention list. Run again, it sends and flags nothing new. A booking with a
link is never chased, and setting the link takes it off the list.

March 2027: Thursday 18 and Friday 19, Monday 22; Good Friday is 26 March, Easter Monday 29."""

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings

from bookings.services import attention_flag_resolve, booking_cancel, booking_set_video_link
from notifications.models import Message
from notifications.tasks import chase_court_video_links
from tests.factories import CourtFactory, HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import book
from tests.notifications.mailbox import FaultyMailbox

pytestmark = pytest.mark.django_db

BRIGHTON_LISTING = "listing@brighton.court.example"
HOVE_LISTING = "listing@hove.court.example"
THURSDAY_3PM = london(2027, 3, 18, 15)
FRIDAY_3PM = london(2027, 3, 19, 15)


@pytest.fixture
def brighton(court):
    court.contact_email = BRIGHTON_LISTING
    court.save()
    return court


@pytest.fixture
def hove(db):
    return CourtFactory(code="hove-mc", name="Hove Magistrates' Court", contact_email=HOVE_LISTING)


@pytest.fixture
def booked(sussex):
    """Book a Sussex officer at a suite of their own (or `at`) for two hours of a hearing at
    `court` on a day of March 2027, as booked the Monday before."""

    def make(court, day, hour=10, *, at=None, witness=None):
        hearing = HearingFactory(
            court=court,
            starts_at=london(2027, 3, day, hour),
            ends_at=london(2027, 3, day, hour + 2),
            courtroom="Court 3",
        )
        with time_machine.travel(london(2027, 3, 15, 9), tick=False):
            suite = at or SuiteFactory(force=sussex)
            return book(hearing, witness or WitnessFactory(force=sussex), suite)

    return make


def chase_at(moment):
    """Beat's 15:00 task, run at `moment`."""
    with time_machine.travel(moment, tick=False):
        return chase_court_video_links()


def to(mailoutbox, address):
    return [email for email in mailoutbox if email.to == [address]]


def chased(api) -> dict[str, str]:
    """The scheduler's attention list: booking reference → what it says, for missing links."""
    body = api.get("/api/v1/attention/").json()
    return {
        item["booking_reference"]: item["detail"]
        for item in body["results"]
        if item["kind"] == "no_video_link"
    }


def test_at_3pm_on_thursday_the_court_is_asked_for_fridays_missing_links_only(
    brighton, booked, mailoutbox, api
):
    # given: Brighton's witnesses on Friday, two without a link, one with the court's room, one
    # stood down; and others on Thursday itself and on Monday, without links
    first = booked(brighton, 19, 10)
    second = booked(brighton, 19, 14)
    linked = booked(brighton, 19, 12)
    booking_set_video_link(actor=None, booking=linked, video_room="3051")
    cancelled = booked(brighton, 19, 15)
    booking_cancel(actor=None, booking=cancelled, reason="Defence accepted the statement")
    booked(brighton, 18, 14)
    booked(brighton, 22, 10)
    mailoutbox.clear()

    # when: it is Thursday, 15:00
    chase_at(THURSDAY_3PM)

    # then: Brighton's listing office has one email for Friday, naming the two
    [email] = mailoutbox
    assert email.to == [BRIGHTON_LISTING]
    assert email.subject == "Video links needed for Friday 19 March: Brighton Magistrates' Court"
    assert first.reference in email.body and second.reference in email.body
    assert email.body.index(first.reference) < email.body.index(second.reference)
    assert "Friday 19 March 2027" in email.body
    for not_asked in (linked, cancelled):
        assert not_asked.reference not in email.body
    # and the scheduler sees the same two on the attention list
    assert set(chased(api)) == {first.reference, second.reference}
    with time_machine.travel(THURSDAY_3PM, tick=False):
        assert (
            "has not given the video link for Fri 19 Mar at 10:00" in chased(api)[first.reference]
        )


def test_at_3pm_on_friday_the_court_is_asked_for_mondays(brighton, booked, mailoutbox, api):
    monday = booked(brighton, 22, 10)
    mailoutbox.clear()

    chase_at(FRIDAY_3PM)

    [email] = mailoutbox
    assert email.subject == "Video links needed for Monday 22 March: Brighton Magistrates' Court"
    assert monday.reference in email.body
    assert set(chased(api)) == {monday.reference}


def test_each_court_gets_one_email_listing_only_its_own_bookings(
    brighton, hove, booked, mailoutbox, api
):
    ours = [booked(brighton, 19, 10), booked(brighton, 19, 14)]
    theirs = booked(hove, 19, 12)
    no_address = booked(CourtFactory(name="Lewes Magistrates' Court", contact_email=""), 19, 15)
    mailoutbox.clear()

    chase_at(THURSDAY_3PM)

    [to_brighton] = to(mailoutbox, BRIGHTON_LISTING)
    [to_hove] = to(mailoutbox, HOVE_LISTING)
    assert len(mailoutbox) == 2
    assert all(b.reference in to_brighton.body for b in ours)
    assert theirs.reference not in to_brighton.body
    assert theirs.reference in to_hove.body
    assert not any(b.reference in to_hove.body for b in ours)
    # a court with no address to write to is not emailed; its booking is still on the list
    assert no_address.reference not in to_brighton.body + to_hove.body
    assert no_address.reference in chased(api)


def test_a_rerun_or_a_second_beat_flags_and_emails_nothing_again(
    brighton, booked, mailoutbox, api, scheduler
):
    booking = booked(brighton, 19, 10)
    mailoutbox.clear()
    chase_at(THURSDAY_3PM)
    assert len(mailoutbox) == 1

    # when: the task runs again that afternoon (a retry, a second beat)
    chase_at(london(2027, 3, 18, 15, 5))
    chase_at(london(2027, 3, 18, 17, 30))

    # then: no second email, and the booking is on the list once
    assert len(mailoutbox) == 1
    assert list(chased(api)) == [booking.reference]
    assert booking.flags.filter(kind="no_video_link").count() == 1

    # when: the scheduler marks it dealt with (they phoned the court), and the task runs again
    attention_flag_resolve(actor=scheduler, flag=booking.flags.get(kind="no_video_link"))
    chase_at(london(2027, 3, 18, 18))

    # then: it stays dealt with
    assert chased(api) == {}
    assert len(mailoutbox) == 1


def test_the_email_says_only_what_court_users_see_and_where_to_set_each_link(
    brighton, booked, mailoutbox, secret_suite, sussex
):
    officer = WitnessFactory(force=sussex, full_name="Amelia Pond")
    booking = booked(brighton, 19, 10, at=secret_suite, witness=officer)
    mailoutbox.clear()

    chase_at(THURSDAY_3PM)

    [email] = mailoutbox
    body = email.body
    assert f"Booking {booking.reference}, 10:00 to 12:00" in body
    assert f"Case reference (URN): {booking.hearing.case_reference}" in body
    assert "Courtroom: Court 3" in body
    assert "Witness: police officer, initials AP" in body
    assert "Gives evidence from: Sussex Witness Suite A" in body
    assert f"Add the link: http://testserver/bookings/{booking.pk}/" in body
    for secret in ("Amelia", "Pond", "Hidden Lane", "BN7 9ZZ", "Ramp", str(officer.phone)):
        assert secret not in body
    assert "&#x27;" not in body  # plain text: "Magistrates' Court", not HTML


def test_setting_the_link_takes_the_booking_off_the_list_and_it_is_not_chased_again(
    brighton, booked, mailoutbox, api
):
    booking = booked(brighton, 19, 10)
    chase_at(THURSDAY_3PM)
    assert booking.reference in chased(api)

    # when: the court's user adds the room that evening
    with time_machine.travel(london(2027, 3, 18, 17), tick=False):
        booking_set_video_link(actor=None, booking=booking, video_room="3051", video_pin="1234")

    # then: it is off the attention list, and a rerun does not chase it
    assert chased(api) == {}
    mailoutbox.clear()
    chase_at(london(2027, 3, 18, 17, 30))
    assert chased(api) == {}
    assert mailoutbox == []


def test_a_bank_holiday_is_no_sitting_day_and_no_day_to_ask(brighton, booked, mailoutbox, api):
    after_easter = booked(brighton, 30, 10)  # Tuesday 30 March, after Easter Monday
    mailoutbox.clear()

    # when: it is Good Friday, 15:00 (beat runs Monday to Friday)
    chase_at(london(2027, 3, 26, 15))
    # then: nobody works to be asked: nothing is sent
    assert mailoutbox == []

    # when: it is the Thursday before Easter, 15:00
    chase_at(london(2027, 3, 25, 15))
    # then: the next sitting day is the Tuesday after Easter Monday
    [email] = mailoutbox
    assert email.subject.startswith("Video links needed for Tuesday 30 March:")
    assert after_easter.reference in chased(api)


def test_an_email_the_mail_server_refused_is_sent_by_the_next_run(
    brighton, booked, mailoutbox, settings, monkeypatch
):
    booking = booked(brighton, 19, 10)
    mailoutbox.clear()
    # the mail server drops the connection once
    settings.EMAIL_BACKEND = "tests.notifications.mailbox.FaultyMailbox"
    monkeypatch.setattr(FaultyMailbox, "faults", ["disconnect"])

    chase_at(THURSDAY_3PM)
    assert mailoutbox == []

    chase_at(london(2027, 3, 18, 15, 10))
    [email] = mailoutbox
    assert booking.reference in email.body


def test_beat_runs_the_check_at_3pm_london_on_weekdays():
    entry = django_settings.CELERY_BEAT_SCHEDULE["chase-court-video-links"]
    assert entry["task"] == "notifications.tasks.chase_court_video_links"
    assert entry["schedule"] == crontab(minute=0, hour=15, day_of_week="mon-fri")
    assert django_settings.CELERY_TIMEZONE == "Europe/London"


def test_the_witness_hears_nothing_of_the_check(brighton, booked, mailoutbox):
    booking = booked(brighton, 19, 10)
    before = Message.objects.filter(booking=booking).count()

    chase_at(THURSDAY_3PM)

    # then: no text or invite for the officer was written; the court's email is all that went
    assert Message.objects.filter(booking=booking).count() == before
    assert [email.to for email in mailoutbox] == [[BRIGHTON_LISTING]]
