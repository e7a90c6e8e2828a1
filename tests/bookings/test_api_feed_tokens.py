"""Feed tokens as staff meet them through the API (`/api/v1/feed-tokens/`): who may subscribe to
what, the secret address shown once, revoking, and spotting subscriptions gone quiet."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from accounts.models import IdempotentRequest, Role
from bookings.models import FeedToken, WitnessType
from tests.factories import CourtFactory, UserFactory, WitnessFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/feed-tokens/"


def create(client, scope, object_id, **extra):
    return client.post(TOKENS, {"scope": scope, "object_id": object_id, **extra}, format="json")


def fetch_feed(url, **headers):
    return Client().get(url.removeprefix("http://testserver"), headers=headers)


@pytest.fixture
def court_api(api_as, court_user):
    return api_as(court_user)


@pytest.fixture
def other_court(db):
    return CourtFactory(name="Hastings Magistrates' Court")


# --- Creating: the address, once --------------------------------------------------------------


def test_a_court_user_subscribes_to_their_court_and_sees_the_address_once(court_api, court, clock):
    response = create(court_api, "court", court.pk, label="List office Outlook")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "court"
    assert body["object_id"] == court.pk
    assert body["object_name"] == "Brighton Magistrates' Court"
    assert body["label"] == "List office Outlook"
    assert body["created_at"]
    assert body["last_fetched_at"] is None
    assert body["last_user_agent"] == ""
    assert body["is_stale"] is True
    assert body["url"].startswith("http://testserver/feeds/")
    assert body["url"].endswith(".ics")
    feed = fetch_feed(body["url"])
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"

    # the address is in the create response only
    secret = body["url"].rsplit("/", 1)[1].removesuffix(".ics")
    listed = court_api.get(TOKENS)
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    (row,) = listed.json()["results"]
    assert row["id"] == body["id"]
    assert "url" not in row
    assert secret not in listed.content.decode()
    detail = court_api.get(f"{TOKENS}{body['id']}/")
    assert detail.status_code == 200
    assert "url" not in detail.json()
    assert secret not in detail.content.decode()


def test_the_secret_is_kept_only_as_a_hash(court_api, court, clock):
    body = create(court_api, "court", court.pk).json()
    secret = body["url"].rsplit("/", 1)[1].removesuffix(".ics")

    token = FeedToken.objects.get(pk=body["id"])
    assert len(token.token_hash) == 64 and secret not in token.token_hash
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                lookup = {f"{field.name}__contains": secret}
                assert not model.objects.filter(**lookup).exists(), (model, field.name)


def test_many_tokens_per_court_one_per_subscriber(court_api, court, clock):
    urls = {create(court_api, "court", court.pk).json()["url"] for _ in range(3)}

    assert len(urls) == 3
    assert FeedToken.objects.filter(court=court).count() == 3
    assert all(fetch_feed(url).status_code == 200 for url in urls)


def test_an_idempotent_create_returns_the_first_response_and_makes_one_token(
    court_api, court, clock
):
    # The replayed response includes the address again: it goes only to the same user with
    # the same key, and is stored with the key so that it can be replayed.
    first = court_api.post(
        TOKENS, {"scope": "court", "object_id": court.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = court_api.post(
        TOKENS, {"scope": "court", "object_id": court.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    other_body = court_api.post(
        TOKENS,
        {"scope": "court", "object_id": court.pk, "label": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert FeedToken.objects.count() == 1
    assert_error(other_body, 409, "idempotency_key_reused")
    assert IdempotentRequest.objects.count() == 1


# --- Who may subscribe to what ----------------------------------------------------------------


def test_a_court_user_cannot_subscribe_to_another_court_it_is_as_if_it_did_not_exist(
    court_api, other_court
):
    refused = create(court_api, "court", other_court.pk)
    missing = create(court_api, "court", 999_999)

    body = assert_error(refused, 400, "invalid", fields=["object_id"])
    assert list(body["fields"]) == ["object_id"]
    assert assert_error(missing, 400, "invalid", fields=["object_id"])["fields"]["object_id"] == [
        'Invalid pk "999999" - object does not exist.'
    ]
    assert body["fields"]["object_id"] == [
        f'Invalid pk "{other_court.pk}" - object does not exist.'
    ]
    assert not FeedToken.objects.exists()


def test_a_court_user_cannot_subscribe_to_suites_or_witnesses(court_api, suite, officer):
    assert_error(create(court_api, "suite", suite.pk), 400, "invalid", fields=["object_id"])
    assert_error(create(court_api, "witness", officer.pk), 400, "invalid", fields=["object_id"])


def test_a_scheduler_subscribes_to_their_forces_suites_and_officers_but_not_to_courts(
    api, court, suite, officer, kent_suite, kent_witness
):
    assert create(api, "suite", suite.pk).status_code == 201
    assert create(api, "witness", officer.pk).status_code == 201

    for scope, object_id in [
        ("court", court.pk),
        ("suite", kent_suite.pk),
        ("witness", kent_witness.pk),
    ]:
        body = assert_error(create(api, scope, object_id), 400, "invalid", fields=["object_id"])
        assert body["fields"]["object_id"] == [f'Invalid pk "{object_id}" - object does not exist.']
    assert FeedToken.objects.count() == 2


def test_only_police_officers_have_a_feed_of_their_own(api, sussex):
    civilian = WitnessFactory(force=sussex, witness_type=WitnessType.CIVILIAN, full_name="Ann Lee")

    body = assert_error(
        create(api, "witness", civilian.pk), 400, "feed_for_officers_only", fields=["object_id"]
    )

    assert body["fields"] == {"object_id": ["Not a police officer."]}


def test_a_suite_manager_subscribes_to_their_forces_suites_only(
    api_as, suite_manager, suite, kent_suite, court, officer
):
    client = api_as(suite_manager)

    assert create(client, "suite", suite.pk).status_code == 201
    assert_error(create(client, "suite", kent_suite.pk), 400, "invalid", fields=["object_id"])
    assert_error(create(client, "court", court.pk), 400, "invalid", fields=["object_id"])
    assert_error(create(client, "witness", officer.pk), 400, "invalid", fields=["object_id"])


def test_an_admin_subscribes_to_anything(api_as, admin_user, court, kent_suite, kent_witness):
    client = api_as(admin_user)

    for scope, object_id in [
        ("court", court.pk),
        ("suite", kent_suite.pk),
        ("witness", kent_witness.pk),
    ]:
        assert create(client, scope, object_id).status_code == 201, scope


def test_bad_input_is_a_400_naming_the_field(api, suite):
    assert_error(create(api, "force", suite.pk), 400, "invalid", fields=["scope"])
    assert_error(create(api, "suite", "abc"), 400, "invalid", fields=["object_id"])
    assert_error(create(api, "suite", 2**70), 400, "invalid", fields=["object_id"])
    missing = api.post(TOKENS, {"scope": "suite"}, format="json")
    assert_error(missing, 400, "invalid", fields=["object_id"])
    long_label = create(api, "suite", suite.pk, label="x" * 101)
    assert_error(long_label, 400, "invalid", fields=["label"])


def test_signing_in_is_needed(court):
    from rest_framework.test import APIClient

    response = create(APIClient(), "court", court.pk)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- Listing and revoking ---------------------------------------------------------------------


def test_each_user_lists_the_tokens_they_made_and_admins_list_all(
    api, court_api, api_as, admin_user, court, suite
):
    mine = create(api, "suite", suite.pk).json()
    theirs = create(court_api, "court", court.pk).json()

    assert [row["id"] for row in api.get(TOKENS).json()["results"]] == [mine["id"]]
    assert [row["id"] for row in court_api.get(TOKENS).json()["results"]] == [theirs["id"]]
    everyone = api_as(admin_user).get(TOKENS).json()
    assert {row["id"] for row in everyone["results"]} == {mine["id"], theirs["id"]}
    assert api.get(f"{TOKENS}{theirs['id']}/").status_code == 404


def test_revoking_a_token_stops_its_feed_and_leaves_the_others_working(
    court_api, api_as, court, clock
):
    list_office = create(court_api, "court", court.pk).json()
    usher = create(court_api, "court", court.pk).json()
    colleague = UserFactory(role=Role.COURT_USER, force=None, court=court)

    # another user, even of the same court, cannot see or revoke it
    assert_error(api_as(colleague).delete(f"{TOKENS}{list_office['id']}/"), 404, "not_found")
    assert fetch_feed(list_office["url"]).status_code == 200

    revoked = court_api.delete(f"{TOKENS}{list_office['id']}/")

    assert revoked.status_code == 204
    assert fetch_feed(list_office["url"]).status_code == 404
    assert fetch_feed(usher["url"]).status_code == 200
    assert [row["id"] for row in court_api.get(TOKENS).json()["results"]] == [usher["id"]]
    assert_error(court_api.delete(f"{TOKENS}{list_office['id']}/"), 404, "not_found")
    assert FeedToken.objects.get(pk=list_office["id"]).revoked_at is not None  # kept on record


def test_an_admin_can_revoke_anyones_token(court_api, api_as, admin_user, court):
    token = create(court_api, "court", court.pk).json()

    assert api_as(admin_user).delete(f"{TOKENS}{token['id']}/").status_code == 204
    assert fetch_feed(token["url"]).status_code == 404


# --- Subscriber telemetry ---------------------------------------------------------------------


def test_a_fetch_records_the_calendar_client_and_when(court_api, court, clock):
    token = create(court_api, "court", court.pk).json()

    fetch_feed(token["url"], User_Agent="Microsoft Office/16.0")

    row = court_api.get(f"{TOKENS}{token['id']}/").json()
    assert row["last_user_agent"] == "Microsoft Office/16.0"
    assert row["last_fetched_at"] is not None
    assert row["is_stale"] is False


def test_stale_lists_the_tokens_no_calendar_has_fetched_for_a_day(court_api, court, clock):
    quiet = create(court_api, "court", court.pk, label="quiet").json()
    busy = create(court_api, "court", court.pk, label="busy").json()
    never = create(court_api, "court", court.pk, label="never").json()
    fetch_feed(quiet["url"], User_Agent="Google-Calendar-Importer")

    # when: two days pass, and only one calendar keeps fetching
    clock.shift(timedelta(days=2))
    fetch_feed(busy["url"], User_Agent="Microsoft Office/16.0")

    stale = court_api.get(f"{TOKENS}?stale=true").json()["results"]
    assert {row["label"] for row in stale} == {"quiet", "never"}
    assert all(row["is_stale"] for row in stale)
    (quiet_row,) = [row for row in stale if row["id"] == quiet["id"]]
    assert quiet_row["last_user_agent"] == "Google-Calendar-Importer"
    fresh = court_api.get(f"{TOKENS}?stale=false").json()["results"]
    assert [(row["label"], row["is_stale"]) for row in fresh] == [("busy", False)]
    assert never["id"] in {row["id"] for row in court_api.get(TOKENS).json()["results"]}
