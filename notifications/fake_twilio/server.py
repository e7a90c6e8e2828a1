"""A fake Twilio Messages API on the standard library, for development and tests.

The real `twilio` SDK talks to it (see `notifications.twilio_client.BaseUrlHttpClient`). It keeps
messages in memory, walks each one through Twilio's statuses, posts signed status callbacks,
simulates witnesses' replies (STOP opts a number out, as on Twilio), can be told to fail, and
shows on http://127.0.0.1:8020/ every text a witness would have received.

Twilio behaviour copied here (docs.twilio.com): a message sent through a Messaging Service
starts `accepted` with no sender and `num_segments` "0"; no callback is sent for the initial
status; `date_sent` is set when the message is sent; callbacks are form posts signed with
X-Twilio-Signature (HMAC-SHA1 of the URL and sorted parameters, keyed by the auth token).
"""

import base64
import hmac
import html
import json
import logging
import random
import re
import secrets
import threading
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

from twilio.request_validator import RequestValidator

logger = logging.getLogger("notifications.fake_twilio")

API_VERSION = "2010-04-01"
INBOUND_PATH = "/webhooks/twilio/inbound/"
DEFAULT_MESSAGING_SERVICE_SID = "MG00000000000000000000000000000000"
DEFAULT_FROM_NUMBER = "+447700900000"  # Ofcom's drama range: never a real phone
LONDON = ZoneInfo("Europe/London")

# GSM 03.38: one septet for the basic set, two (escape + character) for the extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

# Twilio's default opt-out and opt-in keywords: the whole message, any case.
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_WORDS = {"START", "YES", "UNSTOP"}
OPT_OUT_REPLY = (
    "You have successfully been unsubscribed. You will not receive any more messages from "
    "this number. Reply START to resubscribe."
)
OPT_IN_REPLY = (
    "You have successfully been re-subscribed to messages from this number. Reply HELP for "
    "help. Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)

DELIVERY_ERRORS = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
}
# "lost_answer": the message is taken, then the connection drops before the answer (a timeout
# after accepting, without the wait): only asking Twilio tells the sender that it went.
FAULTS = {"429", "500", "503", "timeout", "lost_answer", "21211", "21610"}
TRANSIENT_FAULTS = ("429", "500", "timeout")
HTTP_FAULTS = {
    "429": (429, 20429, "Too Many Requests"),
    "500": (500, 20500, "Internal Server Error"),
    "503": (503, 20503, "Service Unavailable"),
}
E164 = re.compile(r"\+[1-9]\d{6,14}")  # 7 to 15 digits
MESSAGING_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")
PRICE_PER_SEGMENT = 0.0524  # illustrative, USD


