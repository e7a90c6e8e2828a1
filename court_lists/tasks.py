"""Celery entry points for court lists: thin, safe to run twice."""

from pathlib import Path

from celery import shared_task
from django.conf import settings

from .inbox import inbox_sweep


@shared_task(ignore_result=True)
def sweep_court_list_inbox() -> int:
    """Every minute (beat): read the lists dropped as files in the folder COURT_LISTS_INBOX
    names (nothing when it is empty), and move each aside, to `processed/` or, with a
    `NAME.reason.txt`, to `refused/`.

    A list is dropped as `NAME.json` with its push headers beside it in `NAME.headers.json`
    (a JSON object: `{"x-list-type": ..., "x-court-id": ..., "x-content-date": ...,
    "x-provenance": ..., "x-language": ...}`); court_lists.inbox says the rest. Returns how many
    lists it took."""
    if not settings.COURT_LISTS_INBOX:
        return 0
    return len(inbox_sweep(Path(settings.COURT_LISTS_INBOX)))
