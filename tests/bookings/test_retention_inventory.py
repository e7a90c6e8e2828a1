"""Every place a witness's personal data lives (docs/privacy.md) is erased on time by the one
retention sweep, or kept for the reason the inventory gives: one test per row, and a year-ahead
run on the demo data that leaves no witness's name, number or email anywhere in the database."""

import json
import logging
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry, IdempotentRequest
from accounts.tasks import purge_idempotency_keys
from bookings import services
from bookings.models import (
    AttentionKind,
    Booking,
    BookingStatus,
    FeedScope,
    FeedToken,
    RetentionRun,
    Witness,
)
from bookings.retention import retention_plan, retention_sweep
from bookings.tasks import anonymise_witnesses
from core.logging import RedactingFilter
from demo import data as demo_data
from notifications.calendar import invite_text
from notifications.inbound import inbound_sms_handle
from notifications.links import witness_link_issue
from notifications.models import (
    Audience,
    Channel,
    InboundSms,
    Message,
    SmsOptOut,
    Status,
    WitnessLink,
)
from notifications.opt_outs import is_opted_out
from tests.factories import HearingFactory, SuiteFactory, WitnessFactory, london
from tests.helpers import every_value

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
NAME, PHONE, NATIONAL, EMAIL = (
    "Amelia Pond",
    "+447700900123",
    "07700 900123",
    "amelia.pond@sussex.police.example",
)
BOOKED_ON = london(2027, 2, 26, 9)
HEARING_STARTS = london(2027, 3, 2, 10)
HEARING_ENDS = london(2027, 3, 2, 13)
#: The night the sweep first finds the witness due: 91 days after their hearing ended.
DUE = HEARING_ENDS + timedelta(days=91)


def sweep(at=DUE):
    with time_machine.travel(at, tick=False):
        return retention_sweep()


def personal(text: str) -> list[str]:
    """What of Amelia's details `text` still holds."""
    found = [NAME, PHONE, "7700900123", "7700 900123", EMAIL, "PC 4123", "Pond"]
    return [term for term in found if term.casefold() in text.casefold()]


@pytest.fixture
def amelia(sussex):
    return WitnessFactory(
        force=sussex,
        full_name=NAME,
        collar_number="PC 4123",
        phone=PHONE,
        email=EMAIL,
    )


@pytest.fixture
def hearing_day(court):
    return HearingFactory(court=court, starts_at=HEARING_STARTS, ends_at=HEARING_ENDS)


@pytest.fixture
def suite_with_email(sussex):
    return SuiteFactory(force=sussex, name="Brighton Suite", contact_email="suite@sussex.example")


def book(hearing, witness, suite, **details) -> Booking:
    with time_machine.travel(BOOKED_ON, tick=False):
        return services.booking_create(
            actor=None, hearing=hearing, witness=witness, suite=suite, **details
        )


@pytest.fixture
def booking(amelia, hearing_day, suite_with_email):
    """Amelia gave evidence on 2 March 2027; she was booked on 26 February."""
    booking = book(hearing_day, amelia, suite_with_email)
    with time_machine.travel(london(2027, 3, 2, 9, 50), tick=False):
        services.booking_check_in(actor=None, booking=booking)
    with time_machine.travel(london(2027, 3, 2, 11), tick=False):
        booking = services.booking_complete(actor=None, booking=booking, outcome="gave_evidence")
    return booking


def witness_message(booking, channel=Channel.SMS) -> Message:
    return Message.objects.filter(
        booking=booking, channel=channel, audience=Audience.WITNESS
    ).first()


# --- The witness's record ------------------------------------------------------------------------


def test_a_witness_is_anonymised_90_days_after_their_last_booking_ends_and_not_before(
    booking, amelia
):
    assert sweep(HEARING_ENDS + timedelta(days=89)).witnesses == 0
    assert Witness.objects.get(pk=amelia.pk).full_name == NAME

    plan = sweep()

    assert plan.counts["witnesses_booked"] == 1
    amelia.refresh_from_db()
    assert (amelia.full_name, amelia.collar_number, str(amelia.phone), amelia.email) == (
        "Anonymised witness",
        "",
        "",
        "",
    )
    assert amelia.anonymised_at == DUE
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == ("completed", "gave_evidence")


