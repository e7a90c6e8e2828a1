"""Celery entry points: thin, taking ids, safe to run twice."""

from celery import shared_task

from . import sending, services


@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id: int) -> str:
    outcome = sending.message_send(message_id=message_id)
    if outcome.retry_in is not None and not send_message.app.conf.task_always_eager:
        send_message.apply_async((message_id,), countdown=outcome.retry_in)
    return outcome.result


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Every OUTBOX_SWEEP_SECONDS (beat): send what is due and recover what was left behind."""
    due = sending.outbox_sweep()
    if send_message.app.conf.task_always_eager:
        for message_id in due:
            sending.message_send(message_id=message_id)
    else:
        services.enqueue(due)
    return len(due)
