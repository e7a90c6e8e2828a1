"""The page a witness opens from their text, in their language: Welsh for a witness who chose
Welsh (`<html lang="cy">`), Welsh first for one written to in both, English for the rest; and a
switch at the top ("English" / "Cymraeg") that is a plain link, so it works without JavaScript
and the page's buttons keep the language it chose. Dates say Welsh day and month names, the
court and the suite their Welsh names."""

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from bookings.services import booking_cancel, booking_create
from notifications.links import witness_link_issue
from notifications.models import Channel, Kind, Message
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    WitnessFactory,
)
from tests.helpers import text

pytestmark = pytest.mark.django_db

WEDNESDAY_IN_WELSH = "Dydd Mercher 24 Mawrth 2027 am 10:00"
WEDNESDAY_IN_ENGLISH = "Wednesday 24 March 2027 at 10:00"


@pytest.fixture
def south_wales(db):
    return ForceFactory(code="south-wales", name="South Wales Police")


@pytest.fixture
def cardiff_suite(south_wales):
    return SuiteFactory(
        code="cardiff-bay",
        name="Cardiff Bay Police Station",
        name_cy="Gorsaf Heddlu Bae Caerdydd",
        force=south_wales,
        address="James Street, Cardiff",
        postcode="CF10 5EW",
    )


@pytest.fixture
def cardiff_hearing(db):
    court = CourtFactory(
        code="cardiff-mc",
        name="Cardiff Magistrates' Court",
        name_cy="Llys Ynadon Caerdydd",
    )
    return HearingFactory(court=court)  # Wednesday 24 March 2027, 10:00


def booked(hearing, suite, *, language: str):
    """A booking for a witness of `language` ("" takes their force's default)."""
    witness = WitnessFactory(force=suite.force, language=language)
    return booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)


@pytest.fixture
def welsh_booking(clock, cardiff_hearing, cardiff_suite):
    return booked(cardiff_hearing, cardiff_suite, language="cy")


def link_path(booking) -> str:
    """The path of the link in the booking's confirmation text, issued as the sender does."""
    message = Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)
    return urlsplit(witness_link_issue(message=message)).path


def html_lang(response) -> str:
    return re.search(r"<html lang=\"([^\"]*)\"", response.content.decode()).group(1)


def buttons(response) -> list[str]:
    return re.findall(r"<button[^>]*>([^<]*)</button>", response.content.decode())


def switch_link(response) -> dict[str, str]:
    """The switch's link to the other language: its address and `lang`, and what it says."""
    page = response.content.decode()
    nav = re.search(r"<nav class=\"language-select\".*?</nav>", page, flags=re.S).group(0)
    [(href, lang, label)] = re.findall(
        r"<a href=\"([^\"]+)\"[^>]* lang=\"([^\"]+)\".*?<span aria-hidden=\"true\">([^<]+)</span>",
        nav,
        flags=re.S,
    )
    [(current_lang, current)] = re.findall(
        r"<span aria-current=\"true\" lang=\"([^\"]+)\">([^<]+)</span>", nav
    )
    names = ("href", "lang", "label", "current", "current_lang")
    return dict(zip(names, (href, lang, label, current, current_lang), strict=True))


def form_action(response, path: str) -> str:
    """Where the page's first form posts: its action, resolved as a browser does."""
    actions = re.findall(
        r"<form method=\"post\"(?: action=\"([^\"]*)\")?", response.content.decode()
    )
    return urljoin(path, actions[0].replace("&amp;", "&")) if actions[0] else path


# --- A witness who chose Welsh ------------------------------------------------------------------