def test_a_witness_never_booked_is_anonymised_90_days_after_they_were_last_changed(
    sussex, settings
):
    assert settings.RETENTION_UNBOOKED_DAYS == 90
    with time_machine.travel(london(2027, 1, 4, 9), tick=False):
        witness = services.witness_create(
            full_name=NAME, witness_type="civilian", force=sussex, phone=PHONE, email=EMAIL
        )
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):  # a new email, 56 days on
        services.witness_update(witness=witness, email="amelia@mail.example")

    # 89 days after the change (145 after they were entered): still kept
    assert sweep(london(2027, 5, 29, 9)).witnesses == 0
    assert Witness.objects.get(pk=witness.pk).full_name == NAME

    plan = sweep(london(2027, 6, 1, 9))  # 92 days after the change

    assert plan.counts["witnesses_unbooked"] == 1
    witness.refresh_from_db()
    assert (witness.full_name, str(witness.phone), witness.email) == ("Anonymised witness", "", "")


# --- Bookings, their history, hearings and attention flags ----------------------------------------


def test_a_bookings_notes_and_interpreter_language_go_with_the_witness_history_kept(
    amelia, hearing_day, suite_with_email
):
    booking = book(
        hearing_day,
        amelia,
        suite_with_email,
        notes=f"Call {NAME} on {NATIONAL} first",
        interpreter_language="Welsh",
    )
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_update_details(actor=None, booking=booking, notes="Prefers mornings")
    actions = list(booking.events.values_list("action", flat=True))

    sweep()

    booking.refresh_from_db()
    assert (booking.notes, booking.interpreter_language) == ("", "")
    assert list(booking.events.values_list("action", flat=True)) == actions
    changed = booking.events.get(action="details_changed")
    assert changed.changes["notes"] == ["(anonymised)", "(anonymised)"]
    history = json.dumps(list(booking.events.values_list("changes", flat=True)))
    assert personal(history) == []
    assert "Prefers mornings" not in history


def test_a_stand_down_reason_naming_the_witness_is_cleared_with_them(
    amelia, other_officer, hearing_day, suite_with_email, sussex, court
):
    # given: Amelia is stood down with a reason naming her, then the hearing is vacated with
    # a reason naming her too, which stands Rory down; Rory has a hearing still to come
    mine = book(hearing_day, amelia, suite_with_email)
    rorys = book(hearing_day, other_officer, SuiteFactory(force=sussex))
    later = HearingFactory(
        court=court, starts_at=london(2027, 9, 1, 10), ends_at=london(2027, 9, 1, 13)
    )
    book(later, other_officer, SuiteFactory(force=sussex))
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_cancel(
            actor=None, booking=mine, reason=f"{NAME} on a course; her mobile {NATIONAL}"
        )
        services.hearing_vacate(actor=None, hearing=hearing_day, reason=f"{NAME} unavailable")

    sweep()

    # then: her booking is still cancelled, and says only that its reason was anonymised
    mine.refresh_from_db()
    assert (mine.status, mine.cancellation_reason) == (BookingStatus.CANCELLED, "(anonymised)")
    cancelled = mine.events.get(action="cancelled")
    assert cancelled.changes["cancellation_reason"] == ["", "(anonymised)"]
    # Rory's booking and the hearing keep their reason, without her name
    rorys.refresh_from_db()
    assert rorys.cancellation_reason == "Hearing vacated: (anonymised) unavailable"
    hearing_day.refresh_from_db()
    assert hearing_day.vacated_reason == "(anonymised) unavailable"
    assert personal(json.dumps(list(rorys.events.values_list("changes", flat=True)))) == []
    assert Witness.objects.get(pk=other_officer.pk).full_name == "Rory Williams"


