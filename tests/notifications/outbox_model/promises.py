"""The outbox model's promises (tests/notifications/test_outbox_model.py, whose docstring says
them in words), checked after every step and after draining."""

from __future__ import annotations

from datetime import datetime, time

import vobject
from django.core import mail
from django.utils import timezone
from hypothesis.stateful import invariant

from bookings.calendar import booking_uid
from bookings.models import AttentionFlag, Booking, BookingStatus, Witness
from core.clock import local
from evidence_suites.models import Suite
from notifications import opt_outs
from notifications.models import (
    REACHED_STATUSES,
    REMINDER_KINDS,
    Audience,
    Channel,
    Kind,
    Message,
    SmsOptOut,
    Status,
)
from tests.notifications.outbox_model import NEWS_KINDS, TEXT_COLUMNS, event


class Promises:
    """The invariants and the checks after draining (mixed into the model, whose state they
    read: `fake`, `bookings`, `news_due`, `suites_held`, `broken_suites`...)."""

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
                    mine.filter(channel=Channel.SMS).values_list("pk", *TEXT_COLUMNS, "provider_id")
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
            .values_list(*TEXT_COLUMNS)
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
