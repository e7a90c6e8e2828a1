"""Fixtures for the security tests: data built once per module inside a transaction that is
rolled back at the end (each test still runs in its own savepoint), the app as a WSGI callable
that shares the test's transaction, and per-test throttle counters."""

import contextlib
import uuid

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction


@contextlib.contextmanager
def module_data(django_db_blocker):
    """Open a transaction for a whole module's data and roll it back afterwards. Each test's
    own `db` transaction nests inside it as a savepoint, so what one test changes the next one
    does not see, and building the data is paid for once."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fresh_throttles(settings):
    """A cache of the test's own, so rate limits count only this test's requests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"security-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def connection_kept_across_requests(db):
    """Django's WSGI handler closes the database connection after each request, which would end
    the transaction the test's data lives in; like Django's test client, keep it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


KNOWN_BUG = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items):
    """An operation a fuzz test knows to fail because of an unfixed bug (`KNOWN_BUGS` in its
    module) is an xfail named after the bug, and a strict one: see below."""
    for item in items:
        known = getattr(item.module, "KNOWN_BUGS", None)
        label = getattr(item, "operation_label", None)
        caller = getattr(getattr(item, "test_function", None), "caller", None)
        if known and label and caller and (caller, label) in known:
            item.stash[KNOWN_BUG] = known[(caller, label)]
            item.add_marker(pytest.mark.xfail(reason=known[(caller, label)]))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Strict xfail by hand: pytest's own `strict=True` makes schemathesis's report hook crash
    the whole run (INTERNALERROR) when the bug is fixed, so an unexpected pass is turned into
    a failure here, after that hook has seen it."""
    report = yield
    bug = item.stash.get(KNOWN_BUG, None)
    if bug and call.when == "call" and report.passed and hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"[XPASS(strict)] Fixed? Take it out of KNOWN_BUGS: {bug}"
    return report
