"""The system check that keeps a live worker's claims from looking stale to the sweep."""

from notifications.checks import stale_claim_outlasts_a_send


def test_timeouts_that_let_one_send_outlast_a_claim_are_refused_at_start_up(settings):
    settings.TWILIO_TIMEOUT_SECONDS = 60  # asking and sending again: two minutes

    (error,) = stale_claim_outlasts_a_send(None)

    assert error.id == "notifications.E001"
    assert "stale-claim period" in error.msg


def test_a_mail_server_without_a_timeout_is_refused_at_start_up(settings):
    settings.EMAIL_TIMEOUT = None

    (error,) = stale_claim_outlasts_a_send(None)

    assert error.id == "notifications.E002"


def test_the_default_timeouts_pass(settings):
    assert stale_claim_outlasts_a_send(None) == []
