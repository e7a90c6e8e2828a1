"""What each role may see of a booking, its witness, its history and its messages: one table,
read by the API's serializers, the booking history, the court's calendar feed and the staff
pages, so a court user gets the same answer on every surface (DOMAIN.md, "Privacy").

The police roles (schedulers, suite managers, admins) see every field: suite managers the
court's video link too, since their suite's kit joins the court's call (the suite's invite
carries it), and a booking over the witness's dates to avoid (`overrides_rest_day`, the
override's reason in the history), which is the police's own business. Court users see what
the court needs to hear a witness by live link: the booking's times, suite and status, the
witness's type and initials, the special measures and interpreter language, the history of
those, the court's video link (room or link, PIN), and whether each message went and
arrived; never staff notes, the witness's dates to avoid or the reasons to book over them, a
witness's name or contact details, or what a message said (its body, or the provider's words
about it, which can quote the number).

Court users' columns are allow-lists: a field added to a booking later stays hidden from
courts until it is named here. Which objects a role sees at all is the selectors' to say
(bookings.selectors); this says which of their fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from accounts.models import Role

BOOKING = "booking"
WITNESS = "witness"
HISTORY = "history"
MESSAGE = "message"
PARTS = (BOOKING, WITNESS, HISTORY, MESSAGE)

#: In place of an allow-list: every field.
EVERYTHING = None

_COURT_BOOKING = frozenset(
    {
        "id",
        "reference",
        "hearing",
        "court",
        "case_reference",
        "witness",  # its id: the witness's details are the police's (witness_list)
        "witness_type",
        "witness_initials",
        "suite",
        "suite_code",
        "starts_at",
        "ends_at",
        "status",
        "cancellation_reason",
        "outcome",
        "checked_in_at",
        "released_at",
        "witness_confirmed_at",
        "live_link_basis",
        "needs_supporter",
        "needs_intermediary",
        "interpreter_language",
        "version",
        "created_at",
        "updated_at",
        "attention",  # open flags: a witness who cannot attend, one that could not follow
        # The court's side of the live link: the court's own (its users set it).
        "video_url",
        "video_room",
        "video_pin",
        "link_version",
    }
)

#: Court users: what the court needs, and no more.
COURT_SEES: dict[str, frozenset[str]] = {
    BOOKING: _COURT_BOOKING,
    WITNESS: frozenset({"id", "initials", "witness_type", "anonymised_at"}),
    # A history entry's changes, by field: the booking's, and the entries' own (a flag raised
    # or resolved, a message sent or failed, with the provider's error code, the court's own
    # published list that moved or stood the booking down).
    HISTORY: _COURT_BOOKING | {"message", "error_code", "court_list"},
    MESSAGE: frozenset(
        {
            "id",
            "channel",
            "kind",
            "audience",
            "status",
            "provider_id",
            "error_code",
            "attempts",
            "booking_version",
            "not_before",
            "created_at",
            "sent_at",
            "delivered_at",
        }
    ),
}

_POLICE_SEE: dict[str, frozenset[str] | None] = dict.fromkeys(PARTS, EVERYTHING)

#: Role → part → the fields it sees (EVERYTHING: all of them).
POLICY: dict[str, Mapping[str, frozenset[str] | None]] = {
    Role.ADMIN: _POLICE_SEE,
    Role.SCHEDULER: _POLICE_SEE,
    Role.SUITE_MANAGER: _POLICE_SEE,
    Role.COURT_USER: COURT_SEES,
}


def role_of(who) -> str:
    """A user's role for this table (a superuser is an admin), or a role given as such. Anyone
    else (signed out, no role) gets the narrowest: the court's."""
    if isinstance(who, str):
        return who if who in POLICY else Role.COURT_USER
    if who is None or not getattr(who, "is_authenticated", False):
        return Role.COURT_USER
    if who.is_superuser:
        return Role.ADMIN
    return who.role if who.role in POLICY else Role.COURT_USER


def sees(who, part: str, field: str) -> bool:
    """Whether `who` (a user, or a role) may see `field` of `part` (BOOKING, WITNESS...)."""
    allowed = POLICY[role_of(who)][part]
    return allowed is EVERYTHING or field in allowed


V = TypeVar("V")


def visible(who, part: str, values: Mapping[str, V]) -> dict[str, V]:
    """`values` (field → anything) without the fields `who` may not see."""
    return {field: value for field, value in values.items() if sees(who, part, field)}


def hidden(who, part: str, fields: Iterable[str]) -> set[str]:
    return {field for field in fields if not sees(who, part, field)}


def witness_label(who, witness) -> str:
    """How a witness is named to `who`: the full name to the police, else the initials (or
    "withheld" once their details are anonymised, when the initials would be the placeholder's)."""
    if sees(who, WITNESS, "full_name"):
        return witness.full_name
    return "withheld" if witness.anonymised_at is not None else witness.initials


#: History entries for the witness's own force alone (and admins): that the witness had dates
#: to avoid, and why a scheduler booked over them. Court users never see these entries, not
#: even that one exists; suite managers see them for their own force's witnesses only.
OWN_FORCE_ACTIONS = frozenset({"unavailability_overridden"})


def hidden_actions(who, witness) -> frozenset[str]:
    """The history actions whose entries `who` may not see on a booking of `witness`."""
    role = role_of(who)
    if role == Role.ADMIN:
        return frozenset()
    if role != Role.COURT_USER and getattr(who, "force_id", None) == witness.force_id:
        return frozenset()
    return OWN_FORCE_ACTIONS
