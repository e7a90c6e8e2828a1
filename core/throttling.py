"""DRF's rate limits, counted per client address as core.net.client_ip sees it.

DRF's own `get_ident` reads X-Forwarded-For by its NUM_PROXIES setting; these ask the project's
one helper instead, so the API, the staff sign-in and the lockout agree on who the client is.
"""

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
