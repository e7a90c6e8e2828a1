"""Celery entry points for the demo: thin, safe to run twice."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .court_lists import pending_deliver


@shared_task(ignore_result=True)
def deliver_demo_court_lists() -> int:
    """While `make run`'s demo runs (beat, every 30 seconds, only when DEMO_COURT_LISTS_PENDING
    is set): the revised court list seed_demo left for later arrives in the watched folder
    (COURT_LISTS_INBOX) once it is due, where the inbox sweep reads it as any list dropped
    there. Returns how many lists it delivered."""
    if not (settings.DEMO_COURT_LISTS_PENDING and settings.COURT_LISTS_INBOX):
        return 0
    delivered = pending_deliver(
        Path(settings.DEMO_COURT_LISTS_PENDING),
        Path(settings.COURT_LISTS_INBOX),
        now=timezone.now(),
    )
    return len(delivered)
