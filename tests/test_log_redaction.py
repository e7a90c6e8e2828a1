"""Names stay out of the logs: what staff type into a search, and what an exception says about a
witness, reach no handler in clear (the rules are in core/logging.py)."""

import json
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.test.testcases import QuietWSGIRequestHandler

from bookings import selectors

NAME = "Amelia Pond"  # the `officer` fixture
BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def every_handler(monkeypatch):
    """What every handler configured anywhere would write (the console, Django's own, pytest's),
    one string per record, redaction included."""
    written: list[str] = []
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {id(h): h for logger in loggers for h in logger.handlers}
    for handler in handlers.values():
        monkeypatch.setattr(
            handler, "emit", lambda record, h=handler: written.append(h.format(record))
        )
    logging.getLogger().setLevel(logging.INFO)
    return written


@pytest.fixture
def runserver_request_log(monkeypatch):
    """The live server logs each request as `manage.py runserver` does (Django's test server
    is quiet by default)."""
    monkeypatch.setattr(QuietWSGIRequestHandler, "log_message", WSGIRequestHandler.log_message)


def fetch(live_server, path: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(
        live_server.url + path, headers={"Cookie": f"sessionid={session}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_a_witness_search_reaches_the_request_log_without_the_name(
    live_server, runserver_request_log, every_handler, officer, scheduler
):
    # given: a signed-in scheduler
    browser = Client()
    browser.force_login(scheduler)
    session = browser.cookies["sessionid"].value

    # when: they search for a witness by name, then follow a link that is not there
    status, page = fetch(live_server, "/witnesses/?q=Amelia+Pond&page=1", session)
    missing, _ = fetch(live_server, "/witnesses/999999/?q=Amelia+Pond", session)

    # then: the search worked, and neither request line (nor Django's warning) has the name
    assert status == 200 and NAME in page
    assert missing == 404
    written = "\n".join(every_handler)
    assert '"GET /witnesses/?q=[redacted]&page=1 HTTP/1.1" 200' in written
    assert "Not Found: /witnesses/999999/" in written
    assert "Amelia" not in written
    assert "Pond" not in written


def test_the_gunicorn_access_log_keeps_names_out_of_the_request_and_the_referrer(
    every_handler,
):
    # gunicorn's default access-log format, with the atoms it fills in for a request
    access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    atoms = {
        "h": "10.0.0.7",
        "l": "-",
        "u": "-",
        "t": "[22/Mar/2027:09:00:00 +0000]",
        "r": "GET /api/v1/witnesses/?search=Amelia%20Pond&page=2 HTTP/1.1",
        "s": "200",
        "b": "812",
        "f": "https://suites.example/book/?date=2027-03-24&q=Amelia+Pond",
        "a": "Mozilla/5.0",
    }

    logging.getLogger("gunicorn.access").info(access_log_format, atoms)

    written = "\n".join(every_handler)
    assert "/api/v1/witnesses/?search=[redacted]&page=2" in written
    assert "/book/?date=2027-03-24&q=[redacted]" in written
    assert "Amelia" not in written


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        # page numbers, ids, dates and choices stay readable for whoever reads the log
        (
            "/api/v1/bookings/?date=2027-03-24&court=3&status=confirmed&page=2",
            "/api/v1/bookings/?date=2027-03-24&court=3&status=confirmed&page=2",
        ),
        ("/reports/?from_day=1&from_month=3&group_by=suite", None),
        # free text is redacted whatever the parameter, even in one that holds dates
        ("/hearings/?date=Amelia+Pond", "/hearings/?date=[redacted]"),
        ("/sign-in/?next=/witnesses/%3Fq%3DAmelia", "/sign-in/?next=[redacted]"),
        ("/api/v1/suites/availability/?near=50.82,-0.13", "?near=[redacted]"),
        ("/book/?reason=Amelia&full_name=Amelia+Pond", "?reason=[redacted]&full_name=[redacted]"),
    ],
)
def test_only_ids_dates_and_choices_in_a_query_string_are_logged(every_handler, path, logged):
    logging.getLogger("django.server").info('"GET %s HTTP/1.1" 200 12', path)

    written = "\n".join(every_handler)
    assert (logged or path) in written
    assert "Amelia" not in written


def test_an_exception_naming_a_witness_is_logged_without_the_name(every_handler, officer):
    def send_text(witness):
        try:
            raise KeyError(witness.full_name)
        except KeyError as missing:
            error = ValueError(f"No mobile for {witness.full_name}\nDETAIL: Key (phone)=(...)")
            error.add_note(f"witness: {witness.full_name}")
            raise error from missing

    try:
        send_text(officer)
    except ValueError as exc:
        logging.getLogger("notifications").exception("Message 42 could not be sent")
        logging.getLogger("notifications").warning("Message 42 failed: %s", exc)
        logging.getLogger("notifications").error(exc)
        # Celery's own line for a failed task quotes the exception's repr
        logging.getLogger("celery.app.trace").error(
            "Task %(name)s[%(id)s] raised unexpected: %(exc)s",
            {"name": "notifications.tasks.send", "id": "abc", "exc": repr(exc)},
            exc_info=True,
        )

    written = "\n".join(every_handler)
    assert "Amelia" not in written and "Pond" not in written
    # what finding the fault needs is still there: where, and what kind of error
    assert "in send_text" in written
    assert "ValueError: [redacted]" in written
    assert "KeyError: [redacted]" in written
    assert "The above exception was the direct cause" in written
    assert "Message 42 failed: ValueError: [redacted]" in written
    assert "raised unexpected: ValueError('[redacted]')" in written


def test_a_page_that_fails_on_a_witness_logs_no_name(
    every_handler, monkeypatch, officer, scheduler
):
    def broken(*, user):
        raise RuntimeError(f"cannot list {officer.full_name} on {officer.phone}")

    monkeypatch.setattr(selectors, "witness_list", broken)
    browser = Client(raise_request_exception=False)
    browser.force_login(scheduler)

    response = browser.get("/witnesses/?q=Amelia+Pond")

    assert response.status_code == 500
    written = "\n".join(every_handler)
    assert "Internal Server Error: /witnesses/" in written
    assert "RuntimeError: [redacted]" in written
    assert "Amelia" not in written
    assert "7700" not in written


def test_a_network_error_keeps_its_message(every_handler):
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except OSError:
        logging.getLogger("notifications").exception("Twilio unreachable")

    assert "ConnectionRefusedError: [Errno 111] Connection refused" in "\n".join(every_handler)


def test_with_log_format_json_each_line_is_one_redacted_json_object():
    script = (
        "import django, logging; django.setup(); log = logging.getLogger('notifications')\n"
        "log.info('GET /witnesses/?q=Amelia+Pond&page=2 HTTP/1.1')\n"
        "try:\n"
        "    raise ValueError('No mobile for Amelia Pond')\n"
        "except ValueError:\n"
        "    log.exception('Message 42 could not be sent')\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [json.loads(line) for line in result.stderr.splitlines()]  # each line parses alone
    by_event = {line["event"]: line for line in lines}
    request = by_event["GET /witnesses/?q=[redacted]&page=2 HTTP/1.1"]
    assert request["level"] == "info" and request["logger"] == "notifications"
    assert request["timestamp"]
    failure = by_event["Message 42 could not be sent"]
    assert failure["level"] == "error"
    assert "ValueError: [redacted]" in failure["exception"]
    assert "Amelia" not in result.stderr
