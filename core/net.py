"""Who is calling: the client's address, as seen through the proxies we trust.

The one place that reads X-Forwarded-For: rate limits (core.throttling, the sign-in and
witness pages) and sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE) all ask `client_ip`.
"""

from ipaddress import ip_address

from django.conf import settings

# No address at all (never the case behind a TCP server): such callers share one bucket.
UNSPECIFIED = "0.0.0.0"


def _address(value: str) -> str | None:
    """`value` as an IP address, without the port some proxies append; None if it is not one."""
    value = value.strip()
    candidates = [value]
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:  # 203.0.113.7:443
        candidates.append(value.split(":")[0])
    for candidate in candidates:
        try:
            return str(ip_address(candidate))
        except ValueError:
            continue
    return None


def client_ip(request) -> str:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies (a TLS terminator, a load
    balancer), the address the nearest trusted proxy saw. Addresses further left in
    X-Forwarded-For are whatever the client claimed, so they are not used; with no trusted
    proxy (the default) the header is ignored altogether."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            seen = _address(forwarded[-proxies])
            if seen:
                return seen
    return _address(request.META.get("REMOTE_ADDR", "")) or UNSPECIFIED
