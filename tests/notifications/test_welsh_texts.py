"""Texts in the witness's language (docs/welsh.md): English as it always was, Welsh with Welsh
dates and the suite's Welsh name, or both in one text, Welsh first; every kind of text, in every
language, within its budget of parts as sent, with a link as long as a real one."""

import pytest

from bookings.services import booking_create
from notifications import texts
from notifications.fake_twilio import count_segments
from notifications.models import Kind
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import texts_to

from .conftest import POLICE_ONLY

CONTACT = "01632 960123"
# A base address as long as a real service's: the budgets are measured with it.
REAL_BASE_URL = "https://remote-evidence.service.gov.uk"
LONGEST = ("Littlehampton Community Safety Hub and Neighbourhood Police Office " * 2)[:120]
LONGEST_CY = ("Canolfan Diogelwch Cymunedol a Swyddfa Heddlu'r Gymdogaeth Llanelli " * 2)[:120]
SUITES = {
    # (name, name_cy)
    "realistic": ("Caernarfon Police Station", "Gorsaf Heddlu Caernarfon"),
    "no Welsh name": ("Brighton Police Station", ""),
    "longest": (LONGEST, LONGEST_CY),
    # ŷ is outside GSM-7: Welsh text keeps it and goes as UCS-2.
    "circumflex": ("Llŷn Police Station", "Gorsaf Heddlu Llŷn"),
    "longest with a circumflex": (LONGEST, "Tŷ " + LONGEST_CY[:117]),
}
# What an English witness got before Welsh came: the same, word for word.
ENGLISH_TODAY = {
    Kind.CONFIRMATION: "You are booked to give evidence by video link on Wed 24 Mar at 10:00 at "
    "Brighton Police Station. Please arrive by 09:45. Details: {link} Reply YES to confirm or NO "
    "if you cannot attend. Questions: 01632 960123",
    Kind.CHANGE: "Your video link booking has changed. It is now Wed 24 Mar at 10:00 at Brighton "
    "Police Station. Please arrive by 09:45. Details: {link} Reply YES to confirm or NO if you "
    "cannot attend. Questions: 01632 960123",
    Kind.STAND_DOWN: "You are no longer needed to give evidence on Wed 24 Mar at 10:00 at "
    "Brighton Police Station. Please do not attend. Questions: 01632 960123",
    Kind.REMINDER_AHEAD: "Reminder: you are giving evidence by video link on Wed 24 Mar at 10:00 "
    "at Brighton Police Station. Please arrive by 09:45. Details: {link} Questions: 01632 960123",
    Kind.REMINDER_ON_DAY: "Today you are giving evidence by video link at 10:00 at Brighton "
    "Police Station. Please arrive by 09:45. Details: {link} Questions: 01632 960123",
}
# The Welsh of each text's first words, and of its optional last sentence.
WELSH_OPENING = {
    Kind.CONFIRMATION: "Trefnwyd i chi roi tystiolaeth drwy gyswllt fideo: ",
    Kind.CHANGE: "Mae eich archeb cyswllt fideo wedi newid: ",
    Kind.STAND_DOWN: "Nid oes angen i chi roi tystiolaeth mwyach: ",
    Kind.REMINDER_AHEAD: "Nodyn atgoffa - rhoi tystiolaeth drwy gyswllt fideo: ",
    Kind.REMINDER_ON_DAY: "Heddiw byddwch yn rhoi tystiolaeth drwy gyswllt fideo am 10:00, ",
}
WELSH_REPLY = "Atebwch 1 neu IE i gadarnhau, 2 neu NA os na allwch ddod."
ENGLISH_REPLY = "Reply YES to confirm or NO if you cannot attend."


@pytest.fixture(autouse=True)
def _real_length_links(settings):
    settings.PUBLIC_BASE_URL = REAL_BASE_URL


def full_link() -> str:
    return f"{REAL_BASE_URL}/w/{'A' * 22}/"


def as_sent(text: str) -> str:
    return text.replace(texts.LINK_PLACEHOLDER, full_link())


@pytest.fixture
def make_booking(clock, sussex, hearing):
    def make(language: str, name: str, name_cy: str = "", at_hearing=None):
        suite = SuiteFactory(name=name, name_cy=name_cy, force=sussex, contact_phone=CONTACT)
        witness = WitnessFactory(force=sussex, full_name="Amelia Pond", language=language)
        return booking_create(
            actor=None, hearing=at_hearing or hearing, witness=witness, suite=suite, **POLICE_ONLY
        )

    return make


def budget(language: str, text: str) -> int:
    """The budget docs/welsh.md states: 2 parts in one language, 4 in both; with Welsh in a text
    that goes as UCS-2 (a suite name's ŷ), 5 for Welsh alone and 9 for both."""
    gsm7 = texts.is_gsm7(text)
    return {
        "en": 2,
        "cy": 2 if gsm7 else 5,
        "en_cy": 4 if gsm7 else 9,
    }[language]


def welsh_and_english(text: str) -> tuple[str, str]:
    welsh, english = text.split("\n\n")
    return welsh, english


# --- English: unchanged -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_an_english_witness_gets_the_text_word_for_word_as_before(make_booking, kind):
    booking = make_booking("en", "Brighton Police Station", "Gorsaf Heddlu Brighton")

    assert texts.sms_text(booking, kind).body == ENGLISH_TODAY[kind]


def test_an_english_text_still_drops_accents_gsm7_lacks_even_welsh_ones(make_booking):
    booking = make_booking("en", "Llŷn Police Station", "Gorsaf Heddlu Llŷn")

    text = texts.sms_text(booking, Kind.CONFIRMATION).body

    assert "at Llyn Police Station." in text and texts.is_gsm7(text)