def test_an_attention_flag_naming_the_witness_keeps_its_kind_and_loses_the_name(booking):
    with time_machine.travel(BOOKED_ON, tick=False):
        services.attention_flag_raise(
            booking=booking,
            kind=AttentionKind.WITNESS_CANNOT_ATTEND,
            detail=f"{NAME} rang from {NATIONAL}: she cannot attend",
        )

    sweep()

    flag = booking.flags.get()
    assert flag.kind == AttentionKind.WITNESS_CANNOT_ATTEND
    assert flag.detail == "(anonymised) rang from (anonymised): she cannot attend"


# --- Messages, texts received, links -----------------------------------------------------------


def test_messages_keep_their_kind_and_status_but_not_where_they_went(booking):
    before = list(Message.objects.filter(booking=booking).values_list("kind", "channel", "status"))
    assert Message.objects.filter(booking=booking, recipient=PHONE).exists()

    sweep()

    messages = Message.objects.filter(booking=booking)
    assert list(messages.values_list("kind", "channel", "status")) == before
    assert set(messages.filter(audience=Audience.WITNESS).values_list("recipient", flat=True)) == {
        "(anonymised)"
    }
    # the suite's own address is not personal: its invites keep it
    assert set(messages.filter(audience=Audience.SUITE).values_list("recipient", flat=True)) == {
        "suite@sussex.example"
    }


def test_a_provider_error_holding_the_number_is_cleared(booking):
    text = witness_message(booking)
    Message.objects.filter(pk=text.pk).update(
        status=Status.FAILED,
        error_code="21211",
        status_detail=f"The 'To' number {NATIONAL} is not a valid phone number.",
    )

    sweep()

    text.refresh_from_db()
    assert (text.status, text.error_code, text.status_detail) == (
        Status.FAILED,
        "21211",
        "(anonymised)",
    )


def test_a_suites_invite_no_longer_gives_the_witnesss_initials(booking):
    invite = Message.objects.get(booking=booking, audience=Audience.SUITE, kind="confirmation")
    summary, description = invite_text(booking, "suite")  # what was sent
    Message.objects.filter(pk=invite.pk).update(
        status=Status.SENT, subject=summary, body=description
    )
    assert "initials AP." in description

    sweep()

    invite.refresh_from_db()
    assert "initials (anonymised)." in invite.body
    assert f"Booking {booking.reference}" in invite.body  # the rest is as it was sent


def test_texts_the_witness_sent_us_lose_their_number_and_words(
    amelia, hearing_day, suite_with_email
):
    book(hearing_day, amelia, suite_with_email)
    with time_machine.travel(BOOKED_ON, tick=False):
        inbound_sms_handle(provider_id="SM1", from_number=PHONE, body="NO sorry, Amelia here")

    sweep()

    inbound = InboundSms.objects.get(provider_id="SM1")
    assert (inbound.from_number, inbound.body, inbound.handled_as) == (
        "(anonymised)",
        "(anonymised)",
        "cannot_attend",
    )


def test_the_links_to_the_witnesss_booking_page_are_deleted(booking):
    witness_link_issue(message=witness_message(booking))
    assert WitnessLink.objects.filter(booking=booking).exists()

    sweep()

    assert not WitnessLink.objects.filter(booking=booking).exists()


def test_a_number_that_replied_stop_stays_on_the_opt_out_ledger(booking):
    with time_machine.travel(BOOKED_ON, tick=False):
        inbound_sms_handle(provider_id="SM2", from_number=PHONE, body="STOP")

    sweep()

    # kept, and only the number: no text goes to it until it sends START
    assert list(SmsOptOut.objects.values_list("phone", "is_opted_out", "keyword")) == [
        (PHONE, True, "STOP")
    ]
    assert is_opted_out(PHONE)


# --- Feeds ----------------------------------------------------------------------------------------


