"""A fake Twilio on an ephemeral loopback port, a stand-in for the app's webhook endpoints, and
what the police know of a booking that no text, page or invite may tell: a booking's private
details and a confidential suite."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from notifications.fake_twilio import FakeTwilio
from tests.factories import SuiteFactory

ACCOUNT_SID = "AC" + "ab" * 16
AUTH_TOKEN = "test-auth-token"
MESSAGING_SERVICE_SID = "MG" + "cd" * 16

#: A booking's details for the police alone: the interpreter it needs and a staff note that
#: names the defendant.
POLICE_ONLY = {"interpreter_language": "Polish", "notes": "Defendant John Smith; witness anxious."}


@pytest.fixture
def secret_suite(sussex):
    """A confidential Sussex suite: "Sussex Witness Suite A" is all a witness may be told of it;
    its address (12 Hidden Lane, Lewes BN7 9ZZ) and the way in are the police's."""
    return SuiteFactory(
        name="Sussex Witness Suite A",
        force=sussex,
        address="12 Hidden Lane\nLewes",
        postcode="BN7 9ZZ",
        location_confidential=True,
        accessibility_notes="Ramp at the back of the Hidden Lane car park.",
    )


@pytest.fixture
def fake_twilio(settings):
    """The fake, with the SDK (through `get_client()`) pointed at it."""
    fake = FakeTwilio(
        account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, messaging_service_sid=MESSAGING_SERVICE_SID
    ).start()
    fake.configure(callback_delay=0.02)
    settings.TWILIO_API_BASE_URL = fake.url
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = MESSAGING_SERVICE_SID
    settings.TWILIO_TIMEOUT_SECONDS = 2
    yield fake
    fake.stop()


class WebhookReceiver:
    """Records every POST it gets (path, X-Twilio-Signature, form) and answers with `reply`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply = "<Response/>"
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {key: values[0] for key, values in parse_qs(body).items()}
                reply = receiver.reply.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                with receiver._arrived:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "signature": self.headers.get("X-Twilio-Signature"),
                            "form": form,
                        }
                    )
                    receiver._arrived.notify_all()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def wait_for(self, count: int, timeout: float = 5) -> list[dict]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver():
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()
