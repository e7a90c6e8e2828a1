"""Witnesses' replies in English or Welsh, through the signed inbound webhook (docs/welsh.md,
"Replies"): 1 or 2, YES or NO, and the answers Welsh speakers give; STOP and START in both
languages; and the answer the witness gets back, in their language."""

from xml.etree import ElementTree

import pytest
from twilio.request_validator import RequestValidator

from bookings import services
from notifications.models import Channel, Message, SmsOptOut, Status
from tests.factories import SuiteFactory, WitnessFactory

pytestmark = pytest.mark.django_db

INBOUND_PATH = "/webhooks/twilio/inbound/"
CONTACT = "01632 960123"
CONFIRMED_CY = (
    "Diolch, rydych wedi cadarnhau y byddwch yn dod: Dydd Mercher 24 Mawrth am 10:00, "
    "Gorsaf Heddlu Caernarfon."
)
CONFIRMED_EN = (
    "Thank you, you have confirmed you will attend on Wed 24 Mar at 10:00 at "
    "Caernarfon Police Station."
)
CANNOT_ATTEND_CY = (
    f"Diolch am roi gwybod i ni. Bydd yr uned gofal tystion mewn cysylltiad. Cwestiynau: {CONTACT}"
)
NOT_UNDERSTOOD_CY = (
    "Mae'n ddrwg gennym, ni wnaethom ddeall. Atebwch 1 neu IE i gadarnhau, 2 neu NA os na "
    f"allwch ddod. Cwestiynau: {CONTACT}"
)


@pytest.fixture
def texted(clock, hearing, sussex):
    """A booking's witness, of `language`, who has had their confirmation."""

    def make(language: str):
        suite = SuiteFactory(
            name="Caernarfon Police Station",
            name_cy="Gorsaf Heddlu Caernarfon",
            force=sussex,
            contact_phone=CONTACT,
        )
        witness = WitnessFactory(force=sussex, language=language)
        return services.booking_create(actor=None, hearing=hearing, witness=witness, suite=suite)

    return make


def text_us(client, settings, phone, body, sid="SM" + "1" * 32) -> str | None:
    """The witness texts `body`; returns the reply they get back (None: no reply)."""
    params = {
        "MessageSid": sid,
        "AccountSid": settings.TWILIO_ACCOUNT_SID,
        "From": str(phone),
        "To": "+447700900000",
        "Body": body,
        "NumMedia": "0",
    }
    url = settings.PUBLIC_BASE_URL + INBOUND_PATH
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, params)
    response = client.post(INBOUND_PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    replies = ElementTree.fromstring(response.content).findall("Message")
    assert len(replies) <= 1
    return replies[0].text if replies else None


def attention_kinds(api) -> list[str]:
    return [item["kind"] for item in api.get("/api/v1/attention/").json()["results"]]


# --- Answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", ["1", "1.", "Ie", "IE diolch", "Byddaf", "Byddaf, diolch", "Ydw", "Oes", "Do.", "Yes"]
)
def test_a_welsh_witness_who_answers_yes_in_either_language_is_confirmed_in_welsh(
    client, settings, texted, answer
):
    booking = texted("cy")

    reply = text_us(client, settings, booking.witness.phone, answer)

    assert reply == CONFIRMED_CY
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is not None


@pytest.mark.parametrize(
    "answer", ["2", "Na", "Nac oes", "Na fyddaf", "Nac ydw", "Naddo", "Na allaf, sori", "NO"]
)
def test_a_welsh_witness_who_cannot_attend_is_heard_and_answered_in_welsh(
    client, settings, texted, api, answer
):
    booking = texted("cy")

    reply = text_us(client, settings, booking.witness.phone, answer)

    assert reply == CANNOT_ATTEND_CY
    assert attention_kinds(api) == ["witness_cannot_attend"]


@pytest.mark.parametrize(
    "question",
    ["Oes angen dod a ID?", "Ydw i angen parcio?", "Do I need ID?", "Y car wedi torri lawr", "10"],
)
def test_a_question_that_opens_with_an_answer_word_answers_nothing(
    client, settings, texted, api, question
):
    # Welsh questions open with the verb its answer repeats ("Oes...?" "Oes."), and "Y" is "the".
    booking = texted("cy")

    reply = text_us(client, settings, booking.witness.phone, question)

    assert reply == NOT_UNDERSTOOD_CY
    booking.refresh_from_db()
    assert booking.witness_confirmed_at is None
    assert attention_kinds(api) == []


