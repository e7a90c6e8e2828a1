"""The fake's HTTP side: a request handler for the standard library's server, routed by
`ROUTES`, a table of (method, path pattern, handler) rows read top to bottom."""

import base64
import functools
import hmac
import json
import logging
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from notifications.fake_twilio.callbacks import Network
from notifications.fake_twilio.faults import HTTP_FAULTS, twilio_error
from notifications.fake_twilio.page import render_page
from notifications.fake_twilio.state import API_VERSION

logger = logging.getLogger("notifications.fake_twilio")

MESSAGES_PATH = re.compile(rf"/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages\.json")
MESSAGE_PATH = re.compile(
    rf"/{API_VERSION}/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json"
)


def _for_the_account(action):
    """Twilio answers 401 before anything else when the credentials or the account are not
    the fake's own."""

    @functools.wraps(action)
    def checked(handler: "Handler", match: re.Match, query: str) -> None:
        if handler._authorised(match["account"]):
            action(handler, match, query)

    return checked


class Handler(BaseHTTPRequestHandler):
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

    @property
    def fake(self) -> Network:
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
        for route_method, pattern, action in ROUTES:
            if route_method == method and (match := pattern.fullmatch(path)):
                action(self, match, query)
                return
        self._not_found(path)

    # --- The Messages API ----------------------------------------------------------------

    @_for_the_account
    def _create(self, match: re.Match, query: str) -> None:
        form = _first_values(parse_qs(self._raw_body.decode(), keep_blank_values=True))
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

    @_for_the_account
    def _list(self, match: re.Match, query: str) -> None:
        try:
            self._json(200, self.fake.page(_first_values(parse_qs(query))))
        except ValueError as error:  # a PageSize, Page or DateSent that is not one
            self._json(400, {"message": f"Invalid filter: {error}", "status": 400})

    @_for_the_account
    def _fetch(self, match: re.Match, query: str) -> None:
        if payload := self.fake.fetch(match["sid"]):
            self._json(200, payload)
        else:
            self._not_found(match[0])

    @_for_the_account
    def _update(self, match: re.Match, query: str) -> None:
        self._json(405, {"message": "The fake cannot update messages", "status": 405})

    # --- The fake's own controls -----------------------------------------------------------

    def _page(self, match: re.Match, query: str) -> None:
        self._send(200, render_page(self.fake).encode(), "text/html; charset=utf-8")

    def _messages(self, match: re.Match, query: str) -> None:
        self._json(200, self.fake.messages())

    def _config(self, match: re.Match, query: str) -> None:
        self._json(200, self.fake.switches.as_dict())

    def _configure(self, match: re.Match, query: str) -> None:
        try:
            self._json(200, self.fake.configure(**self._json_body()))
        except (TypeError, ValueError) as error:
            self._json(400, {"error": str(error)})

    def _reset(self, match: re.Match, query: str) -> None:
        self.fake.reset()
        self._json(200, {"reset": True})

    def _inbound(self, match: re.Match, query: str) -> None:
        is_form = self.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        )
        try:
            data = (
                _first_values(parse_qs(self._raw_body.decode())) if is_form else self._json_body()
            )
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

    # --- Helpers ---------------------------------------------------------------------------

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

    def _json_body(self) -> dict:
        data = json.loads(self._raw_body or b"{}")
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


def _path(literal: str) -> re.Pattern:
    return re.compile(re.escape(literal))


# First match wins; a path no row matches, or a method its row does not take, is a 404.
ROUTES = [
    ("POST", MESSAGES_PATH, Handler._create),
    ("GET", MESSAGES_PATH, Handler._list),
    ("GET", MESSAGE_PATH, Handler._fetch),
    ("POST", MESSAGE_PATH, Handler._update),
    ("GET", _path("/"), Handler._page),
    ("GET", _path("/_fake/messages"), Handler._messages),
    ("GET", _path("/_fake/config"), Handler._config),
    ("POST", _path("/_fake/config"), Handler._configure),
    ("POST", _path("/_fake/reset"), Handler._reset),
    ("POST", _path("/_fake/inbound"), Handler._inbound),
]


def _first_values(multi: dict) -> dict:
    return {key: values[0] for key, values in multi.items()}
