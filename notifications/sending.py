"""Delivering outbox messages: claim them, check each is still wanted, hand it to Twilio or
the mail server, and record what happened. Safe to run twice for the same message: only one
run can claim it, and a claim left by a crashed worker is recovered by asking Twilio whether
the message went out before sending it again.

Messages go in batches (a collapsed court list stands down hundreds of witnesses at once): one
claim for the batch, renewed as it goes, and the texts Twilio took are recorded together every
few sends. Each message is read afresh immediately before it goes (its claim, its booking, the
witness's current number and the opt-out ledger), so what changed while the batch waited is
honoured. A worker that stops half-way leaves its unrecorded texts claimed, and recovery finds
them at Twilio rather than sending them twice."""

from __future__ import annotations

import logging
import secrets

from . import sms
from .claims import Lease, claim, held, loaded
from .delivery import RunResult, deliver, put_back, retry_later
from .models import Channel

logger = logging.getLogger(__name__)

#: Texts Twilio took are recorded (one transaction) after this many, and at the end of a batch.
RECORD_EVERY = 25


def message_send(*, message_id: int) -> RunResult:
    """Send one outbox message, if it is due, unclaimed and still wanted."""
    return messages_send(message_ids=[message_id])[message_id]


def messages_send(*, message_ids: list[int]) -> dict[int, RunResult]:
    """Send these outbox messages, each if it is due, unclaimed and still wanted, in order.

    When Twilio fails for one text (down, timing out, asking us to back off), the batch's
    remaining texts are not tried: they are put back to be retried with it, so an outage costs
    one timeout per batch rather than one per text. Anything else that goes wrong with one
    message stays with that message: it is retried, up to MESSAGE_MAX_ATTEMPTS in all, then
    failed and flagged, and the rest of the batch goes on."""
    outcomes = {message_id: RunResult("not_claimed") for message_id in message_ids}
    token = secrets.token_hex(16)
    claimed = claim(message_ids, token)
    if not claimed:
        return outcomes
    lease = Lease(token, claimed)
    batch = loaded().in_bulk(claimed)
    taken: list[sms.Taken] = []  # texts Twilio took, not yet recorded
    twilio_down: RunResult | None = None
    try:
        for message_id in claimed:
            lease.renew_if_due()
            message = held(batch[message_id], token)
            if message is None:  # recovered by the sweep: no longer this run's to send
                outcomes[message_id] = RunResult("claim_lost")
                continue
            if twilio_down is not None and message.channel == Channel.SMS:
                outcomes[message_id] = put_back(message, twilio_down)
                continue
            try:
                outcome, sent = deliver(message)
            except Exception as error:  # a fault of this message's, not the batch's
                logger.exception("Message %s could not be sent", message.pk)
                outcome, sent = retry_later(message, error), None
            outcomes[message_id] = outcome
            if sent is not None:
                taken.append(sent)
            if outcome.transient and message.channel == Channel.SMS:
                twilio_down = outcome
            if len(taken) >= RECORD_EVERY:
                sms.accepted_record(taken)
                taken = []
    finally:
        # Even when something unexpected stops the batch: what Twilio took is recorded now,
        # not left for the sweep to ask about.
        if taken:
            sms.accepted_record(taken)
    return outcomes
