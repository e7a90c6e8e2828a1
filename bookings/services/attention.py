"""The attention list: bookings a scheduler must look at (a relist the booking could not
follow, a suite closed over it, a message that will not arrive, a witness who cannot attend).
A flag is raised once per booking and kind, and resolved when dealt with."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import AttentionFlag, Booking, HistoryAction
from .history import booking_event_record


@transaction.atomic
def attention_flag_resolve(*, actor: User | None, flag: AttentionFlag) -> AttentionFlag:
    """A scheduler has dealt with it: it leaves the attention list (and stays in history)."""
    updated = AttentionFlag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )
    if updated:
        booking_event_record(
            booking=flag.booking,
            actor=actor,
            action=HistoryAction.ATTENTION_RESOLVED,
            changes={"attention": (flag.kind, None)},
        )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def attention_flag_raise(*, booking: Booking, kind: str, detail: str, data=None) -> AttentionFlag:
    """Put a booking on the attention list (one open flag per booking and kind)."""
    flag = AttentionFlag.objects.filter(
        booking=booking, kind=kind, resolved_at__isnull=True
    ).first()
    if flag is None:
        flag = AttentionFlag.objects.create(
            booking=booking,
            kind=kind,
            detail=detail[:300],
            data=data or {},
            created_at=timezone.now(),
        )
    return flag
