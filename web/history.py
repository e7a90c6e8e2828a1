"""A booking's history as staff read it: when, who, what was done, and each change from before
to after, in words rather than field names and ids. Fields the user's role may not see
(bookings.visibility) are left out."""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat

from bookings import selectors, visibility
from bookings.models import (
    AttentionKind,
    Booking,
    BookingStatus,
    HistoryAction,
    LiveLinkBasis,
    Outcome,
)
from core.clock import local
from evidence_suites.models import Suite


def _action_words(action: str) -> str:
    """The booking page's words for a history action (bookings.models.HistoryAction); an
    action recorded before it had words there reads as its name."""
    if action in HistoryAction.values:
        return HistoryAction(action).label
    return action.replace("_", " ").capitalize()


FIELD_WORDS = {
    "status": "Status",
    "hearing": "Hearing",
    "witness": "Witness",
    "suite": "Suite",
    "starts_at": "From",
    "ends_at": "Until",
    "cancellation_reason": "Reason",
    "checked_in_at": "Arrived",
    "released_at": "Released",
    "outcome": "Outcome",
    "witness_confirmed_at": "Witness confirmed",
    "attention": "Needs attention",
    "message": "Message",
    "error_code": "Error code",
    "needs_supporter": "Supporter",
    "needs_intermediary": "Intermediary",
    "interpreter_language": "Interpreter",
    "live_link_basis": "Live link direction",
    "notes": "Staff notes",
    # The court list a `court_list` entry followed (court_lists.services.list_words).
    "court_list": "Followed",
    # The court's side of the live link (`video_link_set`).
    "video_url": "Court's video link",
    "video_room": "Court's video room",
    "video_pin": "Guest PIN",
    # A booking over the witness's dates to avoid (`unavailability_overridden`): the periods
    # in words, and the scheduler's reason.
    "unavailability": "Dates to avoid",
    "override_unavailability": "Reason to book anyway",
    "overrides_rest_day": "On a rest day",
}

TIME_FIELDS = {"starts_at", "ends_at", "checked_in_at", "released_at", "witness_confirmed_at"}

#: Fields whose values are one of a list of choices: shown by the choice's label.
CHOICE_FIELDS = {"status": BookingStatus, "outcome": Outcome, "live_link_basis": LiveLinkBasis}


def when(moment: datetime | None) -> str:
    """'Wednesday 24 March 2027, 10:00' in London time."""
    return dateformat.format(local(moment), "l j F Y, H:i") if moment else ""


def attention_words(kind: str) -> str:
    """What needs attention, as the attention list says it."""
    if kind in selectors.ATTENTION_LABELS:
        return selectors.ATTENTION_LABELS[kind]
    try:
        return AttentionKind(kind).label
    except ValueError:
        return str(kind)


class History:
    """A booking's history in words: when, who, what, and each change before → after."""

    def __init__(self, booking: Booking, events, *, user):
        self.booking = booking
        self.user = user
        self.events = list(events)
        suite_ids = {
            value
            for event in self.events
            for value in event.changes.get("suite", [])
            if isinstance(value, int) and value != booking.suite_id
        }
        self.suites = {booking.suite_id: booking.suite.name}
        if suite_ids:
            self.suites.update(Suite.objects.filter(pk__in=suite_ids).values_list("id", "name"))

    def words(self, field: str, value) -> str | None:
        if value is None or value == "":
            return None
        booking = self.booking
        if field in TIME_FIELDS:
            try:
                return when(datetime.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        if field in CHOICE_FIELDS:
            try:
                return CHOICE_FIELDS[field](value).label
            except ValueError:
                return str(value)
        if field == "suite":
            return self.suites.get(value, f"Suite {value}")
        if field == "hearing" and value == booking.hearing_id:
            return f"{booking.hearing.case_reference} at {booking.hearing.court.name}"
        if field == "witness" and value == booking.witness_id:
            return visibility.witness_label(self.user, booking.witness)
        if field == "attention":
            return attention_words(value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    def entries(self) -> list[dict]:
        entries = []
        for event in reversed(self.events):
            changes = []
            for field, pair in event.changes.items():
                before, after = [*pair, None, None][:2]
                if not visibility.sees(self.user, visibility.HISTORY, field):
                    continue
                changes.append(
                    {
                        "label": FIELD_WORDS.get(field, field.replace("_", " ").capitalize()),
                        "before": self.words(field, before),
                        "after": self.words(field, after)
                        or ("dealt with" if field == "attention" else "none"),
                    }
                )
            entries.append(
                {
                    "at": event.at,
                    "who": event.actor_label,
                    "what": _action_words(event.action),
                    "changes": changes,
                }
            )
        return entries
