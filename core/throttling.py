"""DRF's rate limits, counted per client address as core.net.client_ip sees it.

DRF's own `get_ident` reads X-Forwarded-For by its NUM_PROXIES setting; these ask the project's
one helper instead, so the API, the staff sign-in and the lockout agree on who the client is.
"""

import math

from rest_framework import throttling

from core.net import client_ip


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Per user when signed in; per client address otherwise."""


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    """Per user or per client address, within the view's `throttle_scope`."""


class PageRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """The same kept limiter for plain Django pages (the witness page, the staff sign-in page):
    DRF's sliding window in the cache, per client address, at the rate
    `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]`.

        throttle = PageRateThrottle("witness_page")
        if not throttle.allow_request(request, None): ...  # 429, Retry-After: retry_after()
    """

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def retry_after(self) -> str:
        """Whole seconds until the next request is allowed, for the Retry-After header."""
        return str(math.ceil(self.wait() or 0))
