"""A witness who cannot attend may say, on their page, the days they cannot do: their scheduler
then finds those days in the witness's dates to avoid and on the attention list, and a booking
into them is refused. No dates is an answer too; dates that cannot be right are explained in
the GOV.UK error summary and nothing is recorded."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client

from bookings import services
from bookings.models import AttentionFlag, AttentionKind, BookingEvent, Unavailability
from bookings.services import booking_create
from tests.factories import HearingFactory, london
from tests.helpers import assert_error, instant, post_booking, text

from .test_witness_page import buttons, link_path

pytestmark = pytest.mark.django_db

EIGHT_TO_TWELVE_MARCH = {
    "from_day": "8",
    "from_month": "3",
    "from_year": "2027",
    "to_day": "12",
    "to_month": "3",
    "to_year": "2027",
}


@pytest.fixture
def today():
    """Monday 1 March 2027, 09:00 in London."""
    with time_machine.travel(london(2027, 3, 1, 9), tick=True) as traveller:
        yield traveller


@pytest.fixture
def booking(today, court, officer, suite):
    """Amelia Pond's booking at Brighton Police Station on Wednesday 3 March 2027 at 10:00."""
    hearing = HearingFactory(
        court=court, starts_at=london(2027, 3, 3, 10), ends_at=london(2027, 3, 3, 13)
    )
    return booking_create(actor=None, hearing=hearing, witness=officer, suite=suite)


def cannot_attend(client, booking, **dates):
    return client.post(link_path(booking), {"answer": "cannot_attend", **dates}, follow=True)


def periods(api, witness) -> list[dict]:
    response = api.get(f"/api/v1/witnesses/{witness.pk}/unavailability/")
    assert response.status_code == 200
    return response.json()["results"] if "results" in response.json() else response.json()


def attention_for(api, booking) -> list[dict]:
    rows = api.get("/api/v1/attention/").json()["results"]
    return [row for row in rows if row["booking"] == booking.pk]


def test_the_page_asks_for_the_dates_in_day_month_and_year_boxes_in_a_plain_form(booking):
    page = Client().get(link_path(booking)).content.decode()

    assert "If you cannot attend" in page
    assert "First day you cannot do" in page and "Last day you cannot do" in page
    names = re.findall(r'<input[^>]*name="([a-z_]+)"', page)
    assert names == ["from_day", "from_month", "from_year", "to_day", "to_month", "to_year"]
    assert '<form method="post"' in page and "<script" not in page
    assert buttons(page) == ["I will attend", "I cannot attend"]


def test_the_days_a_witness_cannot_do_reach_their_scheduler(booking, officer, client, api):
    response = cannot_attend(client, booking, **EIGHT_TO_TWELVE_MARCH)

    assert response.status_code == 200
    assert "The witness care team will contact you" in text(response)
    # The scheduler finds 8 to 12 March in the witness's dates to avoid, whole London days ...
    [period] = periods(api, officer)
    assert instant(period["starts_at"]) == london(2027, 3, 8, 0)
    assert instant(period["ends_at"]) == london(2027, 3, 13, 0)
    assert period["reason"] == "other"
    assert period["source"] == "witness"
    assert "booking page" in period["note"] and booking.reference in period["note"]
    # ... and the booking on the attention list, saying which days
    [item] = attention_for(api, booking)
    assert item["kind"] == AttentionKind.WITNESS_CANNOT_ATTEND
    assert "cannot attend" in item["detail"]
    assert "8 Mar 2027" in item["detail"] and "12 Mar 2027" in item["detail"]
    # and booking them on Wednesday 10 March is refused, naming those days
    hearing = HearingFactory(
        court=booking.hearing.court,
        starts_at=london(2027, 3, 10, 10),
        ends_at=london(2027, 3, 10, 13),
    )
    refused = post_booking(
        api, {"hearing": hearing.pk, "witness": officer.pk, "suite": booking.suite_id}
    )
    body = assert_error(refused, 409, "witness_unavailable_dates")
    assert "Mon 8 Mar 2027 to Fri 12 Mar 2027" in body["detail"]


def test_one_day_is_the_first_day_alone(booking, officer, client, api):
    cannot_attend(client, booking, from_day="9", from_month="3", from_year="2027")

    [period] = periods(api, officer)
    assert instant(period["starts_at"]) == london(2027, 3, 9, 0)
    assert instant(period["ends_at"]) == london(2027, 3, 10, 0)


def test_no_dates_is_fine_as_before(booking, officer, client, api):
    response = cannot_attend(client, booking)

    assert "The witness care team will contact you" in text(response)
    [item] = attention_for(api, booking)
    assert item["detail"] == "The witness replied by web page that they cannot attend."
    assert periods(api, officer) == []


