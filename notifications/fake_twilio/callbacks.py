"""What the fake Twilio sends to the app: a status callback for each step of a message's
delivery, and a witness's reply posted to the inbound webhook (STOP opts the number out, START
opts it back in, as on Twilio), with any <Message> the app answers sent on.

Twilio behaviour copied here (docs.twilio.com): no callback is sent for the initial status;
callbacks are form posts signed with X-Twilio-Signature (HMAC-SHA1 of the URL and sorted
parameters, keyed by the auth token).
"""

import logging
import threading
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from notifications.fake_twilio.state import API_VERSION, Message, Store, count_segments, new_sid

logger = logging.getLogger("notifications.fake_twilio")

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


class Network(Store):
    """The fake with the phone network behind it: messages move on and the app hears of it."""

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
                sid=new_sid(),
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
                sid=new_sid(),
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


def _read(response) -> str:
    return response.read(65536).decode("utf-8", errors="replace")


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