def test_a_welsh_witness_opens_their_link_to_a_page_in_welsh(welsh_booking, client):
    response = client.get(link_path(welsh_booking))

    assert response.status_code == 200
    assert html_lang(response) == "cy"
    assert response["Content-Language"] == "cy"
    words = text(response)
    assert words.startswith("Eich archeb cyswllt fideo Tystiolaeth drwy gyswllt fideo")
    assert f"Pryd {WEDNESDAY_IN_WELSH}" in words
    assert "Cyrhaeddwch erbyn 09:45" in words
    assert "Ble Gorsaf Heddlu Bae Caerdydd James Street, Cardiff CF10 5EW" in words
    assert "Llys Ynadon Caerdydd, drwy gyswllt fideo byw" in words
    assert f"cyfeirnod archeb hwn: {welsh_booking.reference}" in words
    assert buttons(response) == ["Byddaf yn dod", "Ni allaf ddod"]
    assert "Os na allwch ddod" in words and "Diwrnod cyntaf na allwch ddod" in words
    assert "Diwrnod Mis Blwyddyn" in words
    for english in ("Wednesday", "March", "Please arrive", "I will attend", "Cardiff Bay"):
        assert english not in words, english


def test_the_switch_at_the_top_offers_english_in_english(welsh_booking, client):
    response = client.get(link_path(welsh_booking))

    assert switch_link(response) == {
        "href": "?lang=en",
        "lang": "en-GB",
        "label": "English",
        "current": "Cymraeg",
        "current_lang": "cy",
    }
    assert "Change the language to English" in text(response)


def test_the_switch_gives_english_and_the_buttons_keep_it_without_javascript(welsh_booking, client):
    path = link_path(welsh_booking)
    welsh = client.get(path)

    english = client.get(urljoin(path, switch_link(welsh)["href"]))

    assert english.status_code == 200
    assert html_lang(english) == "en-GB"
    assert english["Content-Language"] == "en-GB"
    words = text(english)
    assert f"When {WEDNESDAY_IN_ENGLISH}" in words
    assert "Where Cardiff Bay Police Station" in words
    assert "Cardiff Magistrates' Court, by a live video link" in words
    assert buttons(english) == ["I will attend", "I cannot attend"]
    assert switch_link(english) | {"href": None} == {
        "href": None,
        "lang": "cy",
        "label": "Cymraeg",
        "current": "English",
        "current_lang": "en-GB",
    }
    assert "Newid yr iaith i'r Gymraeg" in words

    # "I will attend", pressed as a browser without JavaScript posts the form.
    pressed = client.post(form_action(english, path), {"answer": "attend"}, follow=True)

    assert pressed.redirect_chain == [(f"{path}?answered=attend&lang=en", 302)]
    assert html_lang(pressed) == "en-GB"
    assert "Thank you. You have told us you will attend." in text(pressed)

    back_to_welsh = client.get(urljoin(path, switch_link(pressed)["href"]))
    assert html_lang(back_to_welsh) == "cy"
    assert "Rydych wedi cadarnhau y byddwch yn dod." in text(back_to_welsh)
    welsh_booking.refresh_from_db()
    assert welsh_booking.witness_confirmed_at is not None


def test_the_welsh_page_thanks_a_witness_who_cannot_attend_in_welsh_and_the_scheduler_reads_english(
    welsh_booking, client
):
    path = link_path(welsh_booking)
    dates = {"from_day": "29", "from_month": "3", "from_year": "2027"}

    response = client.post(path, {"answer": "cannot_attend", **dates}, follow=True)

    assert response.redirect_chain == [(f"{path}?answered=cannot_attend", 302)]
    assert html_lang(response) == "cy"
    assert "Diolch am roi gwybod i ni. Bydd y tîm gofal tystion yn cysylltu â chi." in text(
        response
    )
    period = welsh_booking.witness.unavailability.get()
    assert period.note == f"The witness said so on their booking page ({welsh_booking.reference})."


