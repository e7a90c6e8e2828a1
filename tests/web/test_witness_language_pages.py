"""Welsh on the staff pages (issue 18): a scheduler says which language a witness is written to
in, when adding them or later on their page, which shows it; a witness who has not said gets
their force's default. The booking page says how many parts each text took."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from bookings.models import Witness
from notifications import links
from notifications.models import Channel, Kind, Message
from tests.factories import ForceFactory, UserFactory, WitnessFactory
from tests.helpers import signed_in, text

from .test_book_pages import new_hearing_and_witness

pytestmark = pytest.mark.django_db

LEGEND = "Language for texts, the witness page and invites"


def language_url(witness) -> str:
    return reverse("web:witness-language", args=[witness.pk])


def checked(response) -> list[str]:
    """The values of the language radios that are chosen."""
    html = response.content.decode()
    return re.findall(r'name="(?:witness_)?language" type="radio" value="(\w+)" checked', html)


def error_summary(response) -> list[tuple[str, str]]:
    """The GOV.UK error summary's lines: (what it says, where it links)."""
    html = response.content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, flags=re.S)
    lines = re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', summary.group(1)) if summary else []
    return [(href, unescape(words)) for href, words in lines]


@pytest.fixture
def gwent(db):
    return ForceFactory(code="gwent", name="Gwent Police", default_witness_language="en_cy")


@pytest.fixture
def gwent_scheduler(gwent):
    return UserFactory(username="gwent.scheduler", role=Role.SCHEDULER, force=gwent)


# --- On the witness's page -----------------------------------------------------------------------


def test_a_scheduler_sets_a_witness_to_welsh_and_their_page_says_so(clock, browser, officer):
    page = text(browser.get(reverse("web:witness", args=[officer.pk])))
    assert "Language English Their texts, booking page and invites Change language" in page

    form = browser.get(language_url(officer))
    assert LEGEND in text(form)
    assert checked(form) == ["en"]
    response = browser.post(language_url(officer), {"language": "cy"})

    assert response.status_code == 302
    shown = browser.get(response.url)
    page = text(shown)
    assert "Amelia Pond is written to in Cymraeg (Welsh)." in page
    assert "Language Cymraeg (Welsh) Their texts, booking page and invites" in page
    # Welsh's own name is marked as Welsh for screen readers
    assert '<span lang="cy">Cymraeg</span> (Welsh)' in shown.content.decode()
    officer.refresh_from_db()
    assert officer.language == "cy"


def test_a_witness_who_has_not_said_shows_their_forces_default(clock, gwent, gwent_scheduler):
    witness = WitnessFactory(force=gwent, full_name="Owain Jenkins")
    client = signed_in(gwent_scheduler)

    page = text(client.get(reverse("web:witness", args=[witness.pk])))
    form = client.get(language_url(witness))

    assert "Language Both, Welsh first" in page
    assert checked(form) == ["en_cy"]
    assert "Gwent Police's default, for witnesses who have not said: Both, Welsh first." in text(
        form
    )
    assert "Each text, the booking page and each invite in Welsh, then in English" in text(form)


@pytest.mark.parametrize("sent", [{}, {"language": "fr"}, {"language": ""}])
def test_no_language_or_one_not_offered_is_asked_for_again(clock, browser, officer, sent):
    response = browser.post(language_url(officer), sent)

    assert response.status_code == 400
    assert "Error: Language" in text(response)  # the page's title says so too
    assert error_summary(response) == [
        ("#id_language_0", "Choose English, Cymraeg (Welsh) or both")
    ]
    assert 'id="id_language-error"' in response.content.decode()
    officer.refresh_from_db()
    assert officer.language == "en"


def test_only_the_witnesss_own_force_changes_their_language(
    clock, officer, kent, suite_manager, court_user
):
    kent_scheduler = UserFactory(role=Role.SCHEDULER, force=kent)
    for user in (kent_scheduler, suite_manager, court_user):
        client = signed_in(user)
        assert client.get(language_url(officer)).status_code == 404
        assert client.post(language_url(officer), {"language": "cy"}).status_code == 404
    officer.refresh_from_db()
    assert officer.language == "en"


