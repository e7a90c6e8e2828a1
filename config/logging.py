"""Logs carry no witness data: phone numbers, email addresses and the secrets in witness links
and calendar feed URLs are masked before any record is written, whoever logged it (Django's
request log, gunicorn's access log, Celery, a library)."""

import logging
import re

PATTERNS = [
    # the secret in /w/<token>/ and /feeds/<token>.ics (and ?token=...)
    (re.compile(r"(/w/)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
    (re.compile(r"(/feeds/)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
    (re.compile(r"([?&]token=)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
    # E.164 and UK national phone numbers
    (re.compile(r"\+\d[\d ]{8,15}\d"), "[phone]"),
    (re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b"), "[phone]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
