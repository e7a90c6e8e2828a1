"""Notifications' side of the booking events (`bookings.events`): each one becomes the texts,
invites and reminders its service in `notifications.outbox` writes to the outbox."""

from django.dispatch import receiver

from bookings import events
from bookings.models import Witness

from . import court_chase, opt_outs, outbox, retention


@receiver(events.booking_confirmed, dispatch_uid="notifications.booking_confirmed")
def _booking_confirmed(sender, *, booking, **kwargs):
    outbox.booking_confirmed(booking=booking)


@receiver(events.booking_changed, dispatch_uid="notifications.booking_changed")
def _booking_changed(sender, *, booking, previous_suite=None, **kwargs):
    outbox.booking_changed(booking=booking, previous_suite=previous_suite)


@receiver(events.booking_cancelled, dispatch_uid="notifications.booking_cancelled")
def _booking_cancelled(sender, *, booking, **kwargs):
    outbox.booking_cancelled(booking=booking)


@receiver(events.booking_video_link_changed, dispatch_uid="notifications.booking_video_link")
def _booking_video_link_changed(sender, *, booking, **kwargs):
    outbox.booking_link_changed(booking=booking)
    court_chase.link_arrived(booking=booking)


@receiver(events.witness_contact_changed, dispatch_uid="notifications.witness_contact_changed")
def _witness_contact_changed(sender, *, witness, channels, **kwargs):
    if "sms" in channels:
        # A new number's opt-out state is the ledger's (a STOP sent from it before still holds).
        number = witness.sms_number
        opted_out = bool(number) and opt_outs.is_opted_out(number)
        if opted_out != witness.sms_opt_out:
            witness.sms_opt_out = opted_out
            Witness.objects.filter(pk=witness.pk).update(sms_opt_out=opted_out)
    outbox.witness_contact_changed(witness=witness, channels=channels)


@receiver(events.witness_language_changed, dispatch_uid="notifications.witness_language")
def _witness_language_changed(sender, *, witness, **kwargs):
    outbox.witness_language_changed(witness=witness)


@receiver(events.witness_anonymising, dispatch_uid="notifications.witness_anonymising")
def _witness_anonymising(sender, *, witness_id, phone, email, scrub, dry_run, **kwargs):
    return retention.witness_messages_anonymise(
        witness_id=witness_id, phone=phone, email=email, scrub=scrub, dry_run=dry_run
    )
