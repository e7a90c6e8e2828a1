"""Where a suite is, and who may know: the one confidential-location policy.

A confidential suite (`Suite.location_confidential`) is a secret place for vulnerable
witnesses. Its address, postcode and coordinates are for the police who run it:

- **Staff screens and the API**: police roles and admins see them; court users never do, nor
  any distance from a point they chose, which would give the place away too
  (`may_see_whereabouts`, `hide_whereabouts`).
- **What leaves the service** (texts, calendar feeds, email invites): never, for anyone. Its
  public name is all they carry, and the witness is told "the witness care team will tell you
  where to go" (`shareable_location`, `WHERE_TO_GO_SEPARATELY`).
"""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import is_admin

#: What replaces a confidential suite's whereabouts for someone who may not see them.
HIDDEN = {"address": "", "postcode": "", "latitude": None, "longitude": None}

#: The line a witness's invite or feed event carries instead of a confidential address.
WHERE_TO_GO_SEPARATELY = "The witness care team will tell you where to go."


def may_see_whereabouts(user, suite) -> bool:
    """`suite` is a Suite or a row with `location_confidential` (the availability rows)."""
    confidential = (
        suite["location_confidential"] if isinstance(suite, dict) else suite.location_confidential
    )
    return not confidential or is_admin(user) or getattr(user, "role", None) != Role.COURT_USER


def hide_whereabouts(user, suite, data: dict) -> dict:
    """`data` (a suite's API representation or availability row) with the whereabouts blanked
    when `user` may not see them; a distance, when there is one, goes too."""
    if not may_see_whereabouts(user, suite):
        data.update(HIDDEN)
        if "distance_km" in data:
            data["distance_km"] = None
    return data


def shareable_location(suite) -> str:
    """The suite as a text, feed or invite may name it: its name and address, or only its
    public name when the location is confidential."""
    if suite.location_confidential:
        return suite.name
    return f"{suite.name}, {' '.join(suite.address.split())}, {suite.postcode}"