def count_segments(body: str) -> int:
    """How many SMS parts `body` travels in: 160 GSM-7 septets or 70 UCS-2 units in one part,
    153 or 67 a part once split, and a character never straddles two parts."""
    if all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in body):
        units = [2 if char in GSM7_EXTENDED else 1 for char in body]
        single, per_part = 160, 153
    else:
        units = [len(char.encode("utf-16-le")) // 2 for char in body]
        single, per_part = 70, 67
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for unit in units:
        if used + unit > per_part:
            parts, used = parts + 1, 0
        used += unit
    return parts


def twilio_error(status: int, code: int, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _now() -> datetime:
    return datetime.now(UTC)


def _rfc2822(moment: datetime | None) -> str | None:
    return format_datetime(moment) if moment else None


@dataclass
class Message:
    sid: str
    direction: str  # outbound-api, outbound-reply or inbound
    to: str
    from_: str | None
    body: str
    status: str
    messaging_service_sid: str | None
    status_callback: str | None = None
    num_segments: int = 0
    date_created: datetime = field(default_factory=_now)
    date_updated: datetime = field(default_factory=_now)
    date_sent: datetime | None = None
    price: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    history: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    webhook: dict | None = None
    note: str | None = None

    def __post_init__(self):
        self.history.append({"status": self.status, "at": self.date_created.isoformat()})

    def advance(self, status: str, error_code: int | None = None) -> None:
        self.status, self.date_updated = status, _now()
        self.history.append({"status": status, "at": self.date_updated.isoformat()})
        if status in ("sent", "received") and self.date_sent is None:
            self.date_sent = self.date_updated
            self.price = f"-{PRICE_PER_SEGMENT * self.num_segments:.5f}"
        if error_code:
            self.error_code, self.error_message = error_code, DELIVERY_ERRORS.get(error_code)

    def resource(self, account_sid: str) -> dict:
        uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{self.sid}"
        return {
            "account_sid": account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": _rfc2822(self.date_created),
            "date_sent": _rfc2822(self.date_sent),
            "date_updated": _rfc2822(self.date_updated),
            "direction": self.direction,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "from": self.from_,
            "messaging_service_sid": self.messaging_service_sid,
            "num_media": "0",
            "num_segments": str(self.num_segments),
            "price": self.price,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                "media": f"{uri}/Media.json",
                "feedback": f"{uri}/Feedback.json",
            },
            "to": self.to,
            "uri": f"{uri}.json",
        }

    def summary(self) -> dict:
        """What /_fake/messages shows: enough to read the conversation and its deliveries."""
        return {
            "sid": self.sid,
            "direction": self.direction,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "segments": count_segments(self.body),
            "date_created": self.date_created.isoformat(),
            "status_history": list(self.history),
            "callbacks": list(self.callbacks),
            "webhook": self.webhook,
            "note": self.note,
        }


@dataclass
class Switches:
    """Fault injection and outcomes, set with POST /_fake/config or FakeTwilio.configure()."""

    fail_next: list = field(default_factory=list)  # what to do to the next create requests
    failure_rate: float = 0.0  # chance of a random 429, 500 or timeout on each create
    seed: int = 0  # for failure_rate
    invalid_numbers: list = field(default_factory=list)  # refused with 21211
    undeliverable_numbers: dict = field(default_factory=dict)  # number -> 30003..30008
    callback_delay: float = 0.2  # seconds between status changes
    callbacks_enabled: bool = True
    timeout_seconds: float = 15.0  # how long a "timeout" stalls before answering anyway

    def as_dict(self) -> dict:
        return {item.name: getattr(self, item.name) for item in fields(self)}


class FakeTwilio:
    """The fake, usable in-process: `FakeTwilio().start()` serves on an ephemeral port."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        app_url: str = "http://127.0.0.1:8000",
        host: str = "127.0.0.1",
        port: int = 0,
        messaging_service_sid: str = DEFAULT_MESSAGING_SERVICE_SID,
        from_number: str = DEFAULT_FROM_NUMBER,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.app_url = app_url.rstrip("/")
        self.host, self.port = host, port
        self.messaging_service_sid = messaging_service_sid
        self.from_number = from_number
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._reset_state()

    # --- Lifecycle and test helpers ------------------------------------------------------

    def start(self) -> "FakeTwilio":
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
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

    @property
    def inbound_url(self) -> str:
        return self.app_url + INBOUND_PATH

    def messages(self) -> list[dict]:
        """Every message, newest first."""
        with self._lock:
            return [message.summary() for message in self._newest_first()]

    def configure(self, **switches) -> dict:
        with self._lock:
            for name, value in switches.items():
                if name not in Switches.__dataclass_fields__:
                    raise ValueError(f"unknown switch {name!r}")
                setattr(self.switches, name, _checked_switch(name, value))
            if "seed" in switches:
                self._random = random.Random(self.switches.seed)
            return self.switches.as_dict()

    def reset(self) -> None:
        with self._lock:
            self._reset_state()

    def _reset_state(self) -> None:
        self.switches = Switches()
        self._random = random.Random(self.switches.seed)
        self._messages: dict[str, Message] = {}
        self._opted_out: set[str] = set()
        # Status changes still pending from before a reset belong to an older generation.
        self._generation = getattr(self, "_generation", 0) + 1

    def _newest_first(self) -> list[Message]:
        return list(reversed(self._messages.values()))

    # --- The Messages API ----------------------------------------------------------------

    def take_fault(self) -> str | None:
        with self._lock:
            if self.switches.fail_next:
                return self.switches.fail_next.pop(0)
            if self._random.random() < self.switches.failure_rate:
                return self._random.choice(TRANSIENT_FAULTS)
            return None

    def create(self, form: dict, fault: str | None) -> tuple[int, dict]:
        to, body = form.get("To", ""), form.get("Body")
        service_sid, from_ = form.get("MessagingServiceSid"), form.get("From")
        if not to:
            return 400, twilio_error(400, 21604, "A 'To' phone number is required.")
        if body is None:
            return 400, twilio_error(400, 21602, "Message body is required.")
        if service_sid and not MESSAGING_SERVICE_SID.fullmatch(service_sid):
            return 400, twilio_error(400, 21705, "The Messaging Service is invalid")
        if not (service_sid or from_):
            return 400, twilio_error(400, 21603, "A 'From' phone number is required.")
        with self._lock:
            invalid = to in self.switches.invalid_numbers or not E164.fullmatch(to)
            if fault == "21211" or invalid:
                message = f"The 'To' number {to} is not a valid phone number."
                return 400, twilio_error(400, 21211, message)
            if fault == "21610" or to in self._opted_out:
                return 400, twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
            message = Message(
                sid=_new_sid(),
                direction="outbound-api",
                to=to,
                # A Messaging Service picks the sender and counts the parts after accepting.
                from_=None if service_sid else from_,
                num_segments=0 if service_sid else count_segments(body),
                body=body,
                status="accepted" if service_sid else "queued",
                messaging_service_sid=service_sid,
                status_callback=form.get("StatusCallback"),
            )
            self._messages[message.sid] = message
            payload = message.resource(self.account_sid)
        self._send_on(message)
        return 201, payload

    def fetch(self, sid: str) -> dict | None:
        with self._lock:
            message = self._messages.get(sid)
            return message.resource(self.account_sid) if message else None

    def page(self, query: dict) -> dict:
        page_size = min(max(int(query.get("PageSize", 50)), 1), 1000)
        page = max(int(query.get("Page", 0)), 0)
        filters = {
            key: query[key]
            for key in ("To", "From", "DateSent", "DateSent<", "DateSent>")
            if key in query
        }
        sent_on = {key: _filter_time(value) for key, value in filters.items() if "Date" in key}
        with self._lock:
            matches = [
                message
                for message in self._newest_first()
                if filters.get("To", message.to) == message.to
                and filters.get("From", message.from_) == message.from_
                and _sent_within(message.date_sent, sent_on)
            ]
            start = page * page_size
            records = [m.resource(self.account_sid) for m in matches[start : start + page_size]]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json?"

        def uri(number: int) -> str:
            return base + urlencode({**filters, "PageSize": page_size, "Page": number})

        return {
            "messages": records,
            "page": page,
            "page_size": page_size,
            "start": start,
            "end": start + max(len(records) - 1, 0),
            "uri": uri(page),
            "first_page_uri": uri(0),
            "previous_page_uri": uri(page - 1) if page else None,
            "next_page_uri": uri(page + 1) if start + page_size < len(matches) else None,
        }

    # --- Delivery and callbacks ----------------------------------------------------------

    def _send_on(self, message: Message) -> None:
        threading.Thread(
            target=self._deliver, args=(message, self._generation), daemon=True
        ).start()

    def _deliver(self, message: Message, generation: int) -> None:
        with self._lock:
            error_code = self.switches.undeliverable_numbers.get(message.to)
        steps = ["sent", "undelivered" if error_code else "delivered"]
        if message.status == "accepted":
            steps.insert(0, "queued")
        for status in steps:
            if self._stopped.wait(self.switches.callback_delay):
                return
            with self._lock:
                if generation != self._generation:
                    return
                if status == "queued":
                    message.from_ = self.from_number
                    message.num_segments = count_segments(message.body)
                message.advance(status, error_code if status == "undelivered" else None)
                callback = message.status_callback if self.switches.callbacks_enabled else None
                params = self._status_params(message)
            if callback:
                outcome = self._post_signed(callback, params)
                with self._lock:
                    message.callbacks.append({"status": status, "url": callback, **outcome})

    def _status_params(self, message: Message) -> dict:
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "From": message.from_ or "",
            "MessageSid": message.sid,
            "MessageStatus": message.status,
            "SmsSid": message.sid,
            "SmsStatus": message.status,
            "To": message.to,
        }
        if message.messaging_service_sid:
            params["MessagingServiceSid"] = message.messaging_service_sid
        if message.error_code:
            params["ErrorCode"] = str(message.error_code)
        if message.status in ("delivered", "undelivered"):
            params["RawDlrDoneDate"] = message.date_updated.strftime("%y%m%d%H%M")
        return params

    def _post_signed(self, url: str, params: dict) -> dict:
        """POST `params` to `url` the way Twilio posts a webhook; returns what came back."""
        request = urllib.request.Request(
            url,
            data=urlencode(params).encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "TwilioProxy/1.1",
                "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
                "X-Twilio-Signature": RequestValidator(self.auth_token).compute_signature(
                    url, params
                ),
            },
        )
        # The app is on loopback: never route it through a proxy from the environment.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=10) as response:
                return {"response_status": response.status, "response_body": _read(response)}
        except HTTPError as error:
            return {"response_status": error.code, "response_body": _read(error)}
        except (URLError, OSError) as error:
            logger.warning("Webhook to %s failed: %s", url, error)
            return {"response_status": None, "error": str(error)}

    # --- Witnesses replying ----------------------------------------------------------------

    def inbound(self, *, from_: str, body: str) -> dict:
        """A witness texts `body` to the service's number: Twilio applies STOP/START, posts
        the message to the app's inbound webhook, and sends any <Message> the app replies."""
        keyword = body.strip().upper()
        with self._lock:
            message = Message(
                sid=_new_sid(),
                direction="inbound",
                to=self.from_number,
                from_=from_,
                body=body,
                status="received",
                messaging_service_sid=self.messaging_service_sid,
                num_segments=count_segments(body),
            )
            message.date_sent = message.date_created
            self._messages[message.sid] = message
            auto_reply = None
            if keyword in OPT_OUT_WORDS:
                self._opted_out.add(from_)
                auto_reply = OPT_OUT_REPLY
            elif keyword in OPT_IN_WORDS:
                self._opted_out.discard(from_)
                auto_reply = OPT_IN_REPLY
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "Body": body,
            "From": from_,
            "MessageSid": message.sid,
            "MessagingServiceSid": self.messaging_service_sid,
            "NumMedia": "0",
            "NumSegments": str(message.num_segments),
            "SmsMessageSid": message.sid,
            "SmsSid": message.sid,
            "SmsStatus": "received",
            "To": self.from_number,
        }
        outcome = self._post_signed(self.inbound_url, params)
        with self._lock:
            message.webhook = {"url": self.inbound_url, **outcome}
        replies = []
        if auto_reply:
            replies.append(self._reply(from_, auto_reply, automatic=True))
        if outcome.get("response_status") == 200:
            for text in _twiml_messages(outcome.get("response_body", "")):
                replies.append(self._reply(from_, text))
        return {"message": message.summary(), "webhook": message.webhook, "replies": replies}

    def _reply(self, to: str, body: str, *, automatic: bool = False) -> dict:
        """A reply to a witness: the app's <Message>, or Twilio's own answer to STOP/START,
        which is the only thing an opted-out number still gets."""
        with self._lock:
            reply = Message(
                sid=_new_sid(),
                direction="outbound-reply",
                to=to,
                from_=self.from_number,
                body=body,
                status="queued",
                messaging_service_sid=self.messaging_service_sid,
                num_segments=count_segments(body),
                note="Twilio's automatic reply" if automatic else None,
            )
            self._messages[reply.sid] = reply
            blocked = to in self._opted_out and not automatic
            if blocked:
                reply.advance("failed")
                reply.error_code = 21610
                reply.error_message = "Attempt to send to unsubscribed recipient"
        if not blocked:
            self._send_on(reply)
        return reply.summary()


