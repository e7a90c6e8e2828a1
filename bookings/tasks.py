"""Celery entry points for bookings: thin, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def anonymise_witnesses() -> int:
    """Daily (beat): remove witnesses' personal data a set period after their last hearing."""
    return services.witnesses_anonymise()
