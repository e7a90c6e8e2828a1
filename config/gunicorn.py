"""Gunicorn settings for production (`gunicorn config.wsgi:application -c config/gunicorn.py`)."""

import os

bind = "0.0.0.0:8000"
# The usual 2 x cores + 1, capped: os.cpu_count() sees the host's cores, not the container's share.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 4)))
threads = 2
timeout = 30
# Recycle each worker after about a thousand requests, staggered so they do not restart together.
max_requests = 1000
# The app is loaded once, in the master (config/wsgi.py imports what requests would): workers,
# new and recycled, are forked warm and share its memory. Nothing connects at import (database,
# cache and broker connections open on first use, in the worker).
preload_app = True
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"

# The access log goes through the same redaction and format (LOG_FORMAT, as in the settings)
# as the app's logs: witness-link and feed secrets are in request paths, names in query strings.
_log_format = os.environ.get("LOG_FORMAT") or (
    "json" if os.environ.get("DJANGO_ENV") == "production" else "plain"
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactingFilter"}},
    "formatters": {"console": {"()": "core.logging.console_formatter", "log_format": _log_format}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console", "filters": ["redact"]}
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
