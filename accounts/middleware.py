"""How long a staff session lasts: it ends SESSION_IDLE_MINUTES after its last request, and
SESSION_ABSOLUTE_HOURS after its sign-in however busy it is, so a session taken over (a browser
left open, a copied cookie) cannot be kept alive for ever.

Both are counted here, from two times the session holds, rather than by saving the session on
every request (SESSION_SAVE_EVERY_REQUEST): the time of the last request is written at most once
a minute, so a page costs no extra write, and the session's own expiry (SESSION_COOKIE_AGE, the
absolute limit) bounds it in the database and the browser too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
#: How stale the time of the last request may get before it is written again.
LAST_SEEN_PRECISION_SECONDS = 60


def note_sign_in_time(sender, request, user, **kwargs) -> None:
    """user_logged_in: both limits count from here. Only for a session sign-in (the token
    endpoint signs in without a session and must not start one)."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        now = timezone.now().timestamp()
        session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session to end; not touching it keeps
        # cookieless answers (feeds, the API with a token) free of `Vary: Cookie`.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._end_or_renew(request)
        return self.get_response(request)

    @staticmethod
    def _end_or_renew(request) -> None:
        session, now = request.session, timezone.now().timestamp()
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)  # a session from before the rule
        last_seen_at = session.get(LAST_SEEN_AT, now)
        idle = now - last_seen_at > settings.SESSION_IDLE_MINUTES * 60
        if idle or now - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
            logout(request)  # the page then asks them to sign in, as for any session
        elif now - last_seen_at >= LAST_SEEN_PRECISION_SECONDS or LAST_SEEN_AT not in session:
            session[LAST_SEEN_AT] = now
