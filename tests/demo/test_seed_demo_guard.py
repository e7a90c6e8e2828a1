"""`manage.py seed_demo` will not load its demo sign-ins (an admin among them, with the password
the README publishes) into production: it runs with DEBUG on, or when told the database is not
production."""

from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from demo import data as demo_data
from tests.factories import london

pytestmark = pytest.mark.django_db


def rows() -> int:
    return sum(
        model.objects.count()
        for app in ("accounts", "evidence_suites", "bookings")
        for model in apps.get_app_config(app).get_models()
    )


@pytest.fixture
def wednesday():
    with time_machine.travel(london(2027, 3, 24, 12, 30), tick=True):
        yield


def test_with_debug_off_the_demo_data_is_refused_and_nothing_is_created(settings, wednesday):
    settings.DEBUG = False
    before = rows()

    with pytest.raises(CommandError, match="--not-production"):
        call_command("seed_demo", stdout=StringIO())

    assert rows() == before
    assert authenticate(username="admin", password=demo_data.DEMO_PASSWORD) is None


def test_with_debug_on_as_make_run_has_it_the_demo_data_loads(settings, wednesday):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert authenticate(username="admin", password=demo_data.DEMO_PASSWORD) is not None


def test_saying_the_database_is_not_production_loads_it_with_debug_off(settings, wednesday):
    settings.DEBUG = False

    call_command("seed_demo", "--not-production", stdout=StringIO())

    assert authenticate(username="admin", password=demo_data.DEMO_PASSWORD) is not None
