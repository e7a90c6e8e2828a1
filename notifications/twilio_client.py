"""The one place the app talks to Twilio's Messages API, through the official `twilio` SDK.

In development and tests `TWILIO_API_BASE_URL` points the SDK at the fake Twilio server
(`manage.py fake_twilio`); unset, the SDK talks to api.twilio.com as usual. Callers see two
errors only: `TransientSmsError` (try again later) and `PermanentSmsError` (do not retry).
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageInstance

# What the fake Twilio server accepts out of the box; real credentials come from the environment.
DEFAULTS = {
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "dev-auth-token-for-the-fake-twilio",
    "TWILIO_MESSAGING_SERVICE_SID": "MG00000000000000000000000000000000",
    "TWILIO_API_BASE_URL": "",
    "TWILIO_TIMEOUT_SECONDS": 10,
}


def twilio_setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


class TransientSmsError(Exception):
    """Twilio could not be reached or asked us to back off (network, timeout, 429, 5xx)."""


class PermanentSmsError(Exception):
    """Twilio refused the message for a reason that retrying will not fix."""

    def __init__(self, code: int, message: str):
        self.code = code
        self.message = message
        super().__init__(f"Twilio error {code}: {message}")


class BaseUrlHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending to `base_url` whatever it would send to *.twilio.com."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base = urlsplit(base_url.rstrip("/"))

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.rewrite(url), *args, **kwargs)

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme != "https" or not (host == "twilio.com" or host.endswith(".twilio.com")):
            return url
        return urlunsplit(
            parts._replace(
                scheme=self.base.scheme, netloc=self.base.netloc, path=self.base.path + parts.path
            )
        )


_clients = threading.local()


def get_client() -> Client:
    """This thread's Twilio client, kept between messages so that its HTTP connection (TLS to
    api.twilio.com) is reused: a burst of texts does not pay a handshake each. A new one is
    made when the settings it was made from change (tests point it at their own fake)."""
    config = tuple(
        twilio_setting(name)
        for name in (
            "TWILIO_ACCOUNT_SID",
            "TWILIO_AUTH_TOKEN",
            "TWILIO_API_BASE_URL",
            "TWILIO_TIMEOUT_SECONDS",
        )
    )
    kept = getattr(_clients, "kept", None)
    if kept is None or kept[0] != config:
        kept = _clients.kept = (config, _new_client(*config))
    return kept[1]


def _new_client(account_sid: str, auth_token: str, base_url: str, timeout) -> Client:
    timeout = float(timeout)
    http_client = (
        BaseUrlHttpClient(base_url, timeout=timeout)
        if base_url
        else TwilioHttpClient(timeout=timeout)
    )
    return Client(account_sid, auth_token, http_client=http_client)


def send_sms(*, to: str, body: str, status_callback: str | None) -> MessageInstance:
    with _sms_errors():
        return get_client().messages.create(
            to=to,
            body=body,
            messaging_service_sid=twilio_setting("TWILIO_MESSAGING_SERVICE_SID"),
            status_callback=status_callback,
        )


def fetch_message(sid: str) -> MessageInstance:
    with _sms_errors():
        return get_client().messages(sid).fetch()


def find_sent(*, to: str, body: str, since: datetime) -> MessageInstance | None:
    """The message with this body that Twilio took for `to` at or after `since`, if any: asked
    before sending again after a crash or a timeout, when the first attempt may have gone out.

    Filtered on when Twilio created it, not when it was sent: a message still queued at
    Twilio has no `date_sent` yet, and must not be sent a second time either."""
    if since.tzinfo is None:
        raise ValueError("since must be timezone-aware")
    earliest = since.astimezone(UTC) - timedelta(minutes=1)  # allow for clock skew
    with _sms_errors():
        recent = get_client().messages.list(to=to, limit=50)
    return next(
        (
            message
            for message in recent
            if message.body == body
            and (message.date_created is None or message.date_created >= earliest)
        ),
        None,
    )


@contextmanager
def _sms_errors() -> Iterator[None]:
    try:
        yield
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientSmsError(f"Twilio did not answer: {error}") from error
    except TwilioRestException as error:
        raise _classified(error.status, error.code, error.msg) from error
    except TwilioServiceException as error:
        raise _classified(error.status, error.code, error.detail or error.title) from error
    except TwilioException as error:
        # A list page that is not 200 comes as TwilioException("Unable to fetch page", response).
        response = error.args[1] if len(error.args) > 1 else None
        if response is None:
            raise
        raise _classified(
            response.status_code, _error_code(response.text), error.args[0]
        ) from error


def _classified(status: int, code: int | None, message: str) -> Exception:
    if status == 429 or status >= 500:
        return TransientSmsError(f"HTTP {status} from Twilio: {message}")
    return PermanentSmsError(code or status, message)


def _error_code(text: str) -> int | None:
    try:
        return json.loads(text).get("code")
    except (ValueError, AttributeError):
        return None
