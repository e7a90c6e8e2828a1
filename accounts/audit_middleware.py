"""Binds each request to the audit entries written while it runs (accounts.audit)."""

from auditlog.middleware import AuditlogMiddleware

from . import audit


class AuditContextMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (correlation id, the entries' address), with the client's
    address taken only as TRUSTED_PROXY_COUNT allows (django-auditlog's own believes whatever
    X-Forwarded-For a client sends) and the user agent added.

    Who is settled as each entry is written, not here: an API token is checked inside the view,
    after every middleware has run, and a sign-in changes the user half-way through a request."""

    def get_extra_data(self, request):
        return {**audit.client_details(request), "remote_port": None}

    def __call__(self, request):
        with audit.request_bound(request):
            return super().__call__(request)
