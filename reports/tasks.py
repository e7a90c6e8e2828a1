from celery import shared_task

from . import selectors, services


@shared_task(ignore_result=True)
def send_weekly_summaries() -> int:
    """Monday 07:00 (beat): each force's summary to that force's recipients only."""
    sent = 0
    for force in selectors.forces_with_recipients():
        sent += services.weekly_summary_send(force=force)
    return sent
