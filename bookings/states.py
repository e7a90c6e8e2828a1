"""A booking's life, declared once: which actions may start from which status, and where each
leads. The services refuse an action this does not allow (409 `invalid_transition`); the staff
pages offer, and the forms accept, only what it allows.

    confirmed --reschedule--> confirmed
    confirmed --cancel------> cancelled    (the witness is stood down)
    confirmed --check_in----> checked_in
    confirmed --complete----> completed    (not required, or did not attend)
    checked_in --complete---> completed    (gave evidence, or not required)

Cancelled and completed are final. Editing a booking's details (special measures, notes) is
not a transition: any status may have its details corrected.
"""

from __future__ import annotations

from .models import BookingStatus, Outcome

#: action -> (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "reschedule": ((BookingStatus.CONFIRMED,), BookingStatus.CONFIRMED),
    "cancel": ((BookingStatus.CONFIRMED,), BookingStatus.CANCELLED),
    "check_in": ((BookingStatus.CONFIRMED,), BookingStatus.CHECKED_IN),
    "complete": ((BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN), BookingStatus.COMPLETED),
}

#: status -> the outcomes a booking in it may be completed with. Giving evidence needs an
#: arrival first; a witness who never arrived has no release time.
OUTCOMES_FROM: dict[str, tuple[str, ...]] = {
    BookingStatus.CONFIRMED: (Outcome.NOT_REQUIRED, Outcome.NO_SHOW),
    BookingStatus.CHECKED_IN: (Outcome.GAVE_EVIDENCE, Outcome.NOT_REQUIRED),
}


def starts_from(action: str, outcome: str | None = None) -> tuple[str, ...]:
    """The statuses `action` (with `outcome`, for complete) may start from."""
    sources, _ = TRANSITIONS[action]
    if outcome is not None:
        sources = tuple(s for s in sources if outcome in OUTCOMES_FROM.get(s, ()))
    return sources


def leads_to(action: str) -> str:
    return TRANSITIONS[action][1]


def may(status: str, action: str) -> bool:
    """Whether a booking in `status` may take `action`."""
    return status in starts_from(action)


def outcomes_from(status: str) -> tuple[str, ...]:
    return OUTCOMES_FROM.get(status, ())


def actions_from(status: str) -> tuple[str, ...]:
    """Every action a booking in `status` may take, in the order the pages offer them."""
    return tuple(action for action in TRANSITIONS if may(status, action))
