"""Writes for courts, hearings, witnesses and bookings: one function per use case, one module
per concept (unavailability: witnesses' dates to avoid, and the rule bookings meet them by;
video_link: the court's side of a booking's live link).

Every booking change is recorded in the booking's history in the same transaction
(`history`). Status changes are compare-and-swap on the booking's version: of two racing
changes one wins and the other is told the booking changed (409); writers lock rows in one
order (`locking`). Which change a booking may take from its status is `bookings.states`'s to
say (`lifecycle`).

Callers use the package: `from bookings import services; services.booking_create(...)`.
"""

from .attention import attention_flag_raise, attention_flag_resolve
from .closures import suite_closure_add, suite_closure_remove
from .feed_tokens import feed_token_create, feed_token_record_fetch, feed_token_revoke
from .hearings import (
    court_create,
    court_update,
    hearing_conclude,
    hearing_create,
    hearing_relist,
    hearing_update,
    hearing_vacate,
)
from .history import booking_event_build, booking_event_record, booking_events_record
from .lifecycle import (
    booking_cancel,
    booking_check_in,
    booking_complete,
    booking_create,
    booking_reschedule,
    booking_update_details,
)
from .replies import booking_witness_cannot_attend, booking_witness_confirm
from .unavailability import (
    UnavailableDates,
    unavailability_add,
    unavailability_clashes,
    unavailability_remove,
)
from .video_link import booking_set_video_link
from .witnesses import witness_create, witness_update, witnesses_anonymise

__all__ = [
    "UnavailableDates",
    "attention_flag_raise",
    "attention_flag_resolve",
    "booking_cancel",
    "booking_check_in",
    "booking_complete",
    "booking_create",
    "booking_event_build",
    "booking_event_record",
    "booking_events_record",
    "booking_reschedule",
    "booking_set_video_link",
    "booking_update_details",
    "booking_witness_cannot_attend",
    "booking_witness_confirm",
    "court_create",
    "court_update",
    "feed_token_create",
    "feed_token_record_fetch",
    "feed_token_revoke",
    "hearing_conclude",
    "hearing_create",
    "hearing_relist",
    "hearing_update",
    "hearing_vacate",
    "suite_closure_add",
    "suite_closure_remove",
    "unavailability_add",
    "unavailability_clashes",
    "unavailability_remove",
    "witness_create",
    "witness_update",
    "witnesses_anonymise",
]
