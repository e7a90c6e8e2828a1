"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when DATABASE_URL says so;
`@pytest.mark.postgres` tests need PostgreSQL and are skipped elsewhere."""

import uuid
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from reports.models import Assumption, AssumptionKey
from tests.factories import (
    CourtFactory,
    ForceFactory,
    HearingFactory,
    SuiteFactory,
    UserFactory,
    WitnessFactory,
    london,
)


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _isolated_notifications(settings):
    """Tests send nothing anywhere unless they ask to: tasks run in-process, and Twilio is a
    closed port until a test starts the fake Twilio server."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"
    settings.PUBLIC_BASE_URL = "http://testserver"
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test gets its own in-memory cache: rate limits counted by one test (sign-ins from
    127.0.0.1) never spill into the next, and no test touches a shared Redis cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def clock():
    """Stand on Monday 22 March 2027, 09:00 in London (GMT), a few days before BST starts."""
    with time_machine.travel(london(2027, 3, 22, 9), tick=True) as traveller:
        yield traveller


@pytest.fixture
def sussex(db):
    return ForceFactory(code="sussex", name="Sussex Police")


@pytest.fixture
def kent(db):
    return ForceFactory(code="kent", name="Kent Police")


@pytest.fixture
def suite(sussex):
    return SuiteFactory(code="brighton", name="Brighton Police Station", force=sussex)


@pytest.fixture
def court(db):
    return CourtFactory(code="brighton-mc", name="Brighton Magistrates' Court")


@pytest.fixture
def hearing(court):
    """Wednesday 24 March 2027, 10:00–13:00 London time."""
    return HearingFactory(court=court)


@pytest.fixture
def officer(sussex):
    return WitnessFactory(force=sussex, full_name="Amelia Pond")


@pytest.fixture
def other_officer(sussex):
    return WitnessFactory(force=sussex, full_name="Rory Williams")


@pytest.fixture
def sussex_cost(sussex):
    """Sussex's own cost of an officer hour, £45.00 at 2026 prices, in place of the national
    figure the reports use for every other force."""
    return Assumption.objects.create(
        key=AssumptionKey.COST_PER_HOUR,
        force=sussex,
        value=Decimal("45.00"),
        unit="GBP per hour",
        year=2026,
        kind="setting",
        source="Sussex Police finance, 2026",
    )


@pytest.fixture
def scheduler(sussex):
    return UserFactory(username="sussex.scheduler", role=Role.SCHEDULER, force=sussex)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, force=None, is_superuser=True)


@pytest.fixture
def admin_browser(client, admin_user):
    """The Django admin, signed in as `createuser --role admin` makes an admin (staff too)."""
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    return client


def _client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(scheduler):
    """An API client signed in as a Sussex scheduler."""
    return _client_for(scheduler)


@pytest.fixture
def api_as():
    return _client_for


# --- API tests: the other roles, and a witness the Sussex scheduler may not see ---------------


@pytest.fixture
def suite_manager(sussex):
    return UserFactory(username="sussex.suites", role=Role.SUITE_MANAGER, force=sussex)


@pytest.fixture
def court_user(court):
    return UserFactory(username="brighton.court", role=Role.COURT_USER, force=None, court=court)


@pytest.fixture
def other_court_user(db):
    """A court user of another court than Brighton's."""
    return UserFactory(role=Role.COURT_USER, force=None, court=CourtFactory())


@pytest.fixture
def kent_scheduler(kent):
    return UserFactory(username="kent.scheduler", role=Role.SCHEDULER, force=kent)


@pytest.fixture
def kent_witness(kent):
    return WitnessFactory(force=kent, full_name="Clara Oswald")


@pytest.fixture
def kent_suite(kent):
    return SuiteFactory(code="maidstone", name="Maidstone Police Station", force=kent)


@pytest.fixture
def worthing(sussex):
    """A second Sussex suite."""
    return SuiteFactory(code="worthing", name="Worthing Police Station", force=sussex)


@pytest.fixture
def booking_payload(hearing, officer, suite):
    """The body of a booking for the hearing's whole slot: the Sussex officer at Brighton."""
    return {"hearing": hearing.pk, "witness": officer.pk, "suite": suite.pk}
