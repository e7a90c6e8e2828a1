"""What the booking services announce, one signal per event, for whoever acts on it: the
notifications app texts and emails the witness and the suite.

Bookings never imports notifications (the import-linter contracts in pyproject.toml): it sends
these, and notifications connects its receivers when it is ready (`notifications.receivers`).
They are sent inside the service's transaction with `send()`, not `send_robust()`, so what a
receiver writes (the outbox) commits or rolls back with the change itself, and a receiver's
error fails the change rather than losing its message.
"""

from django.dispatch import Signal

#: A booking was made. Arguments: `booking`.
booking_confirmed = Signal()
#: A booking moved in time or to another suite. Arguments: `booking`, `previous_suite` (the
#: suite it left, or None when the suite did not change).
booking_changed = Signal()
#: A booking was cancelled: the witness is stood down. Arguments: `booking`.
booking_cancelled = Signal()
#: A witness's mobile number (`"sms"`) or email address (`"email"`) changed, after the save.
#: Arguments: `witness`, `channels` (the set of channels that changed).
witness_contact_changed = Signal()
#: A witness's language changed, after the save. Arguments: `witness`.
witness_language_changed = Signal()
#: A witness is being anonymised: every receiver scrubs what it keeps of them and returns a
#: dict of counts by what it scrubbed. Arguments: `witness_id`, `phone`, `email`, `scrub`
#: (a function from text to scrubbed text), `dry_run` (count, change nothing).
witness_anonymising = Signal()
#: The court's side of a booking's live link (video link or room, PIN) changed; nobody texts
#: the witness about it, the suite's invite and the court's feed carry it. Arguments: `booking`.
booking_video_link_changed = Signal()
