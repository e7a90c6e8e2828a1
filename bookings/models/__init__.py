"""Courts, their hearings, the witnesses who give evidence remotely, and the bookings that put
a witness in a suite for a hearing, one module per concept; import them from here
(`from bookings.models import Booking`), which is also where Django finds them:

    hearings.py      courts and their hearings
    witnesses.py     witnesses
    bookings.py      bookings, their statuses and outcomes (and the constraints that make a
                     double booking impossible)
    history.py       a booking's history
    attention.py     what about a booking a scheduler must look at
    feed_tokens.py   calendar feed tokens
    unavailability.py  witnesses' dates to avoid
    retention.py     the runs of the retention sweep
"""

from .attention import AttentionFlag, AttentionKind
from .bookings import (
    OCCUPYING_STATUSES,
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    LiveLinkBasis,
    Outcome,
)
from .feed_tokens import FeedScope, FeedToken
from .hearings import Court, Hearing, HearingStatus, HearingType, ListChangesPolicy
from .history import BookingEvent, HistoryAction
from .retention import RetentionRun
from .unavailability import Unavailability, UnavailabilityReason, UnavailabilitySource
from .witnesses import Witness, WitnessType

__all__ = [
    "OCCUPYING_STATUSES",
    "OPEN_STATUSES",
    "AttentionFlag",
    "AttentionKind",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "Court",
    "FeedScope",
    "FeedToken",
    "Hearing",
    "HearingStatus",
    "HearingType",
    "HistoryAction",
    "ListChangesPolicy",
    "LiveLinkBasis",
    "Outcome",
    "RetentionRun",
    "Unavailability",
    "UnavailabilityReason",
    "UnavailabilitySource",
    "Witness",
    "WitnessType",
]