def test_an_officers_calendar_feed_stops_working_when_they_are_anonymised_and_its_label_is_gone(
    booking, amelia, admin_user
):
    token = services.feed_token_create(
        actor=admin_user, scope=FeedScope.WITNESS, subject=amelia, label="PC Pond personal iPhone"
    )
    assert Client().get(f"/feeds/{token.secret}.ics").status_code == 200

    plan = sweep()

    assert plan.counts["feeds"] == 1
    assert Client().get(f"/feeds/{token.secret}.ics").status_code == 404
    token.refresh_from_db()
    assert (token.revoked_at, token.label, token.last_user_agent) == (DUE, "", "")
    # nor does the audit log still say whose it was
    about = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(FeedToken), object_id=token.pk
    )
    assert about.exists()
    assert personal(json.dumps(list(about.values("object_repr", "changes")))) == []


# --- The admin's change log and the audit log ---------------------------------------------------


def test_the_admins_change_log_no_longer_names_the_witness(admin_browser, sussex):
    # No phone: the admin's phone field takes only numbers someone owns.
    witness = WitnessFactory(force=sussex, full_name=NAME, collar_number="PC 4123", phone="")
    form = {
        "full_name": NAME,
        "witness_type": witness.witness_type,
        "force": sussex.pk,
        "collar_number": "PC 4123",
        "phone": "",
        "email": EMAIL,
    }
    assert (
        admin_browser.post(f"/admin/bookings/witness/{witness.pk}/change/", form).status_code == 302
    )
    history = f"/admin/bookings/witness/{witness.pk}/history/"
    assert NAME in admin_browser.get(history).content.decode()

    # never booked: due 90 days after that change
    retention_sweep(now=timezone.now() + timedelta(days=91))

    page = admin_browser.get(history).content.decode()
    assert personal(page) == []
    entry = LogEntry.objects.get(object_id=str(witness.pk))
    assert (entry.action_flag, entry.object_repr, entry.change_message) == (
        CHANGE,
        "(anonymised)",
        "",
    )


def test_the_audit_log_keeps_what_happened_but_not_the_witnesss_details(booking, amelia):
    about_her = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Witness), object_id=amelia.pk
    )
    kept = about_her.count()

    sweep()

    log = json.dumps(
        list(
            AuditEntry.objects.values(
                "object_repr", "changes", "serialized_data", "additional_data"
            )
        )
    )
    assert personal(log) == []
    assert about_her.count() == kept + 1
    assert (
        about_her.order_by("timestamp", "id").last().additional_data["event"]
        == "personal data anonymised"
    )


# --- Kept elsewhere, for less time: the mail catcher, logs, saved API replies ------------------


def test_the_mail_catcher_forgets_caught_invites_long_before_witnesses_are_anonymised(settings):
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["services"]["mailpit"]["environment"]
    max_age = environment["MP_MAX_AGE"]  # "${MAILPIT_MAX_AGE:-7d}"
    default = max_age.split(":-", 1)[1].rstrip("}")
    days = int(default[:-1]) / (24 if default.endswith("h") else 1)
    assert days <= 7 < settings.RETENTION_DAYS


def test_a_log_line_quoting_a_witnesss_number_or_email_shows_neither():
    error = RuntimeError(f"{NAME} ({EMAIL}) could not be texted at {NATIONAL}")
    record = logging.LogRecord(
        "notifications", logging.WARNING, __file__, 1, "Not sent: %s (to %s)", (error, PHONE), None
    )

    RedactingFilter().filter(record)

    assert personal(record.getMessage()) == []


def test_a_saved_reply_naming_a_witness_is_gone_two_days_later(scheduler):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        IdempotentRequest.objects.create(
            user=scheduler,
            key="a-retry-key",
            path="/api/v1/witnesses/",
            request_hash="0" * 64,
            response_status=201,
            response_body=json.dumps({"full_name": NAME, "phone": PHONE}),
        )
    with time_machine.travel(london(2027, 3, 3, 10), tick=False):  # 49 hours on: the hourly job
        purge_idempotency_keys()

    assert not IdempotentRequest.objects.exists()


