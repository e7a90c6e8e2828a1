"""Writes for accounts."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import IdempotentRequest


def idempotent_requests_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted
