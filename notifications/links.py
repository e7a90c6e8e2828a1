"""The link in a witness's SMS: `/w/<token>/`.

The token is unguessable (128 bits from an HMAC of the message with the server's secret), never
the booking id, and only its SHA-256 is stored. Deriving it from the message id means a retried
send carries the very same text, so a retry after a crash can be matched with what the
provider already took instead of being sent twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bookings.models import Booking

from .models import Message, WitnessLink


def _token_for(message: Message) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"witness-link:{message.pk}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def witness_link_issue(*, message: Message) -> str:
    """The URL for this message's link, recording its hash and expiry (once per message)."""
    token = _token_for(message)
    booking = message.booking
    expires_at = booking.ends_at + timedelta(days=settings.WITNESS_LINK_DAYS_AFTER_HEARING)
    WitnessLink.objects.get_or_create(
        token_hash=token_hash(token), defaults={"booking": booking, "expires_at": expires_at}
    )
    return f"{settings.PUBLIC_BASE_URL}/w/{token}/"


def masked(url: str) -> str:
    """The link as stored and shown to staff: enough to recognise, not enough to use."""
    return url[: -len("/") - 18] + "…/"


def booking_for_token(token: str) -> Booking | None:
    """The booking a live link opens, or None for an unknown or expired token."""
    link = (
        WitnessLink.objects.select_related(
            "booking__suite", "booking__hearing__court", "booking__witness"
        )
        .filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        return None
    WitnessLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link.booking


def link_language(token: str) -> str | None:
    """The language of the witness a link was for, live or expired (their page says it has
    expired in their language), or None for a token never issued."""
    return (
        WitnessLink.objects.filter(token_hash=token_hash(token))
        .values_list("booking__witness__language", flat=True)
        .first()
    )