# --- The sweep itself: dry run, record of runs, the daily job -------------------------------------


def test_retention_dry_run_changes_nothing_and_says_what_it_would_do(booking, amelia, admin_user):
    services.feed_token_create(
        actor=admin_user, scope=FeedScope.WITNESS, subject=amelia, label="PC Pond personal iPhone"
    )
    before = every_value()

    out = StringIO()
    with time_machine.travel(DUE, tick=False):
        call_command("retention", "--dry-run", stdout=out)

    assert every_value() == before
    said = out.getvalue()
    assert "dry run" in said and "nothing has been changed" in said
    assert "     1  witnesses whose last booking ended over 90 days ago" in said
    assert "     1  officers' calendar feeds revoked and their labels cleared" in said
    assert "     0  witnesses never booked" in said

    # what the real run then does is what the dry run said
    out = StringIO()
    with time_machine.travel(DUE, tick=False):
        call_command("retention", stdout=out)
    run = RetentionRun.objects.get()
    assert (
        out.getvalue()
        .split("Changed:\n", 1)[1]
        .startswith(said.split("A run now would change:\n", 1)[1].rsplit("\n", 1)[0])
    )
    assert (run.at, run.via, run.counts["witnesses_booked"]) == (DUE, "manage.py retention", 1)
    assert Witness.objects.get(pk=amelia.pk).full_name == "Anonymised witness"


def test_admins_see_the_last_runs_counts(booking, admin_browser):
    retention_sweep(now=DUE - timedelta(days=30))  # nobody due yet
    retention_sweep(now=DUE)

    listing = admin_browser.get("/admin/bookings/retentionrun/")
    assert listing.status_code == 200
    [last, first] = RetentionRun.objects.all()  # newest first
    assert last.counts["witnesses_booked"] == 1 and first.counts["witnesses_booked"] == 0
    page = admin_browser.get(f"/admin/bookings/retentionrun/{last.pk}/change/").content.decode()
    assert "1  witnesses whose last booking ended over 90 days ago" in page
    assert 'name="_save"' not in page  # a record: read-only
    assert retention_plan(now=DUE).witnesses == 0  # and a second run would find nobody


def test_the_daily_job_runs_the_same_sweep_and_records_its_run(
    booking, amelia, admin_user, settings
):
    assert settings.CELERY_BEAT_SCHEDULE["anonymise-witnesses"]["task"] == (
        "bookings.tasks.anonymise_witnesses"
    )
    token = services.feed_token_create(
        actor=admin_user, scope=FeedScope.WITNESS, subject=amelia, label="PC Pond personal iPhone"
    )

    with time_machine.travel(DUE, tick=False):
        assert anonymise_witnesses.delay().get() == 1

    token.refresh_from_db()
    assert token.revoked_at == DUE
    run = RetentionRun.objects.get()
    assert (run.via, run.counts["witnesses_booked"], run.counts["feeds"]) == ("daily job", 1, 1)


def test_witnesses_anonymised_before_the_sweep_existed_are_tidied_on_its_first_run(
    amelia, hearing_day, suite_with_email, admin_user
):
    # given: what the old job left: her record blanked, her feed live, her reason kept
    booking = book(hearing_day, amelia, suite_with_email)
    token = services.feed_token_create(
        actor=admin_user, scope=FeedScope.WITNESS, subject=amelia, label="PC Pond personal iPhone"
    )
    with time_machine.travel(BOOKED_ON, tick=False):
        services.booking_cancel(actor=None, booking=booking, reason=f"{NAME} is on leave")
    Witness.objects.filter(pk=amelia.pk).update(
        full_name="Anonymised witness", collar_number="", phone="", email="", anonymised_at=DUE
    )

    plan = sweep(DUE + timedelta(days=1))

    assert (plan.witnesses, plan.counts["witnesses_earlier"], plan.counts["feeds"]) == (0, 1, 1)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.label == ""
    booking.refresh_from_db()
    assert booking.cancellation_reason == "(anonymised)"
    assert sweep(DUE + timedelta(days=2)).counts["witnesses_earlier"] == 0  # once only