def test_a_witness_of_both_languages_is_answered_in_both_welsh_first(client, settings, texted):
    booking = texted("en_cy")

    reply = text_us(client, settings, booking.witness.phone, "1")

    assert reply == f"{CONFIRMED_CY}\n\n{CONFIRMED_EN}"


def test_an_english_witness_is_answered_in_english_as_before_and_numbers_work_too(
    client, settings, texted
):
    booking = texted("en")

    assert text_us(client, settings, booking.witness.phone, "1") == CONFIRMED_EN
    assert text_us(client, settings, booking.witness.phone, "what?", sid="SM" + "2" * 32) == (
        "Sorry, we did not understand. Reply YES to confirm or NO if you cannot attend. "
        f"Questions: {CONTACT}"
    )


# --- Who is answered in which language when there is no booking ------------------------------


def test_a_welsh_witness_without_a_booking_is_told_so_in_welsh(client, settings, sussex):
    witness = WitnessFactory(force=sussex, language="cy")

    reply = text_us(client, settings, witness.phone, "Ie")

    assert reply == (
        "Ni allem ddod o hyd i archeb ar gyfer y rhif hwn. "
        f"Cwestiynau: {settings.WITNESS_CARE_PHONE}"
    )


def test_a_number_we_do_not_know_is_answered_in_both_languages(client, settings, db):
    reply = text_us(client, settings, "+447700900999", "YES")

    assert reply == (
        f"Ni allem ddod o hyd i archeb ar gyfer y rhif hwn. "
        f"Cwestiynau: {settings.WITNESS_CARE_PHONE}\n\n"
        f"We could not find a booking for this number. Questions: {settings.WITNESS_CARE_PHONE}"
    )


@pytest.mark.parametrize("word", ["HELP", "Cymorth"])
def test_help_in_either_language_tells_a_welsh_witness_how_to_stop_in_welsh(
    client, settings, texted, word
):
    booking = texted("cy")

    assert text_us(client, settings, booking.witness.phone, word) == (
        f"Archebion rhoi tystiolaeth drwy gyswllt fideo. Cwestiynau: {CONTACT}. "
        "Atebwch STOPIO i atal negeseuon."
    )


# --- STOP and START in both languages ---------------------------------------------------------


def waiting_texts(phone) -> int:
    return Message.objects.filter(
        recipient=str(phone), channel=Channel.SMS, status=Status.PENDING
    ).count()


def test_stopio_stops_the_texts_and_dechrau_starts_them_answered_in_welsh(client, settings, texted):
    booking = texted("cy")
    phone = booking.witness.phone
    assert waiting_texts(phone)  # the reminders

    stopped = text_us(client, settings, phone, "Stopio")

    # Twilio does not know STOPIO, so it sends no confirmation of its own: we do.
    assert stopped == (
        "Ni fyddwch yn cael rhagor o negeseuon gennym. Atebwch DECHRAU i'w cael eto."
    )
    assert SmsOptOut.objects.get(phone=str(phone)).is_opted_out
    assert waiting_texts(phone) == 0

    started = text_us(client, settings, phone, "DECHRAU", sid="SM" + "2" * 32)

    assert started == "Byddwch yn cael negeseuon gennym eto. Atebwch STOPIO i'w hatal."
    assert not SmsOptOut.objects.get(phone=str(phone)).is_opted_out
    booking.witness.refresh_from_db()
    assert not booking.witness.sms_opt_out


def test_stop_and_start_in_english_still_work_for_a_welsh_witness_and_twilio_answers_them(
    client, settings, texted
):
    booking = texted("cy")
    phone = booking.witness.phone

    assert text_us(client, settings, phone, "STOP") is None  # Twilio confirms its own STOP
    assert SmsOptOut.objects.get(phone=str(phone)).is_opted_out
    assert text_us(client, settings, phone, "START", sid="SM" + "2" * 32) is None
    assert not SmsOptOut.objects.get(phone=str(phone)).is_opted_out