@pytest.mark.parametrize(
    ("typed", "welsh", "english"),
    [
        (
            {"from_day": "8"},
            "Rhaid i'r diwrnod cyntaf na allwch ddod gynnwys mis a blwyddyn",
            "The first day you cannot do must include a month and a year",
        ),
        (
            {"from_day": "31", "from_month": "2", "from_year": "2028"},
            "Rhaid i'r diwrnod cyntaf na allwch ddod fod yn ddyddiad go iawn",
            "The first day you cannot do must be a real date",
        ),
        (
            {"from_day": "1", "from_month": "4", "from_year": "2027", "to_day": "1"},
            "Rhaid i'r diwrnod olaf na allwch ddod gynnwys mis a blwyddyn",
            "The last day you cannot do must include a month and a year",
        ),
        (
            {"from_day": "1", "from_month": "4", "from_year": "2031"},
            "Rhaid i'r diwrnod cyntaf na allwch ddod fod o fewn y 2 flynedd nesaf",
            "The first day you cannot do must be within the next 2 years",
        ),
        (
            {"from_day": "1", "from_month": "3", "from_year": "2027"},
            "Rhaid i'r diwrnod cyntaf na allwch ddod fod heddiw neu yn y dyfodol",
            "The first day you cannot do must be today or in the future",
        ),
    ],
    ids=["missing", "not-real", "last-missing", "too-far", "past"],
)
def test_dates_that_cannot_be_right_are_explained_in_the_pages_language(
    welsh_booking, client, typed, welsh, english
):
    path = link_path(welsh_booking)

    in_welsh = client.post(path, {"answer": "cannot_attend", **typed})
    in_english = client.post(f"{path}?lang=en", {"answer": "cannot_attend", **typed})

    assert in_welsh.status_code == in_english.status_code == 400
    words = text(in_welsh)
    assert words.startswith("Gwall: Eich archeb cyswllt fideo")
    assert "Mae problem wedi codi" in words
    assert f"Gwall: {welsh}" in words
    assert html_lang(in_welsh) == "cy"
    words = text(in_english)
    assert words.startswith("Error: Your video link booking")
    assert f"Error: {english}" in words
    assert html_lang(in_english) == "en-GB"
    # The corrected form still posts in the language the witness chose.
    assert form_action(in_english, path) == f"{path}?lang=en"
    assert not welsh_booking.witness.unavailability.exists()


def test_a_press_of_no_button_is_refused_in_welsh(welsh_booking, client):
    response = client.post(link_path(welsh_booking), {"answer": "maybe"})

    assert response.status_code == 400
    assert response.content.decode() == "Dewiswch un o'r botymau."
    assert response["Content-Language"] == "cy"


def test_a_welsh_witness_stood_down_is_told_in_welsh(welsh_booking, client):
    path = link_path(welsh_booking)
    booking_cancel(actor=None, booking=welsh_booking, reason="Hearing vacated.")

    response = client.get(path)

    words = text(response)
    assert html_lang(response) == "cy"
    assert "Nid oes eich angen mwyach" in words
    assert "Gorsaf Heddlu Bae Caerdydd, Dydd Mercher 24 Mawrth." in words
    assert buttons(response) == []


def test_a_name_with_no_welsh_is_given_in_english_and_marked_so(
    clock, cardiff_hearing, south_wales, client
):
    suite = SuiteFactory(name="Barry Police Station", force=south_wales)  # no name_cy

    response = client.get(link_path(booked(cardiff_hearing, suite, language="cy")))

    assert '<span lang="en-GB">Barry Police Station</span>' in response.content.decode()
    assert "Llys Ynadon Caerdydd" in text(response)


def test_a_confidential_suites_welsh_page_gives_no_address(
    clock, cardiff_hearing, south_wales, client
):
    suite = SuiteFactory(
        name="Witness Suite B",
        name_cy="Ystafell Tystion B",
        force=south_wales,
        address="1 Secret Row, Cardiff",
        postcode="CF99 9ZZ",
        location_confidential=True,
    )

    response = client.get(link_path(booked(cardiff_hearing, suite, language="cy")))

    words = text(response)
    assert "Ystafell Tystion B" in words
    assert "Bydd y tîm gofal tystion yn dweud wrthych sut i gyrraedd yno." in words
    assert "Secret Row" not in words and "CF99" not in words