def _checked_switch(name: str, value):
    if name == "fail_next":
        unknown = set(map(str, value)) - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {sorted(FAULTS)}")
        return [str(fault) for fault in value]
    if name == "undeliverable_numbers":
        numbers = value if isinstance(value, dict) else dict.fromkeys(value, 30003)
        unknown = set(map(int, numbers.values())) - DELIVERY_ERRORS.keys()
        if unknown:
            raise ValueError(f"unknown delivery errors {sorted(unknown)}")
        return {number: int(code) for number, code in numbers.items()}
    if name == "invalid_numbers":
        return list(value)
    if name == "callbacks_enabled":
        return bool(value)
    if name == "seed":
        return int(value)
    number = float(value)
    if number < 0 or (name == "failure_rate" and number > 1):
        raise ValueError(f"{name} out of range: {value!r}")
    return number


def _new_sid() -> str:
    return "SM" + secrets.token_hex(16)


def _read(response) -> str:
    return response.read(65536).decode("utf-8", errors="replace")


def _filter_time(value: str) -> datetime | date:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return date.fromisoformat(value)


def _sent_within(date_sent: datetime | None, bounds: dict) -> bool:
    """Twilio's DateSent, DateSent< and DateSent> filters (the last two include the bound)."""
    if not bounds:
        return True
    if date_sent is None:
        return False
    for key, bound in bounds.items():
        sent = date_sent if isinstance(bound, datetime) else date_sent.date()
        if (key == "DateSent>" and sent < bound) or (key == "DateSent<" and sent > bound):
            return False
        if key == "DateSent" and sent != bound:
            return False
    return True


