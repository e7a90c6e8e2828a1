"""The outbox model's parts (tests/notifications/test_outbox_model.py runs it): what a run
covered, and the world it runs in (two witnesses, three suites, their numbers)."""

from collections import Counter
from contextlib import suppress

from hypothesis import event as hypothesis_event
from hypothesis.errors import InvalidArgument

from notifications.models import Kind

#: What the runs covered, printed by `make soak` (and with OUTBOX_MODEL_DEBUG set).
COVERED: Counter[str] = Counter()


def event(what: str) -> None:
    COVERED[what] += 1
    with suppress(InvalidArgument):  # a step replayed by hand, outside Hypothesis
        hypothesis_event(what)


WITNESSES, SUITES = 2, 3
NEWS_KINDS = (Kind.CONFIRMATION, Kind.CHANGE)
PROVIDER_FAULTS = ("429", "500", "503", "lost_answer", "21211", "21610")
#: A message's columns that tell its story, for a failure's message.
TEXT_COLUMNS = (
    "kind",
    "booking_version",
    "copy",
    "recipient",
    "status",
    "status_detail",
    "attempts",
)


def number(witness: int, variant: int) -> str:
    """Each witness's numbers are their own (Ofcom's drama range): a text's number says whose."""
    return f"+4477009001{witness}{variant}"
