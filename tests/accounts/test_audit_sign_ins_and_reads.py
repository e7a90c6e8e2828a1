"""Every sign-in, every change of a password or two-factor device, and every read of a
witness's details leaves a trace of who, when and from where (issue 13, finding 5; README,
"Security"), and never the secret or what was searched for."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry, User
from bookings.models import Witness
from tests.accounts.conftest import FROM_THE_LIST_OFFICE, PASSWORD, api_sign_in, entries_about
from tests.factories import WitnessFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


# --- Sign-ins, passwords and two-factor -----------------------------------------------------------


def test_sign_ins_failed_sign_ins_and_a_lockout_are_recorded(scheduler):
    Client().post(
        "/sign-in/", {"username": "sussex.scheduler", "password": PASSWORD}, **FROM_THE_LIST_OFFICE
    )
    for guess in range(5):
        Client().post(
            "/sign-in/",
            {"username": "sussex.scheduler", "password": f"guess-{guess}"},
            REMOTE_ADDR="198.51.100.66",
        )
    Client().post("/sign-in/", {"username": "nobody", "password": "guess"})

    events = [
        (e.additional_data["event"], e.actor_label, e.remote_addr)
        for e in entries_about(User, scheduler.pk, Action.ACCESS)
    ]
    assert events[0] == ("signed in", "sussex.scheduler", "203.0.113.9")
    assert events.count(("sign-in failed", "anonymous", "198.51.100.66")) == 5
    assert ("locked out", "anonymous", "198.51.100.66") in events
    unknown = AuditEntry.objects.get(object_repr="nobody")
    assert (unknown.object_pk, unknown.additional_data) == ("", {"event": "sign-in failed"})


def test_an_api_token_sign_in_is_recorded(scheduler):
    response = api_sign_in("sussex.scheduler", REMOTE_ADDR="203.0.113.30")

    assert response.status_code == 200, response.content
    [entry] = entries_about(User, scheduler.pk, Action.ACCESS)
    assert (entry.additional_data, entry.actor, entry.remote_addr) == (
        {"event": "signed in"},
        scheduler,
        "203.0.113.30",
    )


def test_a_password_change_and_a_two_factor_enrolment_are_recorded_without_secrets(
    admin_user, scheduler
):
    from accounts.models import AuditEntry
    from accounts.two_factor import two_factor_enrol

    made = AuditEntry.objects.filter(object_pk=str(scheduler.pk)).values_list("pk", flat=True)
    before = set(made)

    # when: the admin's command resets the scheduler's password and enrols them
    scheduler.set_password("a-new-long-passphrase")
    scheduler.save()
    enrolment = two_factor_enrol(user=scheduler)

    # then: both are in the audit log about the scheduler, and no secret is
    entries = (
        AuditEntry.objects.filter(object_pk=str(scheduler.pk))
        .exclude(pk__in=before)
        .order_by("timestamp", "pk")
    )
    assert [entry.changes for entry in entries if entry.changes] == [
        {"password": ["(old)", "(changed)"]}
    ]
    assert [e.additional_data for e in entries if e.additional_data] == [
        {"event": "two-factor sign-in enrolled"}
    ]
    text = " ".join(str((e.changes, e.additional_data, e.serialized_data)) for e in entries)
    assert scheduler.password not in text
    assert enrolment.secret not in text
    assert not any(code in text for code in enrolment.recovery_codes)


# --- Reads of witnesses' personal data ----------------------------------------------------------


def test_reading_a_witnesss_page_is_recorded_as_an_access(scheduler, officer, clock):
    response = signed_in(scheduler).get(f"/witnesses/{officer.pk}/", **FROM_THE_LIST_OFFICE)

    assert response.status_code == 200
    [read] = entries_about(Witness, officer.pk, Action.ACCESS)
    assert (read.actor, read.additional_data) == (scheduler, {"via": "witness page"})
    assert read.remote_addr == "203.0.113.9"


def test_reading_a_witness_or_a_booking_through_the_api_is_recorded(
    api, scheduler, officer, booking_payload, clock
):
    booking = api.post("/api/v1/bookings/", booking_payload, format="json").json()

    api.get(f"/api/v1/witnesses/{officer.pk}/")
    api.get(f"/api/v1/bookings/{booking['id']}/")

    reads = entries_about(Witness, officer.pk, Action.ACCESS)
    assert [r.additional_data for r in reads] == [
        {"via": "API witness"},
        {"via": "API booking", "booking": booking["reference"]},
    ]
    assert {r.actor for r in reads} == {scheduler}


def test_a_witness_list_records_each_witness_shown_in_one_query(api, scheduler, sussex, clock):
    WitnessFactory(force=sussex, full_name="Amelia Pond")
    WitnessFactory(force=sussex, full_name="River Pond")
    WitnessFactory(force=sussex, full_name="Rory Williams")

    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/witnesses/", {"search": "pond"})

    assert response.json()["count"] == 2
    inserts = [q for q in captured if q["sql"].startswith('INSERT INTO "accounts_auditentry"')]
    assert len(inserts) == 1
    reads = AuditEntry.objects.filter(action=Action.ACCESS)  # the API signs nobody in
    assert sorted(r.object_repr for r in reads) == ["Amelia Pond", "River Pond"]
    # what was searched for (part of a name) is not kept
    assert {json.dumps(r.additional_data) for r in reads} == {'{"via": "API witness search"}'}
    assert {r.actor for r in reads} == {scheduler}


def test_the_witnesses_page_records_each_witness_listed_but_not_the_search(scheduler, sussex):
    WitnessFactory(force=sussex, full_name="Amelia Pond")
    WitnessFactory(force=sussex, full_name="Rory Williams")

    signed_in(scheduler).get("/witnesses/", {"q": "amelia"})

    [read] = AuditEntry.objects.filter(
        action=Action.ACCESS, content_type=ContentType.objects.get_for_model(Witness)
    )
    assert (read.object_repr, read.additional_data) == (
        "Amelia Pond",
        {"via": "witness search page"},
    )


def test_searching_for_a_witness_to_book_records_each_witness_shown_but_not_the_search(
    clock, client, scheduler, officer, other_officer
):
    from accounts.models import AuditEntry

    client.force_login(scheduler)

    response = client.get("/book/", {"q": "Amelia"})

    assert response.status_code == 200
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS, actor=scheduler)
    reads = reads.filter(additional_data__via="book a witness: search")
    assert [entry.object_pk for entry in reads] == [str(officer.pk)]
    assert "Amelia" not in str([(e.additional_data, e.changes) for e in reads])
