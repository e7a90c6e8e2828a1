"""Who is calling: the client's address, as seen through the proxies we trust."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies (a TLS terminator, a load
    balancer), the address the nearest trusted proxy saw. Addresses further left in
    X-Forwarded-For are whatever the client claimed, so they are not used."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")
