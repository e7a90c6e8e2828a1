"""Celery entry points: thin, taking ids, safe to run twice."""

from celery import shared_task

from . import claims, court_chase, outbox, sending

#: Messages one task sends. A burst (a collapsed court list: hundreds of stand-down texts) is
#: spread over every worker, and each task pays its claim, load and records once per batch; a
#: worker stopping mid-batch leaves few claims for the sweep's recovery to check with Twilio.
SEND_BATCH = 25


# Acknowledged on receipt, not after: the outbox row, not the broker message, is what makes a
# text survive a crash (a claim left by a dead worker is recovered by the sweep), and Celery
# 5.7 exits when Redis drops while it holds a late-acked message.
@shared_task(acks_late=False, ignore_result=True)
def send_messages(message_ids: list[int]) -> dict[str, int]:
    outcomes = sending.messages_send(message_ids=message_ids)
    retry = {pk: outcome.retry_in for pk, outcome in outcomes.items() if outcome.retry_in}
    if retry and not send_messages.app.conf.task_always_eager:
        send_messages.apply_async((sorted(retry),), countdown=max(retry.values()))
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome.result] = counts.get(outcome.result, 0) + 1
    return counts


@shared_task(acks_late=False, ignore_result=True)
def send_message(message_id: int) -> str:
    """One message (tasks queued before messages went in batches still arrive as these)."""
    (result,) = send_messages(message_ids=[message_id])
    return result


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Every OUTBOX_SWEEP_SECONDS (beat): send what is due and recover what was left behind."""
    due = claims.outbox_sweep()
    if send_messages.app.conf.task_always_eager:
        sending.messages_send(message_ids=due)
    else:
        outbox.enqueue(due)
    return len(due)


#: A court whose day-before email the mail server refused is tried again this often, this many
#: times (until about 16:00); after that it is on the attention list for staff to phone.
CHASE_RETRY_SECONDS, CHASE_RETRIES = 600, 6


@shared_task(ignore_result=True)
def chase_court_video_links(attempt: int = 0) -> dict:
    """15:00 on working days (beat): courts whose bookings for the next sitting day have no
    video link are asked for them (court_chase). Safe to run again the same day."""
    result = court_chase.court_links_chase()
    eager = chase_court_video_links.app.conf.task_always_eager
    if result.failed and attempt < CHASE_RETRIES and not eager:
        chase_court_video_links.apply_async((attempt + 1,), countdown=CHASE_RETRY_SECONDS)
    return {"flagged": result.flagged, "emailed": len(result.emailed)}
