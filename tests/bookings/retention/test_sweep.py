"""The retention sweep itself (docs/privacy.md): a dry run changes nothing and says what a run
would, each run is recorded and admins see its counts, the daily job runs the same sweep, and
a year ahead on the demo data no demo witness's name, number or email is left anywhere."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command

from accounts.models import AuditEntry
from bookings import services
from bookings.models import AttentionKind, Booking, BookingStatus, FeedScope, RetentionRun, Witness
from bookings.retention import retention_plan, retention_sweep
from bookings.tasks import anonymise_witnesses
from demo import data as demo_data
from notifications.calendar import invite_text
from notifications.inbound import inbound_sms_handle
from notifications.links import witness_link_issue
from notifications.models import Audience, Message, Status
from tests.factories import london
from tests.helpers import every_value

from .conftest import BOOKED_ON, DUE, NAME, book, sweep, witness_message

pytestmark = pytest.mark.django_db


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