# --- A year ahead on the demo data ----------------------------------------------------------------


def demo_terms() -> dict[str, list[str]]:
    """Each demo witness's name, collar number, email and phone number in the forms it is
    written (+447700900101, 07700 900101, 07700900101, +44 7700 900101)."""
    terms = {}
    for row in demo_data.WITNESSES:
        national = f"7700900{row.phone_suffix:03d}"
        terms[row.full_name] = [
            row.full_name,
            national,
            f"{national[:4]} {national[4:]}",
            *([row.collar_number] if row.collar_number else []),
            *([row.email] if row.email else []),
        ]
    return terms


def test_a_year_ahead_no_demo_witnesss_name_number_or_email_is_left_anywhere(admin_user):
    # given: the demo data, with a copy of each witness's details in every place the
    # inventory lists (the demo itself writes only bookings, history, messages and audit)
    wednesday = london(2027, 3, 24, 12, 30)
    with time_machine.travel(wednesday, tick=True):
        call_command("seed_demo", "--not-production", stdout=StringIO())  # DEBUG is off
        witnesses = list(Witness.objects.order_by("pk"))
        assert {w.full_name for w in witnesses} == {row.full_name for row in demo_data.WITNESSES}
        for witness in witnesses:
            details = f"{witness.full_name}, {witness.phone.as_national}, {witness.email}"
            booking = witness.bookings.order_by("-starts_at").first()
            if witness.witness_type == "police_officer":
                services.feed_token_create(
                    actor=admin_user,
                    scope=FeedScope.WITNESS,
                    subject=witness,
                    label=f"{witness.collar_number} {witness.full_name} personal iPhone",
                )
            LogEntry.objects.log_actions(
                admin_user.pk, [witness], CHANGE, change_message=f"Checked {details}"
            )
            if booking is None:
                continue
            services.booking_update_details(
                actor=None, booking=booking, notes=f"Call {details}", interpreter_language="Welsh"
            )
            services.attention_flag_raise(
                booking=booking, kind=AttentionKind.WITNESS_CANNOT_ATTEND, detail=f"Rang {details}"
            )
            witness_link_issue(message=witness_message(booking))
            Message.objects.filter(booking=booking, audience=Audience.WITNESS).update(
                status=Status.FAILED, status_detail=f"Twilio: {witness.phone} is unreachable"
            )
            Message.objects.filter(booking=booking, audience=Audience.SUITE).update(
                body=invite_text(booking, "suite")[1]
            )
            inbound_sms_handle(
                provider_id=f"SM{witness.pk}", from_number=str(witness.phone), body=f"NO {details}"
            )
            if booking.status == BookingStatus.CONFIRMED:
                services.booking_cancel(actor=None, booking=booking, reason=f"Off sick: {details}")
        listed = (
            Booking.objects.filter(status=BookingStatus.CONFIRMED, hearing__status="listed")
            .select_related("hearing", "witness")
            .first()
        )
        services.hearing_vacate(
            actor=None, hearing=listed.hearing, reason=f"{listed.witness.full_name} withdrew"
        )

    # when: the sweep runs a year later
    with time_machine.travel(wednesday + timedelta(days=365), tick=False):
        plan = retention_sweep()

    # then: every witness is anonymised, and no text anywhere holds their details
    assert plan.witnesses == len(demo_data.WITNESSES)
    values = every_value()
    tables = {table for table, _, _ in values}
    assert {"django_admin_log", AuditEntry._meta.db_table, "bookings_bookingevent"} <= tables
    left = [
        (table, column, whose, term)
        for table, column, value in values
        for whose, terms in demo_terms().items()
        for term in terms
        if term.casefold() in value.casefold()
    ]
    assert left == []