# --- Every kind, every language, within its budget ---------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("language", ["en", "cy", "en_cy"])
@pytest.mark.parametrize("suite", SUITES, ids=str)
def test_every_text_fits_its_budget_and_says_when_where_and_whom_to_ask_in_each_language(
    make_booking, kind, language, suite
):
    name, name_cy = SUITES[suite]
    booking = make_booking(language, name, name_cy)

    text = as_sent(texts.sms_text(booking, kind).body)

    # Counted as the (fake) provider counts them.
    assert count_segments(text) <= budget(language, text), (count_segments(text), text)
    if language == "en_cy":
        welsh, english = welsh_and_english(text)
        parts = {"cy": welsh, "en": english}
    else:
        parts = {language: text}
    for code, part in parts.items():
        if code == "cy":
            assert part.startswith(WELSH_OPENING[kind]), part
            # The Welsh name, or the English one when the suite has none.
            assert f"{name_cy or name}." in part, part
            if kind != Kind.REMINDER_ON_DAY:
                assert "Dydd Mercher 24 Mawrth am 10:00" in part, part
        else:
            assert part.startswith(ENGLISH_TODAY[kind][:30]), part
            assert f"at {texts.plain(name, welsh=language == 'en_cy')}." in part, part
            if kind != Kind.REMINDER_ON_DAY:
                assert "Wed 24 Mar at 10:00" in part, part
        if suite in ("realistic", "no Welsh name"):
            assert CONTACT in part, part  # the optional last sentence: room for it
        if kind != Kind.STAND_DOWN:
            assert full_link() in part, part  # each language has the link: never dropped
    if "Llŷn" not in name_cy and "Tŷ" not in name_cy:
        # The Welsh is worded without letters GSM-7 lacks: only a suite's name costs UCS-2.
        assert texts.is_gsm7(text), text


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("suite", SUITES, ids=str)
def test_the_welsh_last_sentence_is_never_dropped_before_the_english_one(make_booking, kind, suite):
    booking = make_booking("en_cy", *SUITES[suite])

    welsh, english = welsh_and_english(as_sent(texts.sms_text(booking, kind).body))

    welsh_kept = "Cwestiynau: " in welsh
    english_kept = "Questions: " in english
    assert welsh_kept or not english_kept, (welsh, english)


def test_both_languages_in_full_when_they_fit_welsh_first(make_booking):
    booking = make_booking("en_cy", "Caernarfon Police Station", "Gorsaf Heddlu Caernarfon")

    welsh, english = welsh_and_english(as_sent(texts.sms_text(booking, Kind.CONFIRMATION).body))

    assert welsh == (
        "Trefnwyd i chi roi tystiolaeth drwy gyswllt fideo: Dydd Mercher 24 Mawrth am 10:00, "
        f"Gorsaf Heddlu Caernarfon. Dewch erbyn 09:45. Manylion: {full_link()} "
        f"{WELSH_REPLY} Cwestiynau: {CONTACT}"
    )
    assert english == as_sent(ENGLISH_TODAY[Kind.CONFIRMATION]).replace("Brighton", "Caernarfon")
    assert texts.segments(welsh + "\n\n" + english) <= 4


def test_a_welsh_text_keeps_the_circumflex_and_counts_its_parts_as_ucs2(make_booking):
    booking = make_booking("cy", "Llŷn Police Station", "Gorsaf Heddlu Llŷn")

    text = as_sent(texts.sms_text(booking, Kind.CONFIRMATION).body)

    assert "Gorsaf Heddlu Llŷn." in text
    assert not texts.is_gsm7(text)
    # 70 UCS-2 characters in one part, 67 each once split.
    assert texts.segments(text) == -(-len(text) // 67)


def test_welsh_dates_come_from_djangos_welsh_locale_with_july_spelt_right(
    make_booking, court, clock
):
    in_july = HearingFactory(
        court=court, starts_at=london(2027, 7, 5, 14), ends_at=london(2027, 7, 5, 16)
    )
    booking = make_booking("cy", "Caernarfon Police Station", "Gorsaf Heddlu Caernarfon", in_july)

    text = texts.sms_text(booking, Kind.STAND_DOWN).body

    # Django's own Welsh catalogue has "Gorffenaf"; ours corrects it.
    assert "Dydd Llun 5 Gorffennaf am 14:00, Gorsaf Heddlu Caernarfon." in text, text


# --- Through the real send path ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["cy", "en_cy"])
def test_the_witness_receives_the_welsh_text_in_the_parts_it_was_counted_in(
    clock, hearing, sussex, fake_twilio, django_capture_on_commit_callbacks, language
):
    fake_twilio.configure(callbacks_enabled=False)
    suite = SuiteFactory(name="Llŷn Police Station", name_cy="Gorsaf Heddlu Llŷn", force=sussex)
    witness = WitnessFactory(force=sussex, language=language)
    with django_capture_on_commit_callbacks(execute=True):
        booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)

    [received] = texts_to(fake_twilio, witness.phone)
    assert received.startswith(WELSH_OPENING[Kind.CONFIRMATION] + "Dydd Mercher 24 Mawrth")
    assert "Gorsaf Heddlu Llŷn" in received
    if language == "en_cy":
        assert "\n\nYou are booked to give evidence by video link on Wed 24 Mar" in received
    [message] = fake_twilio.messages()
    assert message["segments"] == texts.segments(received) <= budget(language, received)
