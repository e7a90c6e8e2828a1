"""The fake Twilio, for the demo's texts (tests/notifications/conftest.py)."""

from tests.notifications.conftest import fake_twilio  # noqa: F401 (a fixture)
