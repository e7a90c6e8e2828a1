"""What the fake Twilio remembers: its messages, who has opted out, and the switches; and the
Messages API on top of it (create, fetch, list), as Twilio answers it.

Twilio behaviour copied here (docs.twilio.com): a message sent through a Messaging Service
starts `accepted` with no sender and `num_segments` "0"; `date_sent` is set when the message
is sent.
"""

import random
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from urllib.parse import urlencode

from notifications.fake_twilio.faults import (
    DELIVERY_ERRORS,
    TRANSIENT_FAULTS,
    Switches,
    _checked_switch,
    twilio_error,
)

API_VERSION = "2010-04-01"
INBOUND_PATH = "/webhooks/twilio/inbound/"
DEFAULT_MESSAGING_SERVICE_SID = "MG00000000000000000000000000000000"
DEFAULT_FROM_NUMBER = "+447700900000"  # Ofcom's drama range: never a real phone

# GSM 03.38: one septet for the basic set, two (escape + character) for the extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")
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


class Store:
    """The fake's state and its Messages API. Delivering a message (status changes and their
    callbacks) is `callbacks.Network`'s part: `_send_on` is its hook."""

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
        self._reset_state()

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
                sid=new_sid(),
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

    def _send_on(self, message: Message) -> None:
        raise NotImplementedError("delivery belongs to callbacks.Network")


def new_sid() -> str:
    return "SM" + secrets.token_hex(16)


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
