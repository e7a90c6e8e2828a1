"""The court's side of a booking's live link: the court's join link or its room number (never
both), and a guest PIN, set by the booking's force's schedulers and its court's users.

Nobody texts the witness about it, so it leaves the booking's notice_version alone (news on its
way to the witness is not made stale by it); it raises `link_version`, which the suite's invite
adds to its SEQUENCE, and announces `events.booking_video_link_changed` for the invite and the
court's feed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.errors import Conflict, DomainError

from .. import events, rules
from ..models import OPEN_STATUSES, Booking, HistoryAction
from .history import _diff, booking_event_record
from .locking import _compare_and_swap

VIDEO_LINK_FIELDS = ("video_url", "video_room", "video_pin")


def _validated(values: dict[str, str]) -> dict[str, str]:
    """The values trimmed, each checked by its model field's validators (https link of at most
    120 characters; room of up to 8 letters or digits; PIN of up to 8 digits), and the
    combination: a link or a room, not both, and a PIN only with one of them."""
    values = {name: (value or "").strip() for name, value in values.items()}
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        if not value:
            continue
        try:
            Booking._meta.get_field(name).run_validators(value)
        except ValidationError as error:
            problems[name] = error.messages
    if values["video_url"] and values["video_room"]:
        problems.setdefault("video_room", []).append(
            "Give the court's link or its room number, not both (clear video_url to give a room)."
        )
    if values["video_pin"] and not (values["video_url"] or values["video_room"]):
        problems.setdefault("video_pin", []).append(
            "A PIN goes with the court's link or room number: give one of them too."
        )
    if problems:
        raise DomainError("invalid", "The court's video link is not valid.", fields=problems)
    return values


@transaction.atomic
def booking_set_video_link(
    *,
    actor: User | None,
    booking: Booking,
    video_url: str = "",
    video_room: str = "",
    video_pin: str = "",
) -> Booking:
    """Set the court's link (`video_url` or `video_room`, and `video_pin`) on an open booking
    (confirmed or checked in; 409 `invalid_transition` otherwise), as `actor` may
    (rules.video_link_refusal). The values given replace all three: an empty one clears it.
    Nothing changed, nothing recorded."""
    refusal = rules.video_link_refusal(actor, booking)
    if refusal is not None:
        raise refusal
    values = _validated({"video_url": video_url, "video_room": video_room, "video_pin": video_pin})
    if booking.status not in OPEN_STATUSES:
        raise Conflict(
            "invalid_transition",
            f"A {booking.get_status_display().lower()} booking cannot be given a video link.",
        )
    changes = _diff(booking, values)
    if not changes:
        return booking
    booking = _compare_and_swap(
        booking, OPEN_STATUSES, link_version=F("link_version") + 1, **values
    )
    booking_event_record(
        booking=booking, actor=actor, action=HistoryAction.VIDEO_LINK_SET, changes=changes
    )
    events.booking_video_link_changed.send(sender=Booking, booking=booking)
    return booking
