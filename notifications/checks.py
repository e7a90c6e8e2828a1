from django.conf import settings
from django.core.checks import Warning, register


@register()
def stale_claim_outlasts_a_send(app_configs, **kwargs):
    """A claim is taken for a dead worker's after STALE_CLAIM; a live send must end sooner, or
    the sweep would recover a claim still in use and the text could go twice."""
    from .sending import STALE_CLAIM

    if STALE_CLAIM.total_seconds() <= settings.TWILIO_TIMEOUT_SECONDS * 2:
        return [
            Warning(
                "TWILIO_TIMEOUT_SECONDS is too long for the outbox's stale-claim period.",
                hint=f"Keep it under {STALE_CLAIM.total_seconds() / 2:.0f} seconds.",
                id="notifications.W001",
            )
        ]
    return []
