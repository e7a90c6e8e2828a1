"""The calendar feed that Outlook, Google and Apple calendars poll: `/feeds/<token>.ics`, or
`/feeds/?token=<token>` for clients that mangle paths.

No account and no session: the token in the address is the key. Calendar clients poll often, so
an unchanged feed costs three queries and a 304, decided before anything is rendered."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from . import feeds, services

CACHE_CONTROL = "private, max-age=300"


def _not_found() -> JsonResponse:
    response = JsonResponse(
        {"code": "not_found", "detail": "There is no feed at this address; it may be revoked."},
        status=404,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def feed(request, token: str | None = None):
    secret = token if token is not None else request.GET.get("token", "")
    feed_token = feeds.feed_token_for_secret(secret)
    if feed_token is None:
        return _not_found()
    services.feed_token_record_fetch(
        token=feed_token, user_agent=request.headers.get("User-Agent", "")
    )
    window = feeds.feed_window()
    version = feeds.feed_version(token=feed_token, window=window)
    headers = {
        "ETag": version.etag,
        "Last-Modified": http_date(version.last_modified.timestamp()),
        "Cache-Control": CACHE_CONTROL,
        "X-Robots-Tag": "noindex",
    }
    unchanged = get_conditional_response(
        request, etag=version.etag, last_modified=int(version.last_modified.timestamp())
    )
    if unchanged is not None:  # 304 Not Modified (or 412 for a failed If-Match)
        for name, value in headers.items():
            unchanged[name] = value
        return unchanged
    body = feeds.feed_calendar(token=feed_token, window=window)
    # HEAD is rendered too, so its headers (Content-Length included) are exactly GET's.
    response = HttpResponse(
        body if request.method == "GET" else b"",
        content_type="text/calendar; charset=utf-8",
        headers=headers,
    )
    response["Content-Length"] = str(len(body))
    return response
