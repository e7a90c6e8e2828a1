"""The switches a test or a person at the page flips to make the fake fail, and Twilio's
shape for an error."""

from dataclasses import dataclass, field, fields

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


def twilio_error(status: int, code: int, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
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
