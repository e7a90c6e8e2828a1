"""The outbox model's machinery (tests/notifications/test_outbox_model.py): Twilio and the mail
server failing, workers dying mid-batch or sending slowly while beat sweeps, a scheduler
acting while a text is on its way, the clock moving, and the outbox drained."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from bookings import services
from bookings.models import Booking
from core.errors import DomainError
from notifications import claims, sending, twilio_client
from notifications.models import Channel, Message, Status
from notifications.tasks import sweep_outbox
from tests.notifications.mailbox import FaultyMailbox
from tests.notifications.outbox_model import PROVIDER_FAULTS, SUITES, event


class Machinery:
    """The rules for what happens around the people (mixed into the model, whose state they
    use: `fake`, `clock`, `bookings`, `suites`, `committing`, `contact_changes`...)."""

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
