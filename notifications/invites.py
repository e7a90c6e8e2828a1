"""Invites by email: the calendar invite (or its CANCEL) for the witness or the suite, sent to
their address as it is when it goes, with the notice version plus the link version it was
written for as its SEQUENCE, so a calendar keeps the newest. The witness's is in their language
(`calendar.invite_text`), and its Content-Language says which (both, Welsh first, for `en_cy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from bookings.models import HistoryAction

from .calendar import invite_calendar, invite_languages, invite_text, language_tag
from .history import message_record
from .models import Audience, Kind, Message, Status
from .wanted import addressed


def send(message: Message) -> None:
    """Email the invite; once the mail server took it, the message is sent."""
    booking = message.booking
    # A STAND_DOWN email about a live booking goes to a suite the booking moved away from.
    cancelled = message.kind == Kind.STAND_DOWN
    to = addressed(message)
    suite = message.suite if message.audience == Audience.SUITE else None
    method, ics = invite_calendar(
        booking,
        audience=message.audience,
        attendee=to,
        cancelled=cancelled,
        sequence=message.booking_version + message.link_version,
        suite=suite,
    )
    summary, description = invite_text(booking, message.audience, cancelled=cancelled, suite=suite)
    email = EmailMultiAlternatives(
        # A header is one line, whatever the names in it hold.
        subject=" ".join(summary.split()),
        body=description,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "Content-Language": ", ".join(
                language_tag(language) for language in invite_languages(booking, message.audience)
            )
        },
    )
    # The calendar part says its iTIP method, as RFC 6047 asks; clients act on it.
    email.attach_alternative(ics.decode(), f"text/calendar; method={method}")
    email.attach("invite.ics", ics, "application/ics")
    email.send()
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENT, subject=summary[:200], body=description, sent_at=now, updated_at=now
    )
    message.refresh_from_db()
    message_record(message, HistoryAction.EMAIL_SENT)
