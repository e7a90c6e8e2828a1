"""HTTP for courts, hearings, witnesses, bookings, availability, closures and calendar feed
tokens: parse, call one service, serialise. Rules live in services; who may see what lives in
selectors. The views config/urls.py routes, one module per concept:

    hearings.py      courts and their hearings (vacate, relist)
    witnesses.py     witnesses, every read audited
    unavailability.py  a witness's dates to avoid
    bookings.py      bookings (reschedule, cancel, check in, complete, history), attention
    suites.py        availability, a suite's closures
    feed_tokens.py   calendar feed tokens
    base.py          what the record views share
"""

from .bookings import AttentionViewSet, BookingViewSet
from .feed_tokens import FeedTokenViewSet
from .hearings import CourtViewSet, HearingViewSet
from .suites import AvailabilityView, ClosureViewSet
from .unavailability import UnavailabilityViewSet
from .witnesses import WitnessViewSet

__all__ = [
    "AttentionViewSet",
    "AvailabilityView",
    "BookingViewSet",
    "ClosureViewSet",
    "CourtViewSet",
    "FeedTokenViewSet",
    "HearingViewSet",
    "UnavailabilityViewSet",
    "WitnessViewSet",
]
