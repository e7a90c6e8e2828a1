"""The audit page: an admin reads who did or read what, when and from where, by record, by person
and by day, and takes it away as CSV; nobody else finds anything there."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
import time_machine

from accounts import audit
from accounts.models import Role
from bookings import services
from evidence_suites.services import suite_update
from tests.factories import UserFactory, WitnessFactory, london
from tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def admin(db):
    return UserFactory(username="site.admin", role=Role.ADMIN, force=None, is_superuser=True)


def test_an_admin_sees_who_changed_what_newest_first_and_from_where(
    admin, scheduler, officer, clock
):
    signed_in(scheduler).get(f"/witnesses/{officer.pk}/", REMOTE_ADDR="203.0.113.9")
    clock.shift(timedelta(minutes=5))
    services.witness_update(witness=officer, full_name="Amelia Williams")

    response = signed_in(admin).get("/audit/")

    assert response.status_code == 200
    page = text(response)
    changed = page.index("Changed: Witness")
    read = page.index("Read on the witness page: Witness")
    assert changed < read  # newest first
    assert "full name : Amelia Pond → Amelia Williams" in page
    assert "sussex.scheduler" in page
    assert "203.0.113.9" in page
    assert "Audit log" in [item["label"] for item in response.context["nav_items"]]


@pytest.mark.parametrize("role", ["scheduler", "suite_manager", "court_user"])
def test_a_scheduler_cannot_open_the_audit_page(request, role, officer):
    user = request.getfixturevalue(role)
    client = signed_in(user)

    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/", {"format": "csv"}).status_code == 404
    menu = client.get("/").context["nav_items"]
    assert "Audit log" not in [item["label"] for item in menu]


def test_an_admin_finds_one_witnesss_entries_by_its_number(admin, sussex, officer, other_officer):
    services.witness_update(witness=other_officer, email="rory@sussex.police.example")

    response = signed_in(admin).get(
        "/audit/", {"object_type": "bookings.witness", "object_id": other_officer.pk}
    )

    page = text(response)
    assert "2 entries match" in page
    assert "Rory Williams" in page
    assert "Amelia Pond" not in page


def test_an_admin_finds_what_one_person_did_on_one_day(admin, scheduler, officer, other_officer):
    with time_machine.travel(london(2027, 3, 22, 9), tick=False):
        signed_in(scheduler).get(f"/witnesses/{officer.pk}/")
    with time_machine.travel(london(2027, 3, 23, 9), tick=False):
        signed_in(scheduler).get(f"/witnesses/{other_officer.pk}/")
        signed_in(admin).get(f"/witnesses/{officer.pk}/")

    response = signed_in(admin).get(
        "/audit/", {"who": "Sussex.Scheduler", "on_day": "23", "on_month": "3", "on_year": "2027"}
    )

    page = text(response)
    # the read of Rory's page, and the sign-in before it
    assert "2 entries match" in page
    assert "Read on the witness page: Witness" in page
    assert "Rory Williams" in page
    assert "Amelia Pond" not in page


def test_a_number_without_what_it_is_of_is_an_error_on_the_page(admin):
    response = signed_in(admin).get("/audit/", {"object_id": "42"})

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert "Select what the number is of" in text(response)


def test_entries_come_fifty_to_a_page(admin, sussex):
    witnesses = WitnessFactory.create_batch(60, force=sussex)
    audit.record_access(witnesses, via="witnesses page")

    client = signed_in(admin)
    first, second = client.get("/audit/"), client.get("/audit/", {"page": 2})

    assert len(first.context["rows"]) == 50
    assert "showing 1 to 50, newest first" in text(first)
    assert len(second.context["rows"]) > 10  # the witnesses' creation, then their reads


def test_the_csv_export_neutralises_a_formula_in_a_suite_name(admin, suite):
    formula = '=HYPERLINK("https://evil.example","Click")'
    suite_update(suite=suite, name=formula)

    response = signed_in(admin).get(
        "/audit/", {"object_type": "evidence_suites.suite", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    [renamed, created] = csv_rows(response)
    assert renamed["object"] == "'" + formula
    assert renamed["action"] == "changed"
    assert renamed["changes"].startswith("{")
    assert json.loads(renamed["changes"]) == {"name": ["Brighton Police Station", formula]}
    assert created["object"] == "Brighton Police Station"


def test_a_long_audit_log_is_paged_newest_first_with_older_entries_a_link_away(admin_user):
    # given: sixty witnesses read, one audit entry each, then one more read
    audit.record_access(WitnessFactory.create_batch(60), via="a test")

    # when
    first = signed_in(admin_user).get("/audit/")
    second = signed_in(admin_user).get("/audit/?page=2")

    # then
    html = first.content.decode()
    assert 'aria-label="Pages of audit entries"' in html
    assert "Older entries" in text(first)
    assert "Newer entries" not in text(first)
    assert "Newer entries" in text(second)
    assert re.search(r"aria-current=\"page\">\s*2\s*<", second.content.decode())