def _twiml_messages(twiml: str) -> list[str]:
    """The texts of the <Message> verbs in a TwiML reply (`<Message>hi</Message>` or
    `<Message><Body>hi</Body></Message>`)."""
    try:
        root = ElementTree.fromstring(twiml)
    except ElementTree.ParseError:
        return []
    texts = []
    for verb in root.iter("Message"):
        body = verb.find("Body")
        text = (body.text if body is not None else verb.text) or ""
        if text.strip():
            texts.append(text.strip())
    return texts


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeTwilio/1.0"
    # Keep-alive, as api.twilio.com does: a sender reusing its connection is measured as it
    # would be against Twilio (docs/benchmarks.md). Every reply has a Content-Length, and every
    # request's body is read before the reply, so the next request on the connection parses.
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle kept-alive connection is closed after a minute
    # A reply goes out as one write (headers and body buffered, flushed after each request)
    # with Nagle off: on a kept-alive connection, a body written after its headers would wait
    # for the client's delayed ACK, 40 ms a request.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    messages_path = re.compile(rf"/{API_VERSION}/Accounts/([^/]+)/Messages\.json")
    message_path = re.compile(rf"/{API_VERSION}/Accounts/([^/]+)/Messages/([^/]+)\.json")

    @property
    def fake(self) -> FakeTwilio:
        return self.server.fake

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        self._raw_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        try:
            self._route(method, url.path, url.query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as after an injected timeout
        except Exception:
            logger.exception("Fake Twilio failed on %s %s", method, self.path)
            self._json(500, twilio_error(500, 20500, "Internal Server Error"))

    def _route(self, method: str, path: str, query: str) -> None:
        if match := self.messages_path.fullmatch(path):
            if self._authorised(match[1]):
                if method == "POST":
                    self._create()
                else:
                    self._list(query)
        elif match := self.message_path.fullmatch(path):
            if not self._authorised(match[1]):
                pass
            elif method != "GET":
                self._json(405, {"message": "The fake cannot update messages", "status": 405})
            elif payload := self.fake.fetch(match[2]):
                self._json(200, payload)
            else:
                self._not_found(path)
        elif (method, path) == ("GET", "/"):
            self._send(200, _page(self.fake).encode(), "text/html; charset=utf-8")
        elif (method, path) == ("GET", "/_fake/messages"):
            self._json(200, self.fake.messages())
        elif path == "/_fake/config" and method == "GET":
            self._json(200, self.fake.switches.as_dict())
        elif (method, path) == ("POST", "/_fake/config"):
            try:
                self._json(200, self.fake.configure(**self._json_body()))
            except (TypeError, ValueError) as error:
                self._json(400, {"error": str(error)})
        elif (method, path) == ("POST", "/_fake/reset"):
            self.fake.reset()
            self._json(200, {"reset": True})
        elif (method, path) == ("POST", "/_fake/inbound"):
            self._inbound()
        else:
            self._not_found(path)

    def _create(self) -> None:
        form = _first_values(parse_qs(self._body().decode(), keep_blank_values=True))
        fault = self.fake.take_fault()
        if fault in HTTP_FAULTS:
            status, code, message = HTTP_FAULTS[fault]
            self._json(status, twilio_error(status, code, message))
            return
        # A timeout stalls past the client's timeout, then accepts the message anyway: the
        # sender cannot tell whether it went, which is what find_sent() is for.
        if fault == "timeout":
            self.close_connection = True  # the client has given up on this connection
            if self.fake._stopped.wait(self.fake.switches.timeout_seconds):
                return
        status, payload = self.fake.create(form, fault)
        if fault == "lost_answer":
            self.close_connection = True  # taken, and the answer never arrives
            return
        self._json(status, payload)

    def _list(self, query: str) -> None:
        try:
            self._json(200, self.fake.page(_first_values(parse_qs(query))))
        except ValueError as error:  # a PageSize, Page or DateSent that is not one
            self._json(400, {"message": f"Invalid filter: {error}", "status": 400})

    def _inbound(self) -> None:
        is_form = self.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        try:
            data = _first_values(parse_qs(self._body().decode())) if is_form else self._json_body()
            from_, body = data["from"].strip(), data["body"]
            if not from_:
                raise ValueError("no sender")
        except (KeyError, ValueError, AttributeError):
            self._json(400, {"error": 'send {"from": "+447700900123", "body": "STOP"}'})
            return
        result = self.fake.inbound(from_=from_, body=body)
        if is_form:  # the form on the page: back to the page
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._json(200, result)

    def _authorised(self, account_sid: str) -> bool:
        scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
        try:
            username, _, password = base64.b64decode(encoded).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            username = password = ""
        valid = (
            scheme.lower() == "basic"
            and hmac.compare_digest(username, self.fake.account_sid)
            and hmac.compare_digest(password, self.fake.auth_token)
            and account_sid == self.fake.account_sid
        )
        if not valid:
            self._json(401, twilio_error(401, 20003, "Authenticate"))
        return valid

    def _not_found(self, path: str) -> None:
        message = f"The requested resource {path} was not found"
        self._json(404, twilio_error(404, 20404, message))

    def _body(self) -> bytes:
        return self._raw_body

    def _json_body(self) -> dict:
        data = json.loads(self._body() or b"{}")
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    def _json(self, status: int, payload) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        logger.info("%s %s", self.address_string(), format % args)


def _first_values(multi: dict) -> dict:
    return {key: values[0] for key, values in multi.items()}


def _page(fake: FakeTwilio) -> str:
    """The page a person running the demo reads: every text, newest first, and a reply box."""
    messages = fake.messages()
    last_witness = next(
        (m["to"] for m in messages if m["direction"] == "outbound-api"), "+447700900123"
    )
    rows = []
    for message in messages:
        inbound = message["direction"] == "inbound"
        code = message["error_code"]
        status = message["status"] + (f" ({code})" if code else "")
        when = datetime.fromisoformat(message["date_created"]).astimezone(LONDON)
        who = f"from {message['from']}" if inbound else f"to {message['to']}"
        note = f"<br><small>{html.escape(message['note'])}</small>" if message["note"] else ""
        rows.append(
            f'<tr class="{"in" if inbound else "out"}">'
            f"<td>{when:%a %d %b %H:%M:%S}</td><td>{html.escape(who)}</td>"
            f"<td><pre>{html.escape(message['body'])}</pre>{note}</td>"
            f"<td>{html.escape(status)}</td><td>{message['segments']}</td></tr>"
        )
    empty = '<tr><td colspan="5">No messages yet.</td></tr>'
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Fake Twilio: texts sent</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ccc; padding: .4rem; text-align: left; vertical-align: top; }}
pre {{ white-space: pre-wrap; margin: 0; font-family: inherit; }}
tr.in {{ background: #eef6ff; }}
</style></head><body>
<h1>Texts sent through the fake Twilio</h1>
<p>Messages to witnesses (white) and their replies (blue), newest first. Sender
{html.escape(fake.from_number)}; replies are posted to {html.escape(fake.inbound_url)}.</p>
<form name="reply" method="post" action="/_fake/inbound">
<label>Reply from <input name="from" value="{html.escape(last_witness)}"></label>
<label>Text <input name="body" size="40" placeholder="STOP, YES, or anything"></label>
<button>Send reply</button></form>
<table><thead><tr><th>Time (London)</th><th>Who</th><th>Text</th><th>Status</th>
<th>Parts</th></tr></thead>
<tbody>{"".join(rows) or empty}</tbody></table>
<script>
setInterval(function () {{
  var form = document.forms.reply;
  if (form.contains(document.activeElement) || form.body.value) return;
  location.reload();
}}, 3000);
</script>
</body></html>"""


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
