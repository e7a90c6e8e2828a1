"""Logs carry no witness data, whoever logged it (Django's request log, runserver's and
gunicorn's access logs, Celery, a library). Every handler the service configures runs
`RedactingFilter` before it formats a record, and the filter applies these rules:

1. **Query strings.** Every query-string value in the message is replaced by `[redacted]`,
   except the values of the parameters in `SAFE_QUERY_PARAMETERS` (page numbers, ids, dates,
   fixed choices such as `status` or `group_by`), and those only while they look like an id, a
   date, a time or a choice word (letters, digits and `_ . : -`, at most 64 characters). A name
   typed into the witness search (`?q=Amelia+Pond`), a free-text reason, a `?next=` URL or
   anything a new page adds is therefore redacted without anyone listing it: the list says
   what may be shown, not what must be hidden.
2. **Patterns.** The secrets in witness links (`/w/<token>/`) and calendar feeds
   (`/feeds/<token>.ics`, `?token=`), phone numbers (E.164 and UK national) and email
   addresses are masked wherever they appear, traceback included.
3. **Exceptions.** Names cannot be recognised by a pattern, and an exception's message is where
   a value from the database ends up (`IntegrityError`'s "Key (phone)=(...)", a
   `ValidationError`'s "'Amelia Pond' is not ...", a provider's error quoting the number). So
   in a logged traceback every exception's *message* (and its notes) is replaced by
   `[redacted]`; its type and the frames (file, line, function and source line) are kept,
   which is what finding the fault needs. The same message text is removed from the log line
   itself when it quotes the exception (`logger.warning("Failed: %s", exc)`, Celery's
   "Task ... raised unexpected: ValueError('...')"). Only `OSError`s keep their message
   (connection refused, timed out, a file name: the infrastructure, not the data), after the
   patterns above.

The traceback is rendered once, by the filter, into `record.exc_text`, and `record.exc_info`
is cleared so that no handler renders it again from the live exception. A traceback rendered
before redaction (by a handler outside this configuration) is dropped.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from typing import Any

import structlog

REDACTED = "[redacted]"

# Parameters whose values are ids, dates, times or fixed choices: never free text.
SAFE_QUERY_PARAMETERS = frozenset(
    {
        # paging and output
        "page",
        "page_size",
        "format",
        "ordering",
        # periods and days
        "date",
        "from",
        "to",
        "week",
        "start",
        "end",
        "starts_at",
        "ends_at",
        "starts_after",
        "starts_before",
        *(
            f"{prefix}_{part}"
            for prefix in ("on", "from", "to")
            for part in ("day", "month", "year")
        ),
        # ids
        "court",
        "suite",
        "hearing",
        "witness",
        "force",
        "message",
        # fixed choices
        "group_by",
        "status",
        "outcome",
        "scope",
        "witness_type",
        "hearing_type",
        "is_active",
        "location_confidential",
        "answered",
    }
)
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.:\-]{0,64}")
# `[?&]name=value`, the value ending where a URL would (space, quote, bracket, `&`, `#`).
_QUERY_PARAMETER = re.compile(r"(?P<lead>[?&](?P<name>[^=&#?\s\"'<>]+)=)(?P<value>[^&#\s\"'<>]*)")
_PLACEHOLDER = re.compile(r"\[\w+\]")

# Link and feed secrets: masked before query strings are, so that `?token=` reads `[token]`.
SECRET_PATTERNS = [
    # the secret in /w/<token>/ and /feeds/<token>.ics (and ?token=...)
    (re.compile(r"(/w/)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
    (re.compile(r"(/feeds/)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
    (re.compile(r"([?&]token=)[A-Za-z0-9_\-]{8,}"), r"\1[token]"),
]
CONTACT_PATTERNS = [
    # E.164 and UK national phone numbers
    (re.compile(r"\+\d[\d ]{8,15}\d"), "[phone]"),
    (re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b"), "[phone]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
]
PATTERNS = SECRET_PATTERNS + CONTACT_PATTERNS

# Exceptions whose messages describe the infrastructure, not the data (rule 3).
MESSAGE_KEPT_FOR = (OSError,)
# Shorter message texts are not hunted for in the log line: they would mangle ordinary words.
_SHORTEST_HUNTED = 3


def _query_value(match: re.Match) -> str:
    name, value = match["name"], match["value"]
    if _PLACEHOLDER.fullmatch(value) or (
        name in SAFE_QUERY_PARAMETERS and _SAFE_VALUE.fullmatch(value)
    ):
        return match[0]
    return match["lead"] + REDACTED


def redact(text: str) -> str:
    """Rules 1 and 2: query-string values and the patterns."""
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    text = _QUERY_PARAMETER.sub(_query_value, text)
    for pattern, replacement in CONTACT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


# --- Exceptions (rule 3) ----------------------------------------------------------------------


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the members of exception groups."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        pending.extend(getattr(current, "exceptions", ()))


def _keeps_message(exc: BaseException) -> bool:
    return isinstance(exc, MESSAGE_KEPT_FOR)


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


def exception_summary(exc: BaseException) -> str:
    """The last line of a traceback, as rule 3 allows it: `Type` or `Type: [redacted]`."""
    message = str(exc)
    if not message:
        return _type_name(exc)
    return f"{_type_name(exc)}: {redact(message) if _keeps_message(exc) else REDACTED}"


def _format(exc: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(exc))
    lines: list[str] = []
    cause, context = exc.__cause__, exc.__context__
    if cause is not None and id(cause) not in seen:
        lines += _format(cause, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif context is not None and not exc.__suppress_context__ and id(context) not in seen:
        lines += _format(context, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if exc.__traceback__ is not None:
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_tb(exc.__traceback__)
    lines.append(exception_summary(exc) + "\n")
    if getattr(exc, "__notes__", None):
        lines.append(f"[{len(exc.__notes__)} note(s) redacted]\n")
    for number, member in enumerate(getattr(exc, "exceptions", ()), start=1):
        if id(member) in seen:
            continue
        lines.append(f"+---------------- {number} ----------------\n")
        lines += ["| " + line for line in "".join(_format(member, seen)).splitlines(True)]
    return lines


def redacted_traceback(exc: BaseException) -> str:
    """The traceback Python would print, with every exception's message and notes redacted
    (rule 3) and the patterns applied to the rest."""
    return redact("".join(_format(exc, set())).rstrip("\n"))


def _hunted_texts(exceptions: list[BaseException]) -> list[str]:
    """How the exceptions' messages can appear in a log line: `str(exc)`, and its escaped form
    as `repr(exc)` quotes it (newlines as `\\n`)."""
    texts = set()
    for exc in exceptions:
        if _keeps_message(exc):
            continue
        message = str(exc)
        texts.update({message, repr(message)[1:-1]})
    # longest first, so a message containing another is removed whole
    return sorted((t for t in texts if len(t) >= _SHORTEST_HUNTED), key=len, reverse=True)


def _without_exceptions(args: Any) -> Any:
    """Log arguments with each exception replaced by its rule-3 summary."""

    def safe(value: Any) -> Any:
        return exception_summary(value) if isinstance(value, BaseException) else value

    # A mapping is rebuilt only when it holds an exception: gunicorn's access-log atoms are a
    # dict subclass that answers for headers it was not given.
    if isinstance(args, dict) and any(isinstance(v, BaseException) for v in args.values()):
        return {key: safe(value) for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(safe(value) for value in args)
    return args


class RedactingFilter(logging.Filter):
    """Applies the module's three rules to every record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False):
            return True  # the same record reaching a second handler
        exceptions: list[BaseException] = []
        if record.exc_info and record.exc_info[1] is not None:
            exceptions += _chain(record.exc_info[1])
            record.exc_text = redacted_traceback(record.exc_info[1])
        elif record.exc_text:
            record.exc_text = "[traceback redacted: it was rendered before redaction]"
        record.exc_info = None
        if isinstance(record.msg, BaseException):  # logger.error(exc)
            exceptions.append(record.msg)
            record.msg = exception_summary(record.msg)
        args = record.args
        if isinstance(args, dict):
            exceptions += [v for v in args.values() if isinstance(v, BaseException)]
        elif isinstance(args, tuple):
            exceptions += [v for v in args if isinstance(v, BaseException)]
        exceptions = [e for exc in exceptions for e in _chain(exc)]
        try:
            message = str(record.msg) % _without_exceptions(args) if args else str(record.msg)
        except Exception:  # a bad format string: show neither it nor its arguments
            message = "[log message redacted: it could not be formatted]"
        for text in _hunted_texts(exceptions):
            message = message.replace(text, REDACTED)
        record.msg, record.args = redact(message), None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.redacted = True
        return True


# --- Formatters -------------------------------------------------------------------------------

LOG_FORMATS = ("plain", "json")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def _redacted_exception(logger, method_name, event_dict):
    """structlog reads the live exception (`exc_info`), which the filter has cleared: the JSON
    line carries the redacted traceback the filter rendered instead."""
    record = event_dict.get("_record")
    if record is not None and record.exc_text:
        event_dict["exception"] = record.exc_text
    return event_dict


def json_formatter() -> logging.Formatter:
    """One JSON object per line: timestamp, level, logger, event (the redacted message) and,
    for an error, the redacted traceback. For log collectors in production."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            _redacted_exception,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.JSONRenderer(),
        ],
    )


def console_formatter(log_format: str = "plain") -> logging.Formatter:
    """The formatter LOG_FORMAT names (dictConfig's factory for settings and gunicorn)."""
    if log_format == "json":
        return json_formatter()
    if log_format == "plain":
        return logging.Formatter(PLAIN_FORMAT)
    raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