# --- Both languages, and English --------------------------------------------------------------


def test_a_witness_of_a_force_writing_in_both_gets_welsh_first_and_the_switch_to_english(
    clock, cardiff_hearing, cardiff_suite, client
):
    cardiff_suite.force.default_witness_language = "en_cy"
    cardiff_suite.force.save()
    booking = booked(cardiff_hearing, cardiff_suite, language="")  # has not said
    assert booking.witness.language == "en_cy"
    path = link_path(booking)

    response = client.get(path)

    assert html_lang(response) == "cy"
    assert f"Pryd {WEDNESDAY_IN_WELSH}" in text(response)
    assert switch_link(response)["label"] == "English"
    english = client.get(urljoin(path, switch_link(response)["href"]))
    assert html_lang(english) == "en-GB"
    assert f"When {WEDNESDAY_IN_ENGLISH}" in text(english)


def test_an_english_witness_gets_english_with_welsh_a_link_away(
    clock, cardiff_hearing, cardiff_suite, client
):
    path = link_path(booked(cardiff_hearing, cardiff_suite, language="en"))

    response = client.get(path)

    assert html_lang(response) == "en-GB"
    assert f"When {WEDNESDAY_IN_ENGLISH}" in text(response)
    assert switch_link(response)["href"] == "?lang=cy"
    assert switch_link(response)["lang"] == "cy"
    welsh = client.get(f"{path}?lang=cy")
    assert html_lang(welsh) == "cy"
    assert f"Pryd {WEDNESDAY_IN_WELSH}" in text(welsh)


# --- Links that do not open ---------------------------------------------------------------------


def test_an_expired_link_of_a_welsh_witness_says_so_in_welsh(
    welsh_booking, client, clock, settings
):
    path = link_path(welsh_booking)
    clock.move_to(
        welsh_booking.ends_at + timedelta(days=settings.WITNESS_LINK_DAYS_AFTER_HEARING, hours=1)
    )

    response = client.get(path)

    assert response.status_code == 404
    assert html_lang(response) == "cy"
    words = text(response)
    assert "Mae'r ddolen hon wedi dod i ben neu nid yw'n cael ei hadnabod" in words
    assert f"ffoniwch {settings.WITNESS_CARE_PHONE}" in words
    assert "Caerdydd" not in words
    assert html_lang(client.get(f"{path}?lang=en")) == "en-GB"


@pytest.mark.parametrize(
    ("asked", "lang", "words"),
    [
        ({}, "en-GB", "This link has expired or is not recognised"),
        ({"path": "?lang=cy"}, "cy", "Mae'r ddolen hon wedi dod i ben"),
        (
            {"HTTP_ACCEPT_LANGUAGE": "cy-GB,cy;q=0.9,en;q=0.5"},
            "cy",
            "Mae'r ddolen hon wedi dod i ben",
        ),
        ({"HTTP_ACCEPT_LANGUAGE": "fr, en-GB;q=0.8"}, "en-GB", "This link has expired"),
    ],
    ids=["no-choice", "switch", "browser-welsh", "browser-other"],
)
def test_an_unknown_link_follows_the_switch_else_the_browser(db, client, asked, lang, words):
    asked = dict(asked)
    response = client.get(f"/w/{'A' * 22}/{asked.pop('path', '')}", **asked)

    assert response.status_code == 404
    assert html_lang(response) == lang
    assert words in text(response)
    assert "Accept-Language" in response["Vary"]  # a cache keeps each browser's language apart


def test_too_many_requests_is_said_in_the_language_asked_for(welsh_booking):
    path = link_path(welsh_booking)
    guesser = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(30):
        guesser.get(path)

    refused = guesser.get(f"{path}?lang=cy")

    assert refused.status_code == 429
    assert html_lang(refused) == "cy"
    assert "Arhoswch funud, os gwelwch yn dda" in text(refused)
    assert switch_link(refused)["href"] == "?lang=en"