def test_pressing_twice_records_the_days_once(booking, officer, client, api):
    cannot_attend(client, booking, **EIGHT_TO_TWELVE_MARCH)
    again = cannot_attend(client, booking, **EIGHT_TO_TWELVE_MARCH)

    assert again.status_code == 200
    assert len(periods(api, officer)) == 1
    assert len(attention_for(api, booking)) == 1


@pytest.mark.parametrize(
    ("typed", "message", "box"),
    [
        (
            {"from_day": "31", "from_month": "2", "from_year": "2027"},
            "The first day you cannot do must be a real date",
            "from_day",
        ),
        (
            {**EIGHT_TO_TWELVE_MARCH, "to_day": "5"},
            "The last day you cannot do must be the same as or after the first",
            "to_day",
        ),
        (
            {"from_day": "22", "from_month": "2", "from_year": "2027"},
            "The first day you cannot do must be today or in the future",
            "from_day",
        ),
        (
            {**EIGHT_TO_TWELVE_MARCH, "to_year": "2029", "to_day": "2"},
            "The last day you cannot do must be within the next 2 years",
            "to_day",
        ),
        (
            {"from_day": "8", "from_year": "2027"},
            "The first day you cannot do must include a month",
            "from_day",
        ),
        (
            {"from_day": "eight", "from_month": "March", "from_year": "2027"},
            "The first day you cannot do must be a real date, in numbers",
            "from_day",
        ),
        (
            {"from_day": "8", "from_month": "3", "from_year": "27"},
            "The year of the first day you cannot do must have 4 numbers",
            "from_day",
        ),
    ],
    ids=[
        "not-a-day",
        "ends-before-it-starts",
        "in-the-past",
        "too-far-ahead",
        "no-month",
        "in-words",
        "two-digit-year",
    ],
)
def test_dates_that_cannot_be_right_are_explained_and_nothing_is_recorded(
    booking, client, typed, message, box
):
    response = client.post(link_path(booking), {"answer": "cannot_attend", **typed})

    assert response.status_code == 400
    page = response.content.decode()
    words = text(response)
    assert words.startswith("Error: Your video link booking")
    assert "There is a problem" in words
    assert f'<a href="#{box}">{message}</a>' in page.replace("&#x27;", "'")
    assert f'id="{box}"' in page  # the summary's link goes to the date's first box
    assert f"Error: {message}" in words  # and the message is by the date too
    for value in typed.values():
        assert f'value="{value}"' in page  # what they typed is there to correct
    assert response["Cache-Control"] == "no-store"
    assert not Unavailability.objects.exists()
    assert not AttentionFlag.objects.filter(booking=booking).exists()
    assert not BookingEvent.objects.filter(booking=booking, action="witness_cannot_attend").exists()


def test_the_days_are_kept_only_with_the_reply(booking, monkeypatch):
    """The period and the reply are one transaction: a reply that fails to save (here, the
    database refusing it) leaves no period behind for the scheduler to puzzle over."""

    def refused(**kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(services, "booking_witness_cannot_attend", refused)
    witness = Client(raise_request_exception=False)

    response = witness.post(
        link_path(booking), {"answer": "cannot_attend", **EIGHT_TO_TWELVE_MARCH}
    )

    assert response.status_code == 500
    assert not Unavailability.objects.exists()


def test_a_corrected_date_is_then_recorded(booking, officer, client, api):
    client.post(
        link_path(booking), {"answer": "cannot_attend", **EIGHT_TO_TWELVE_MARCH, "to_day": "5"}
    )

    cannot_attend(client, booking, **EIGHT_TO_TWELVE_MARCH)

    assert len(periods(api, officer)) == 1


def test_the_page_never_shows_the_courts_link_or_more_of_the_witness(booking, client):
    type(booking).objects.filter(pk=booking.pk).update(video_room="H4815", video_pin="162342")
    path = link_path(booking)

    pages = [
        client.get(path),
        client.post(path, {"answer": "cannot_attend", "from_day": "31", "from_month": "2"}),
    ]

    for response in pages:
        words = text(response)
        for private in ("H4815", "162342", "Amelia", "Pond", "video_room", "PIN"):
            assert private not in words, private


def test_the_dates_are_throttled_like_the_page(booking, today):
    path = link_path(booking)
    guesser = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(30):
        guesser.post(path, {"answer": "cannot_attend", "from_day": "31", "from_month": "2"})

    refused = guesser.post(path, {"answer": "cannot_attend", **EIGHT_TO_TWELVE_MARCH})

    assert refused.status_code == 429
    assert not Unavailability.objects.exists()
    today.shift(timedelta(seconds=61))
    assert (
        guesser.post(path, {"answer": "cannot_attend", **EIGHT_TO_TWELVE_MARCH}).status_code == 302
    )