def test_an_anonymised_witnesss_language_stays_as_it_was(clock, browser, officer):
    Witness.objects.filter(pk=officer.pk).update(
        full_name="Anonymised witness", anonymised_at=timezone.now()
    )
    officer.refresh_from_db()

    page = browser.get(reverse("web:witness", args=[officer.pk]))
    response = browser.post(language_url(officer), {"language": "cy"})

    assert "Change language" not in text(page)
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#id_language_0", "This witness's details were anonymised.")
    ]
    officer.refresh_from_db()
    assert officer.language == "en"


# --- Adding a witness while booking --------------------------------------------------------------


def test_a_scheduler_adds_a_witness_who_wants_welsh(clock, browser, court, sussex):
    form = browser.get(reverse("web:book"))
    assert LEGEND in text(form)
    assert checked(form) == ["en"]  # Sussex's default, until the witness says otherwise

    response = browser.post(
        reverse("web:book"), new_hearing_and_witness(court, witness_language="cy")
    )

    assert response.status_code == 302
    assert Witness.objects.get(full_name="Donna Noble").language == "cy"


def test_a_gwent_scheduler_adding_a_witness_starts_from_both_languages(
    clock, court, gwent, gwent_scheduler
):
    client = signed_in(gwent_scheduler)

    form = client.get(reverse("web:book"))

    assert checked(form) == ["en_cy"]
    assert "If they have not said, leave Gwent Police's default: Both, Welsh first." in text(form)


def test_a_witness_an_admin_adds_without_a_language_takes_their_forces_default(
    clock, admin_user, court, gwent
):
    client = signed_in(admin_user)
    form = client.get(reverse("web:book"))
    assert checked(form) == []
    assert "If they have not said, choose none: they get their force's default." in text(form)

    response = client.post(
        reverse("web:book"), new_hearing_and_witness(court, witness_force=gwent.pk)
    )

    assert response.status_code == 302
    assert Witness.objects.get(full_name="Donna Noble").language == "en_cy"


def test_a_language_not_offered_is_refused_and_nothing_is_added(clock, browser, court):
    response = browser.post(
        reverse("web:book"), new_hearing_and_witness(court, witness_language="klingon")
    )

    assert response.status_code == 400
    assert ("#id_witness_language_0", "Choose English, Cymraeg (Welsh) or both") in error_summary(
        response
    )
    assert not Witness.objects.filter(full_name="Donna Noble").exists()


# --- The booking page: how many parts each text took --------------------------------------------

#: A text with Welsh in it, 99 characters: its one ŵ makes it UCS-2, 70 characters a part (67
#: each when split).
WELSH = "Ŵ" + "y" * 98


def confirmation(booking) -> Message:
    return Message.objects.get(booking=booking, kind=Kind.CONFIRMATION, channel=Channel.SMS)


def test_the_booking_page_says_how_many_parts_each_text_took(clock, browser, booking):
    sms = confirmation(booking)
    sent_link = links.masked(f"http://testserver/w/{'a' * 22}/")
    # English, with the link as it is kept once sent: 150 characters as the phone gets it
    Message.objects.filter(pk=sms.pk).update(body="x" * 106 + " " + sent_link)
    # Welsh, the link still to come: 99 + 1 + 43 characters in UCS-2
    welsh = Message.objects.create(
        booking=booking,
        booking_version=booking.version,
        kind=Kind.CHANGE,
        channel=Channel.SMS,
        audience=sms.audience,
        recipient=sms.recipient,
        not_before=sms.not_before,
        body=f"{WELSH} {{link}}",
    )

    page = text(browser.get(reverse("web:booking", args=[booking.pk])))

    assert "Booking confirmed SMS to the witness, 1 part" in page
    assert f"{welsh.get_kind_display()} SMS to the witness, 3 parts" in page


def test_a_court_user_is_not_told_how_long_a_text_was(clock, court_user, booking):
    page = text(signed_in(court_user).get(reverse("web:booking", args=[booking.pk])))

    assert "Booking confirmed SMS to the witness" in page
    assert " part" not in page.split("Messages")[-1].split("History")[0]
