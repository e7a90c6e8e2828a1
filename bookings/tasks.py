"""Celery entry points for bookings: thin, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def anonymise_witnesses() -> int:
    """Daily (beat): the retention sweep (bookings.retention, docs/privacy.md), recorded as a
    RetentionRun the admin lists."""
    return services.witnesses_anonymise()
