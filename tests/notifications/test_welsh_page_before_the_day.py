"""The witness's page before the day, in Welsh: the booking reference, "Add to calendar" and what
happens on the day in Welsh for a witness who chose it; the download in the page's language
(Welsh for one written to in both, English once the switch chose it); a stood-down booking's
"nothing to add" in Welsh. test_witness_page_before_the_day.py has the rest, in English."""

import re

import pytest

from bookings.services import booking_cancel, booking_create
from tests.factories import CourtFactory, ForceFactory, HearingFactory, SuiteFactory, WitnessFactory
from tests.factories import london as london_time
from tests.helpers import text

from .test_witness_page_before_the_day import calendar_of, download, href, link_path, links

pytestmark = pytest.mark.django_db


@pytest.fixture
def cardiff_suite(db):
    return SuiteFactory(
        code="cardiff-bay",
        name="Cardiff Bay Police Station",
        name_cy="Gorsaf Heddlu Bae Caerdydd",
        force=ForceFactory(code="south-wales", name="South Wales Police"),
        address="James Street, Cardiff",
        postcode="CF10 5EW",
        latitude="51.46420",
        longitude="-3.16560",
    )


@pytest.fixture
def cardiff_hearing(db):
    court = CourtFactory(
        code="cardiff-mc", name="Cardiff Magistrates' Court", name_cy="Llys Ynadon Caerdydd"
    )
    return HearingFactory(court=court)  # Wednesday 24 March 2027, 10:00


def welsh_booked(hearing, suite, *, language: str = "cy"):
    witness = WitnessFactory(force=suite.force, language=language)
    return booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)


def test_the_welsh_page_says_what_happens_on_the_day_in_welsh(
    clock, cardiff_hearing, cardiff_suite, client
):
    booking = welsh_booked(cardiff_hearing, cardiff_suite)

    response = client.get(link_path(booking))

    words = text(response)
    assert f"Cyfeirnod eich archeb: {booking.reference}" in words
    assert "Ychwanegu at y calendr" in words
    assert "Cyfarwyddiadau ar OpenStreetMap" in words
    assert (
        "Beth sy'n digwydd ar y diwrnod "
        "Cyrraedd "
        "Cyrhaeddwch erbyn 09:45. Wrth y dderbynfa, dywedwch eich bod yn dyst sy'n rhoi "
        f"tystiolaeth drwy gyswllt fideo, a rhowch gyfeirnod eich archeb: {booking.reference}. "
        "Prawf adnabod "
        "Dewch â phrawf adnabod â llun gyda chi. "
        "Yr ystafell "
    ) in words
    assert "Aros Efallai y bydd rhaid i chi aros." in words
    assert "Gadael Bydd y llys yn dweud wrthych pryd y cewch fynd." in words
    for english in ("What happens", "Arriving", "front desk", "Add to calendar", "Leaving"):
        assert english not in words, english


def test_a_welsh_witness_adds_the_booking_to_their_calendar_in_welsh(
    clock, cardiff_hearing, cardiff_suite, client
):
    booking = welsh_booked(cardiff_hearing, cardiff_suite)
    path = link_path(booking)

    response = download(client, client.get(path), path, "Ychwanegu at y calendr")

    assert response["Content-Language"] == "cy"
    event = calendar_of(response).vevent
    assert event.summary.value == "Rhoi tystiolaeth drwy gyswllt fideo: Gorsaf Heddlu Bae Caerdydd"
    assert event.summary.params["LANGUAGE"] == ["cy"]
    assert event.description.params["LANGUAGE"] == ["cy"]
    assert "Dydd Mercher 24 Mawrth 2027" in event.description.value
    assert event.location.value == "Gorsaf Heddlu Bae Caerdydd, James Street, Cardiff, CF10 5EW"
    assert event.dtstart.value == london_time(2027, 3, 24, 10)


def test_the_download_is_in_the_language_the_switch_chose(
    clock, cardiff_hearing, cardiff_suite, client
):
    # Written to in both (Welsh first): the page is in Welsh, and so is the download, until
    # they switch the page to English.
    booking = welsh_booked(cardiff_hearing, cardiff_suite, language="en_cy")
    path = link_path(booking)

    welsh = download(client, client.get(path), path, "Ychwanegu at y calendr")
    english_page = client.get(f"{path}?lang=en")
    english = download(client, english_page, path)

    assert calendar_of(welsh).vevent.summary.value == (
        "Rhoi tystiolaeth drwy gyswllt fideo: Gorsaf Heddlu Bae Caerdydd"
    )
    assert href(links(english_page)["Add to calendar"]) == "calendar.ics?lang=en"
    assert english["Content-Language"] == "en-GB"
    assert calendar_of(english).vevent.summary.value == (
        "Give evidence by video link at Cardiff Bay Police Station"
    )


def test_a_welsh_witness_stood_down_is_told_in_welsh_there_is_nothing_to_add(
    clock, cardiff_hearing, cardiff_suite, client
):
    booking = welsh_booked(cardiff_hearing, cardiff_suite)
    path = link_path(booking)
    booking_cancel(actor=None, booking=booking, reason="Hearing vacated.")

    response = client.get(f"{path}calendar.ics")

    assert response.status_code == 410
    assert re.search(r'<html lang="cy"', response.content.decode())
    words = text(response)
    assert "Nid oes eich angen mwyach" in words
    assert "Does dim byd i'w ychwanegu at eich calendr." in words
    assert "Gweld eich archeb" in words
