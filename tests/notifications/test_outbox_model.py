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
from collections import Counter
from contextlib import contextmanager, suppress
from datetime import datetime, time, timedelta

import pytest
import time_machine
import vobject
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, Phase
from hypothesis import event as hypothesis_event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bookings import services
from bookings.calendar import booking_uid
from bookings.models import (
    AttentionFlag,
    Booking,
    BookingStatus,
    Court,
    Hearing,
    Witness,
)
from core.clock import local
from core.errors import DomainError
from evidence_suites.models import Force, Suite
from notifications import claims, inbound, opt_outs, sending, twilio_client
from notifications.models import (
    REACHED_STATUSES,
    REMINDER_KINDS,
    Audience,
    Channel,
    InboundSms,
    Kind,
    Message,
    SmsOptOut,
    Status,
)
from notifications.tasks import sweep_outbox
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    WitnessFactory,
    london,
)
from tests.notifications.mailbox import FaultyMailbox

pytestmark = pytest.mark.django_db

#: What the runs covered, printed by `make soak` (and with OUTBOX_MODEL_DEBUG set).
COVERED: Counter[str] = Counter()


def event(what: str) -> None:
    COVERED[what] += 1
    with suppress(InvalidArgument):  # a step replayed by hand, outside Hypothesis
        hypothesis_event(what)


EXAMPLES = int(os.environ.get("OUTBOX_MODEL_EXAMPLES", "150"))
STEPS = int(os.environ.get("OUTBOX_MODEL_STEPS", "30"))
SOAK = bool(os.environ.get("OUTBOX_MODEL_SOAK"))

WITNESSES, SUITES = 2, 3
NEWS_KINDS = (Kind.CONFIRMATION, Kind.CHANGE)
PROVIDER_FAULTS = ("429", "500", "503", "lost_answer", "21211", "21610")


def number(witness: int, variant: int) -> str:
    """Each witness's numbers are their own (Ofcom's drama range): a text's number says whose."""
    return f"+4477009001{witness}{variant}"


