"""Celery entry points: thin, taking ids, safe to run twice."""

from celery import shared_task

from . import sending, services


# Acknowledged on receipt, not after: the outbox row, not the broker message, is what makes a
# text survive a crash (a claim left by a dead worker is recovered by the sweep), and Celery
# 5.7 exits when Redis drops while it holds a late-acked message.
@shared_task(acks_late=False, ignore_result=True)
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
