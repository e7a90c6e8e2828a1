"""A fake Twilio that the real `twilio` SDK talks to, in development and in tests.

Run it with `python manage.py fake_twilio` (or `python -m notifications.fake_twilio`), or start
it in-process with `FakeTwilio(account_sid=..., auth_token=...).start()`.
"""

from notifications.fake_twilio.server import FakeTwilio, run
from notifications.fake_twilio.state import count_segments

__all__ = ["FakeTwilio", "count_segments", "run"]
