from celery import shared_task

from . import audit, services, tokens


@shared_task(ignore_result=True)
def purge_idempotency_keys() -> int:
    """Hourly (beat): stored replies to idempotent requests are kept only as long as a client
    could retry (IDEMPOTENCY_KEY_TTL_HOURS); some hold secrets shown once."""
    return services.idempotent_requests_purge()


@shared_task(ignore_result=True)
def purge_expired_api_tokens() -> int:
    """Hourly (beat): expired API tokens' rows go (they stopped working at their expiry)."""
    return tokens.api_tokens_purge_expired()


@shared_task(ignore_result=True)
def purge_audit_log() -> int:
    """Daily (beat): audit entries older than AUDIT_RETENTION_DAYS (six years) go."""
    return audit.entries_purge()
