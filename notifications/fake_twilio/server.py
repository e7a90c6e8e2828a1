"""A fake Twilio Messages API on the standard library, for development and tests.

The real `twilio` SDK talks to it (see `notifications.twilio_client.BaseUrlHttpClient`). It keeps
messages in memory (`state`), walks each one through Twilio's statuses and posts signed status
callbacks and witnesses' replies to the app (`callbacks`), can be told to fail (`faults`), and
shows on http://127.0.0.1:8020/ every text a witness would have received (`page`). `http`
answers the requests; this module starts and stops the server.
"""

import logging
import threading
from http.server import ThreadingHTTPServer

from notifications.fake_twilio.callbacks import Network
from notifications.fake_twilio.http import Handler
from notifications.fake_twilio.state import DEFAULT_MESSAGING_SERVICE_SID

logger = logging.getLogger("notifications.fake_twilio")


class FakeTwilio(Network):
    """The fake, usable in-process: `FakeTwilio().start()` serves on an ephemeral port."""

    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> "FakeTwilio":
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.fake = self
        # A short poll interval makes stop() quick: shutdown() waits for the next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-twilio", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"


def run(
    host: str,
    port: int,
    account_sid: str,
    auth_token: str,
    app_url: str,
    *,
    messaging_service_sid: str = DEFAULT_MESSAGING_SERVICE_SID,
) -> None:
    """Serve until interrupted."""
    fake = FakeTwilio(
        account_sid=account_sid,
        auth_token=auth_token,
        app_url=app_url,
        host=host,
        port=port,
        messaging_service_sid=messaging_service_sid,
    ).start()
    logger.info("Fake Twilio on %s; replies go to %s", fake.url, fake.inbound_url)
    try:
        while fake._thread.is_alive():
            fake._thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
