"""Rows 7 to 12 of the inventory (docs/privacy.md): the messages to and from the witness keep
their kind and status but not where they went or what they said of them, their page's links
go, a number that said STOP stays on the ledger, and their calendar feed stops working."""

import json

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from accounts.models import AuditEntry
from bookings import services
from bookings.models import FeedScope, FeedToken
from notifications.calendar import invite_text
from notifications.inbound import inbound_sms_handle
from notifications.links import witness_link_issue
from notifications.models import Audience, InboundSms, Message, SmsOptOut, Status, WitnessLink
from notifications.opt_outs import is_opted_out

from .conftest import BOOKED_ON, DUE, NATIONAL, PHONE, book, personal, sweep, witness_message

pytestmark = pytest.mark.django_db


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
