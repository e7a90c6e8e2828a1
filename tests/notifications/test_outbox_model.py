"""A model of the outbox, hunted for counter-examples by Hypothesis.

A scheduler books, moves, edits, cancels; a court vacates and relists; witnesses change their
number, reply YES, NO, STOP, START; Twilio throttles, fails, takes a text and loses the answer,
refuses a number; the mail server drops and refuses; a worker dies half-way through a batch;
beat sweeps; the clock moves through reminders and quiet hours. Every step runs the real
services and the real sender, through the real twilio SDK to the fake Twilio and through
Django's mail backend. After every step, and after draining the outbox, the promises to
witnesses and suites must hold, in their words:

- every witness with a confirmed booking has received, at their current number, exactly one
  text of its latest news (its confirmation or its latest change), and the last text they had
  about it gives its current time and place; none about a booking after its stand-down;
- no text ever went to a number that was not the witness's current number when it was sent,
  nor to a number that had said STOP; no message was sent twice; a text the provider accepted
  is never sent again;
- every suite that held the booking ends with the right invite: REQUEST at the latest SEQUENCE
  for the current suite, CANCEL for each suite it left (or all, once cancelled); the same for
  the witness's email;
- after draining nothing is pending or sending; every failed message has put its booking on
  the attention list.

CI runs a fixed number of examples (OUTBOX_MODEL_EXAMPLES, OUTBOX_MODEL_STEPS); `make soak`
runs it long and prints what it covered.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bookings import services
from bookings.models import Booking, Court, Hearing, Witness
from core.errors import DomainError
from evidence_suites.models import Force, Suite
from notifications import inbound
from notifications.models import InboundSms, SmsOptOut
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    WitnessFactory,
    london,
)
from tests.notifications.mailbox import FaultyMailbox
from tests.notifications.outbox_model import COVERED, SUITES, WITNESSES, event, number
from tests.notifications.outbox_model.machinery import Machinery
from tests.notifications.outbox_model.promises import Promises

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("OUTBOX_MODEL_EXAMPLES", "150"))
STEPS = int(os.environ.get("OUTBOX_MODEL_STEPS", "30"))
SOAK = bool(os.environ.get("OUTBOX_MODEL_SOAK"))


class Outbox(Machinery, Promises, RuleBasedStateMachine):
    fake = None  # the fake Twilio, set by the test

    def __init__(self):
        super().__init__()
        self._clean_slate()
        self.traveller = time_machine.travel(london(2027, 3, 22, 9), tick=False)
        self.clock = self.traveller.start()
        self.fake.reset()
        self.fake.configure(callbacks_enabled=False)
        self.fake.app_url = "http://127.0.0.1:9"  # replies are handed to the app below
        mail.outbox = []
        FaultyMailbox.faults = []
        force = ForceFactory(code="model", name="Model Police")
        court = CourtFactory(code="model-mc", name="Model Magistrates' Court")
        self.hearings = [
            HearingFactory(court=court, starts_at=london(2027, 3, day, 10)) for day in (24, 25)
        ]
        self.suites = [
            SuiteFactory(force=force, code=f"model-{n}", contact_email=f"suite{n}@suites.example")
            for n in range(SUITES)
        ]
        self.witnesses = [
            WitnessFactory(force=force, phone=number(n, 0), email=f"witness{n}@mail.example")
            for n in range(WITNESSES)
        ]
        self.next_variant = [1] * WITNESSES
        self.bookings: list[int] = []
        self.suites_held: dict[int, set[int]] = {}
        self.news_due: dict[int, bool] = {}
        self.notice_seen: dict[int, int] = {}
        self.texts_checked = 0
        self.opted_out_before: set[str] = set()
        self.broken_suites: set[int] = set()

    def teardown(self):
        try:
            self.drain(everything=True)
            self.check_after_draining()
            COVERED["examples"] += 1
            COVERED["texts taken by Twilio"] += len(self.outbound())
            COVERED["invites emailed"] += len(mail.outbox)
            for status in self.mine().values_list("status", flat=True):
                COVERED[f"message ended {status}"] += 1
        finally:
            self.traveller.stop()

    @staticmethod
    def _clean_slate():
        Booking.objects.all().delete()  # with their messages, history, flags and links
        for model in (Witness, Hearing, Court, Suite, Force, SmsOptOut, InboundSms):
            model.objects.all().delete()

    # --- What people do (what happens around them: Machinery; the promises: Promises) ------

    @contextmanager
    def committing(self, dispatch: bool):
        """A change as a request makes it: on commit its messages go to a worker, unless the
        broker is down (`dispatch` false), when they wait in the outbox for the sweep."""
        with TestCase.captureOnCommitCallbacks(execute=dispatch):
            yield
        self.note_news()

    def note_news(self):
        """Which bookings' news is due to be told: any change to the notice version made while
        the booking was still ahead."""
        for pk, notice, ends_at in Booking.objects.filter(pk__in=self.bookings).values_list(
            "pk", "notice_version", "ends_at"
        ):
            if self.notice_seen.get(pk) != notice:
                self.notice_seen[pk] = notice
                self.news_due[pk] = ends_at > timezone.now()

    def booking(self, index: int) -> Booking | None:
        if not self.bookings:
            return None
        return Booking.objects.get(pk=self.bookings[index % len(self.bookings)])

    def attempt(self, change, name: str):
        try:
            change()
            event(f"{name}: done")
        except DomainError as refusal:
            event(f"{name}: refused ({refusal.code})")

    @rule(
        w=st.integers(0, WITNESSES - 1),
        s=st.integers(0, SUITES - 1),
        h=st.integers(0, 1),
        dispatch=st.booleans(),
    )
    def book(self, w, s, h, dispatch):
        def change():
            with self.committing(dispatch):
                booking = services.booking_create(
                    actor=None,
                    hearing=Hearing.objects.get(pk=self.hearings[h].pk),
                    witness=self.witnesses[w],
                    suite=self.suites[s],
                )
            self.bookings.append(booking.pk)
            self.suites_held[booking.pk] = {booking.suite_id}
            self.note_news()

        self.attempt(change, "book")

    @initialize()
    def two_witnesses_are_booked(self):
        """Each run starts with both witnesses just booked, their news still in the outbox
        (the broker was down): the moment most of the promises are about."""
        for w in range(WITNESSES):
            self.book(w=w, s=w, h=w % 2, dispatch=False)

    @rule(s=st.integers(0, SUITES - 1))
    def a_suite_address_saved_before_addresses_were_checked(self, s):
        """Data no form would take now (a header smuggled into an address): its invites
        cannot be sent, and must not hold up anyone else's messages."""
        Suite.objects.filter(pk=self.suites[s].pk).update(
            contact_email=f"suite{s}@suites.example\nBcc: everyone@x.example"
        )
        self.broken_suites.add(self.suites[s].pk)
        event("bad suite address")

    @precondition(lambda self: self.bookings)
    @rule(
        b=st.integers(0, 20),
        where=st.one_of(
            st.integers(0, SUITES - 1).map(lambda s: ("suite", s)),
            st.sampled_from([-60, -30, 30, 60]).map(lambda m: ("minutes", m)),
        ),
        dispatch=st.booleans(),
    )
    def move(self, b, where, dispatch):
        booking = self.booking(b)
        if where[0] == "suite":
            to = {"suite": self.suites[where[1]]}
        else:
            shift = timedelta(minutes=where[1])
            to = {"starts_at": booking.starts_at + shift, "ends_at": booking.ends_at + shift}

        def change():
            with self.committing(dispatch):
                moved = services.booking_reschedule(actor=None, booking=booking, **to)
            self.suites_held[moved.pk].add(moved.suite_id)

        self.attempt(change, f"move {where[0]}")

    @precondition(lambda self: self.bookings)
    @rule(
        b=st.integers(0, 20),
        note=st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20),
        dispatch=st.booleans(),
    )
    def edit_details(self, b, note, dispatch):
        booking = self.booking(b)

        def change():
            with self.committing(dispatch):
                services.booking_update_details(
                    actor=None,
                    booking=booking,
                    notes=note,
                    needs_supporter=not booking.needs_supporter,
                )

        self.attempt(change, "details")

    @rule(
        w=st.integers(0, WITNESSES - 1),
        what=st.sampled_from(["phone", "phone", "email", "both", "no phone"]),
        dispatch=st.booleans(),
    )
    def change_contact(self, w, what, dispatch):
        with self.committing(dispatch):
            self.contact_changes(w, what)
        event(f"contact change: {what}")

    def contact_changes(self, w: int, what: str) -> None:
        witness = Witness.objects.get(pk=self.witnesses[w].pk)
        fields = {}
        if what in ("phone", "both"):
            fields["phone"] = number(w, self.next_variant[w] % 10)
        if what in ("email", "both"):
            fields["email"] = f"witness{w}.{self.next_variant[w]}@mail.example"
        if what == "no phone":
            fields["phone"] = ""
        self.next_variant[w] += 1
        services.witness_update(witness=witness, **fields)

    @precondition(lambda self: self.bookings)
    @rule(b=st.integers(0, 20), dispatch=st.booleans())
    def cancel(self, b, dispatch):
        booking = self.booking(b)

        def change():
            with self.committing(dispatch):
                services.booking_cancel(actor=None, booking=booking, reason="No longer needed")

        self.attempt(change, "cancel")

    @rule(
        h=st.integers(0, 1),
        what=st.sampled_from(["vacate", "relist"]),
        days=st.sampled_from([-1, 1, 2]),
        hours=st.sampled_from([0, 1]),
        dispatch=st.booleans(),
    )
    def court_changes_the_hearing(self, h, what, days, hours, dispatch):
        hearing = Hearing.objects.get(pk=self.hearings[h].pk)
        shift = timedelta(days=days, hours=hours)

        def change():
            with self.committing(dispatch):
                if what == "vacate":
                    services.hearing_vacate(actor=None, hearing=hearing, reason="Guilty plea")
                    return
                services.hearing_relist(
                    actor=None,
                    hearing=hearing,
                    starts_at=hearing.starts_at + shift,
                    ends_at=hearing.ends_at + shift,
                )

        self.attempt(change, what)

    @rule(w=st.integers(0, WITNESSES - 1), word=st.sampled_from(["YES", "NO", "STOP", "START"]))
    def witness_replies(self, w, word):
        phone = str(Witness.objects.get(pk=self.witnesses[w].pk).phone or "")
        if not phone:
            return
        # Twilio applies STOP and START itself, then hands the text to the app.
        received = self.fake.inbound(from_=phone, body=word)["message"]
        with self.committing(True):
            inbound.inbound_sms_handle(provider_id=received["sid"], from_number=phone, body=word)
        event(f"reply: {word}")


def test_the_outbox_keeps_its_promises_to_witnesses_and_suites(fake_twilio, settings_, caplog):
    Outbox.fake = fake_twilio
    # Replies are handed to the app directly: the fake's own webhook call has nowhere to go.
    caplog.set_level(logging.ERROR, logger="notifications.fake_twilio")
    COVERED.clear()
    try:
        run_state_machine_as_test(
            Outbox,
            settings=hypothesis_settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                derandomize=not SOAK,
                database=None,
                suppress_health_check=list(HealthCheck),
                # Shrinking a failure can take minutes; OUTBOX_MODEL_NO_SHRINK reports it as found.
                phases=[Phase.explicit, Phase.reuse, Phase.generate]
                if os.environ.get("OUTBOX_MODEL_NO_SHRINK")
                else list(Phase),
            ),
        )
    finally:
        if SOAK or os.environ.get("OUTBOX_MODEL_DEBUG"):
            print("\nWhat the outbox model covered:")
            for what, count in sorted(COVERED.items()):
                print(f"  {count:7d}  {what}")


@pytest.fixture
def settings_(settings):
    settings.EMAIL_BACKEND = "tests.notifications.mailbox.FaultyMailbox"
    return settings