class Outbox(RuleBasedStateMachine):
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

    # --- Doing things ---------------------------------------------------------------------

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

    @rule(fault=st.sampled_from([*PROVIDER_FAULTS, "smtp disconnect", "smtp refuse"]))
    def something_fails_next(self, fault):
        """Twilio (429, 5xx, a text taken and its answer lost, a number refused as invalid or
        unsubscribed) or the mail server (dropping the connection, refusing the recipient)
        fails the next message."""
        if fault.startswith("smtp "):
            FaultyMailbox.faults.append(fault.removeprefix("smtp "))
        else:
            self.fake.configure(fail_next=[*self.fake.switches.fail_next, fault])
        event(f"fault: {fault}")

    @contextmanager
    def while_twilio_takes_each_text(self, during):
        """Run `during(n, to)` while the n-th text of this step is on its way to Twilio (to the
        number `to`): after the worker's last look at the message, before Twilio has it."""
        real_send, count = twilio_client.send_sms, [0]

        def send(**kwargs):
            count[0] += 1
            during(count[0], kwargs["to"])
            return real_send(**kwargs)

        twilio_client.send_sms = send
        try:
            yield
        finally:
            twilio_client.send_sms = real_send

    def due(self) -> list[int]:
        return list(
            self.mine()
            .filter(status=Status.PENDING, not_before__lte=timezone.now())
            .values_list("pk", flat=True)
        )

    @rule(after=st.integers(0, 3))
    def worker_dies_mid_batch(self, after):
        """A worker takes everything due and is killed after Twilio took `after` texts."""

        def die(n, _to):
            if n > after:
                raise SystemExit("worker killed")

        try:
            with self.while_twilio_takes_each_text(die), self.a_task():
                sending.messages_send(message_ids=self.due())
            event("worker died: batch finished first")
        except SystemExit:
            event("worker died mid-batch")

    @rule(seconds=st.sampled_from([5, 50, 100]))
    def twilio_answers_slowly_while_beat_sweeps(self, seconds):
        """Each text takes this worker `seconds` (up to the slowest send the timeouts allow,
        as the system check bounds it); meanwhile beat sweeps, and a second worker sends
        whatever it is handed at once."""
        nested = []

        def slow(n, _to):
            if nested:  # the second worker's sends take no time of their own here
                return
            self.clock.shift(timedelta(seconds=seconds))
            if n <= 3:
                nested.append(n)
                try:
                    with self.a_task():
                        sweep_outbox()
                finally:
                    nested.pop()

        with self.while_twilio_takes_each_text(slow), self.a_task():
            sending.messages_send(message_ids=self.due())
        event(f"slow Twilio: {seconds} s a text")

    @precondition(lambda self: self.bookings)
    @rule(
        b=st.integers(0, 20),
        what=st.sampled_from(["cancel", "cancel", "move suite", "contact"]),
        dispatch=st.booleans(),
    )
    def scheduler_acts_while_a_text_is_on_its_way(self, b, what, dispatch):
        """A scheduler cancels or moves the booking whose text a worker is handing to Twilio
        at that moment, or corrects its witness's email (numbers are left alone: one changed in
        that instant is the one residual race, documented in the README)."""
        done = []

        def act(n, to):
            if done:
                return
            done.append(n)
            in_flight = Message.objects.filter(
                status=Status.SENDING, channel=Channel.SMS, recipient=to
            ).values_list("booking", flat=True)
            booking = Booking.objects.filter(pk__in=list(in_flight)).first() or self.booking(b)
            try:
                with self.committing(dispatch):
                    if what == "cancel":
                        services.booking_cancel(actor=None, booking=booking, reason="Not needed")
                    elif what == "move suite":
                        moved = services.booking_reschedule(
                            actor=None,
                            booking=booking,
                            suite=self.suites[(self.suites.index(booking.suite) + 1) % SUITES],
                        )
                        self.suites_held[moved.pk].add(moved.suite_id)
                    else:
                        self.contact_changes(self.witness_index(booking), "email")
                event(f"while sending: {what}")
            except DomainError as refusal:
                event(f"while sending: {what} refused ({refusal.code})")

        with self.while_twilio_takes_each_text(act), self.a_task():
            sending.messages_send(message_ids=self.due())

    def witness_index(self, booking: Booking) -> int:
        return [w.pk for w in self.witnesses].index(booking.witness_id)

    @contextmanager
    def a_task(self):
        """A Celery task: an exception ends the task (Celery logs it), not the service; what
        it left behind is for the sweep."""
        try:
            yield
        except Exception as error:
            event(f"a task raised {type(error).__name__}")

    @rule()
    def beat_sweeps(self):
        with self.a_task():
            sweep_outbox()

    @rule(minutes=st.sampled_from([1, 3, 20, 90, 12 * 60, 24 * 60]))
    def time_passes(self, minutes):
        self.clock.shift(timedelta(minutes=minutes))
        self.note_news()

    @rule()
    def outbox_drains(self):
        self.drain(everything=False)
        self.check_after_draining()

    # --- Draining ------------------------------------------------------------------------

    def mine(self):
        return Message.objects.filter(booking__in=self.bookings)

    def drain(self, *, everything: bool):
        """Let the sweep and the clock run until nothing is left to send: every retry, every
        stale claim (and, with `everything`, every reminder still ahead)."""
        FaultyMailbox.faults = []
        self.fake.configure(fail_next=[])
        for _round in range(60):
            with self.a_task():
                sweep_outbox()
            if self.mine().filter(status=Status.SENDING).exists():
                self.clock.shift(claims.STALE_CLAIM + timedelta(seconds=1))
                continue
            waiting = self.mine().filter(status=Status.PENDING).order_by("not_before").first()
            if waiting is None:
                return
            if waiting.not_before > timezone.now() + timedelta(minutes=16) and not everything:
                return
            self.clock.move_to(max(waiting.not_before, timezone.now()) + timedelta(seconds=1))
            self.note_news()
        raise AssertionError("the outbox did not drain")

    # --- The promises --------------------------------------------------------------------

    def outbound(self) -> list[dict]:
        """Every text Twilio took, oldest first."""
        return [m for m in reversed(self.fake.messages()) if m["direction"] == "outbound-api"]

    def whose(self, phone: str) -> Witness:
        witness_index = int(phone[-2])
        return Witness.objects.get(pk=self.witnesses[witness_index].pk)

    @invariant()
    def texts_go_only_to_the_witness_current_number_and_never_after_stop(self):
        # Checked after every step, against the numbers as they are after it: no step changes
        # a number after sending, and a STOP is a step of its own, so the ledger as it stood
        # before the step is what the texts sent in it had to respect.
        texts = self.outbound()
        for text in texts[self.texts_checked :]:
            witness = self.whose(text["to"])
            assert text["to"] == str(witness.phone), (
                f"a text went to {text['to']}, which is not the witness's number now "
                f"({witness.phone or 'none'}): {text['body']!r}"
            )
            assert text["to"] not in self.opted_out_before, (
                f"a text went to {text['to']}, which had said STOP: {text['body']!r}"
            )
        self.texts_checked = len(texts)
        self.opted_out_before = set(
            SmsOptOut.objects.filter(is_opted_out=True).values_list("phone", flat=True)
        )

    @invariant()
    def no_text_is_sent_twice(self):
        recorded = list(
            self.mine()
            .filter(channel=Channel.SMS)
            .exclude(provider_id="")
            .values_list("provider_id", flat=True)
        )
        assert len(recorded) == len(set(recorded)), "one Twilio message recorded for two texts"
        taken = [text["sid"] for text in self.outbound()]
        assert len(taken) == len(set(taken))

    def check_after_draining(self):
        mine = self.mine()
        assert not mine.filter(status=Status.SENDING).exists(), "a message is stuck sending"
        assert not mine.filter(status=Status.PENDING, not_before__lte=timezone.now()).exists()
        for failed in mine.filter(status__in=[Status.FAILED, Status.UNDELIVERED]):
            assert AttentionFlag.objects.filter(
                booking=failed.booking_id, kind="message_failed"
            ).exists(), f"{failed} failed and nobody was told"
        # No reminder woke anybody: none went in quiet hours (21:00 to 08:00, London).
        reminders = set(mine.filter(kind__in=REMINDER_KINDS).values_list("provider_id", flat=True))
        for text in self.outbound():
            if text["sid"] in reminders:
                at = local(datetime.fromisoformat(text["date_created"]))
                assert time(8) <= at.time() < time(21), f"a reminder went at {at:%a %H:%M}"
        # Every text Twilio took is recorded against exactly one message: none went twice.
        taken = [text["sid"] for text in self.outbound()]
        recorded = set(
            mine.filter(channel=Channel.SMS)
            .exclude(provider_id="")
            .values_list("provider_id", flat=True)
        )
        unaccounted = [t for t in self.outbound() if t["sid"] not in recorded]
        assert not unaccounted, (
            f"Twilio took texts no message accounts for: {[t['body'] for t in unaccounted]}; "
            + str(
                list(
                    mine.filter(channel=Channel.SMS).values_list(
                        "pk",
                        "kind",
                        "booking_version",
                        "copy",
                        "recipient",
                        "status",
                        "status_detail",
                        "attempts",
                        "provider_id",
                    )
                )
            )
        )
        assert sorted(taken) == sorted(recorded)
        for pk in self.bookings:
            booking = Booking.objects.select_related("suite", "witness").get(pk=pk)
            if not self.news_due.get(pk):
                continue
            self.check_texts(booking)
            self.check_invites(booking)

    def check_texts(self, booking: Booking):
        by_sid = {
            m.provider_id: m
            for m in Message.objects.filter(booking=booking, channel=Channel.SMS).exclude(
                provider_id=""
            )
        }
        about = [(text, by_sid[text["sid"]]) for text in self.outbound() if text["sid"] in by_sid]
        kinds = [message.kind for _text, message in about]
        if Kind.STAND_DOWN in kinds:
            assert kinds.index(Kind.STAND_DOWN) == len(kinds) - 1, (
                f"a text about {booking.reference} came after its stand-down: {kinds}"
            )
        phone = str(booking.witness.phone or "")
        if booking.status != BookingStatus.CONFIRMED or not phone:
            return
        latest = Message.objects.filter(
            booking=booking,
            channel=Channel.SMS,
            kind__in=NEWS_KINDS,
            booking_version=booking.notice_version,
        )
        reached = latest.filter(recipient=phone, status__in=REACHED_STATUSES)
        undeliverable = opt_outs.is_opted_out(phone) or (
            latest.filter(status__in=[Status.FAILED, Status.UNDELIVERED]).exists()
            or latest.filter(status=Status.SUPPRESSED, status_detail=opt_outs.OPTED_OUT).exists()
        )
        if undeliverable and not reached.exists():
            event("news not delivered: opted out, or failed and flagged")
            return
        at_current = [
            text
            for text, message in about
            if text["to"] == phone and message.pk in {m.pk for m in latest}
        ]
        assert len(at_current) == 1, (
            f"{booking.reference}: {len(at_current)} texts of its latest news at {phone}: "
            f"{[t['body'] for t in at_current]}; its texts: {self.story(booking)}"
        )
        start = local(booking.starts_at)
        when = f"{start:%a} {start.day} {start:%b} at {start:%H:%M} at {booking.suite.name}"
        assert when in at_current[0]["body"], (at_current[0]["body"], when)
        last = [text for text, _message in about if text["to"] == phone][-1]
        assert f"{start:%H:%M} at {booking.suite.name}" in last["body"], (
            f"the last text about {booking.reference} gives an old time or place: "
            f"{last['body']!r}, not {when}"
        )

    @staticmethod
    def story(booking: Booking) -> list[tuple]:
        """The booking's texts as the outbox has them, for a failure's message."""
        return list(
            Message.objects.filter(booking=booking, channel=Channel.SMS)
            .order_by("pk")
            .values_list(
                "kind",
                "booking_version",
                "copy",
                "recipient",
                "status",
                "status_detail",
                "attempts",
            )
        )

    def check_invites(self, booking: Booking):
        uid = booking_uid(booking)
        failed = Message.objects.filter(
            booking=booking, channel=Channel.EMAIL, status=Status.FAILED
        )
        cancelled = booking.status == BookingStatus.CANCELLED
        current_suite = booking.suite.contact_email
        for suite in Suite.objects.filter(pk__in=self.suites_held.get(booking.pk, ())):
            if failed.filter(audience=Audience.SUITE).exists():
                event("invite not delivered: failed (flagged)")
                break
            if suite.pk in self.broken_suites:
                continue  # its mailbox cannot be reached any more: those invites fail, flagged
            final = self.final_invite(suite.contact_email, uid)
            if suite.contact_email == current_suite and not cancelled:
                assert final == ("REQUEST", booking.notice_version), (
                    f"{booking.reference}: its suite's calendar has {final}, not REQUEST at "
                    f"SEQUENCE {booking.notice_version}"
                )
            elif final is not None:
                assert final[0] == "CANCEL", (
                    f"{booking.reference}: {suite.contact_email}'s calendar still holds it "
                    f"({final})"
                )
        email = booking.witness.email
        if email and not failed.filter(audience=Audience.WITNESS).exists():
            final = self.final_invite(email, uid)
            if cancelled:
                assert final is None or final[0] == "CANCEL", final
            else:
                assert final == ("REQUEST", booking.notice_version), (
                    f"{booking.reference}: the witness's calendar has {final}"
                )

    @staticmethod
    def final_invite(address: str, uid: str) -> tuple[str, int] | None:
        """What a calendar holds after reading its invites in order: the highest SEQUENCE
        wins, and of two with the same SEQUENCE the later."""
        final = None
        for email in mail.outbox:
            if email.to != [address]:
                continue
            (ics,) = [content for _name, content, _type in email.attachments]
            calendar = vobject.readOne(ics.decode() if isinstance(ics, bytes) else ics)
            if calendar.vevent.uid.value != uid:
                continue
            invite = (calendar.method.value, int(calendar.vevent.sequence.value))
            if final is None or invite[1] >= final[1]:
                final = invite
        return final


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
