from django.conf import settings
from django.core.checks import Error, register

#: The exchanges one email needs with an SMTP server (connect, EHLO, STARTTLS, EHLO, AUTH,
#: MAIL, RCPT, DATA and the message), each allowed EMAIL_TIMEOUT.
SMTP_EXCHANGES = 9
#: Exchanges with Twilio for one text at worst: asking whether an earlier attempt went, then
#: sending.
TWILIO_EXCHANGES = 2


def slowest_send_seconds() -> float:
    """The longest one message can hold a worker that the timeouts allow."""
    email = SMTP_EXCHANGES * float(getattr(settings, "EMAIL_TIMEOUT", None) or 0)
    twilio = TWILIO_EXCHANGES * float(settings.TWILIO_TIMEOUT_SECONDS)
    return max(twilio, email)


@register()
def stale_claim_outlasts_a_send(app_configs, **kwargs):
    """A claim not renewed for STALE_CLAIM is taken to be a stopped worker's, and the sweep
    sends its messages again. A live worker renews its claims every CLAIM_RENEW_EVERY, between
    messages, so the gap between renewals is at most that plus the slowest send: it must stay
    under STALE_CLAIM, or a text could go twice. Without EMAIL_TIMEOUT a send has no bound."""
    from .claims import CLAIM_RENEW_EVERY, STALE_CLAIM

    if not getattr(settings, "EMAIL_TIMEOUT", None):
        return [
            Error(
                "EMAIL_TIMEOUT is not set: a mail server that stops answering would hold a "
                "worker's claims past STALE_CLAIM.",
                hint="Set EMAIL_TIMEOUT (seconds), e.g. 10.",
                id="notifications.E002",
            )
        ]
    gap = CLAIM_RENEW_EVERY.total_seconds() + slowest_send_seconds()
    room = STALE_CLAIM.total_seconds() - CLAIM_RENEW_EVERY.total_seconds()
    if gap >= STALE_CLAIM.total_seconds():
        return [
            Error(
                "TWILIO_TIMEOUT_SECONDS or EMAIL_TIMEOUT is too long for the outbox's "
                f"stale-claim period: one send may take {gap:.0f} s between claim renewals, "
                f"and claims count as stale after {STALE_CLAIM.total_seconds():.0f} s.",
                hint=f"Keep {TWILIO_EXCHANGES} x TWILIO_TIMEOUT_SECONDS and {SMTP_EXCHANGES} x "
                f"EMAIL_TIMEOUT under {room:.0f} s.",
                id="notifications.E001",
            )
        ]
    return []
