"""The court lists' API: a list pushed as CaTH pushes it (`POST /api/v1/court-lists/`, the
document as the body, its metadata as headers), the lists read, and staff applying or
dismissing the changes a list proposes (`/api/v1/list-changes/`). A refused list, or a refused
decision, changes nothing; every refusal is in the one error shape."""

import io
import json

import pytest

from accounts.models import Role
from bookings.models import Booking, Hearing, HearingStatus
from core.errors import DomainError
from court_lists import samples
from court_lists.api import CourtListParser
from court_lists.models import CourtList, CourtListDay, ListChange
from notifications.models import Message
from tests.factories import CourtFactory, UserFactory
from tests.helpers import assert_error

from .conftest import DROPPED_URN, MONDAY, MOVED_URN, PUBLIC, REVISED, STANDARD, WEDNESDAY_URNS

pytestmark = pytest.mark.django_db

URL = "/api/v1/court-lists/"


def push(client, name=STANDARD, *, body=None, **headers):
    """POST the sample `name` as CaTH would: its document as the body, its manifest's headers
    (each given here replaces it; None leaves it out)."""
    sent = {key: value for key, value in (samples.headers(name) | headers).items() if value}
    if body is None:
        body = json.dumps(samples.document(name))
    return client.post(URL, data=body, content_type="application/json", headers=sent)


def rows() -> tuple:
    """What a refused list must leave as it was."""
    return (
        CourtList.objects.count(),
        ListChange.objects.count(),
        list(Hearing.objects.order_by("pk").values_list("pk", "status", "starts_at", "courtroom")),
        list(Booking.objects.order_by("pk").values_list("pk", "status", "starts_at")),
        Message.objects.count(),
    )


@pytest.fixture
def brighton_user(brighton):
    return UserFactory(username="brighton.court", role=Role.COURT_USER, force=None, court=brighton)


@pytest.fixture
def hove(db):
    return CourtFactory(code="hove-mc", name="Hove Trial Centre", cath_location_id="1824")


@pytest.fixture
def hove_user(hove):
    return UserFactory(username="hove.court", role=Role.COURT_USER, force=None, court=hove)


# --- Pushing a list ----------------------------------------------------------------------------


def test_an_admin_pushes_a_list_and_is_told_what_it_brought(clock, api_as, admin_user, brighton):
    response = push(api_as(admin_user))

    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "court", "content_date", "published_at", "outcome", "changes"} <= set(body)
    assert body["court"] == brighton.pk
    assert body["content_date"] == "2027-03-24"
    assert body["published_at"] == "2027-03-23T16:45:00Z"
    assert (body["outcome"], body["provenance"], body["sensitivity"]) == (
        "proposed",
        "COMMON_PLATFORM",
        "CLASSIFIED",
    )
    assert {change["case_reference"] for change in body["changes"]} == WEDNESDAY_URNS
    change = next(c for c in body["changes"] if c["case_reference"] == "47BR0398826")
    assert change == change | {
        "kind": "added",
        "court": brighton.pk,
        "court_list": body["id"],
        "hearing": None,
        "hearing_type": "first_hearing",
        "before": None,
        "after": {"starts_at": "2027-03-24T11:30:00Z", "courtroom": "Court 1"},
        "state": "proposed",
        "bookings": [],
    }
    # nothing listed until staff decide (the court's policy is to propose)
    assert not Hearing.objects.filter(court=brighton).exists()


def test_a_court_user_pushes_their_courts_lists_versions_and_all(
    clock, api_as, brighton_applies, brighton_user
):
    client = api_as(brighton_user)

    first = push(client)
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == "applied"
    assert {c["state"] for c in first.json()["changes"]} == {"applied"}
    listed = set(
        Hearing.objects.filter(court=brighton_applies, status=HearingStatus.LISTED).values_list(
            "case_reference", flat=True
        )
    )
    assert listed == WEDNESDAY_URNS

    revised = push(client, REVISED)
    assert revised.json()["outcome"] == "applied"
    assert {(c["kind"], c["case_reference"]) for c in revised.json()["changes"]} == {
        ("moved", MOVED_URN),
        ("missing", DROPPED_URN),
    }
    after_revision = rows()

    again = push(client, REVISED)
    assert (again.status_code, again.json()["outcome"], again.json()["changes"]) == (
        201,
        "unchanged",
        [],
    )
    older = push(client, STANDARD)
    assert (older.status_code, older.json()["outcome"]) == (201, "superseded")
    assert rows()[2:] == after_revision[2:]  # the hearings, bookings and texts as they were


def test_header_names_are_read_in_any_case(clock, api_as, admin_user, brighton):
    sent = {name.upper(): value for name, value in samples.headers(PUBLIC).items()}
    response = api_as(admin_user).post(
        URL,
        data=json.dumps(samples.document(PUBLIC)),
        content_type="application/json",
        headers=sent,
    )

    assert response.status_code == 201, response.content
    assert response.json()["list_type"] == "MAGISTRATES_PUBLIC_LIST"


def test_a_list_without_x_sensitivity_is_classified_as_its_type_is_published(
    clock, api_as, admin_user, brighton
):
    response = push(api_as(admin_user), PUBLIC, **{"x-sensitivity": None})

    assert response.json()["sensitivity"] == "PUBLIC"


# --- Who may push ------------------------------------------------------------------------------


def test_a_court_user_of_another_court_may_not_push_this_courts_list(
    clock, api_as, brighton, hove_user
):
    before = rows()

    response = push(api_as(hove_user))

    assert_error(response, 403, "permission_denied")
    assert rows() == before


@pytest.mark.parametrize("role", ["scheduler", "suite_manager"])
def test_schedulers_and_suite_managers_may_not_push_lists(clock, api_as, brighton, role, request):
    before = rows()

    response = push(api_as(request.getfixturevalue(role)))

    assert_error(response, 403, "permission_denied")
    assert rows() == before


def test_nobody_signed_in_may_push_a_list(clock, client, brighton):
    assert_error(push(client), 401, "not_authenticated")


# --- Refused lists -----------------------------------------------------------------------------


def test_a_list_for_a_court_the_service_does_not_know_is_unknown_court(
    clock, api_as, admin_user, brighton
):
    before = rows()

    for location in ("9999", "01823"):  # ids are matched exactly: no leading zeros
        response = push(api_as(admin_user), **{"x-court-id": location})
        assert_error(response, 400, "unknown_court", fields=["x-court-id"])
    assert rows() == before


def test_a_list_that_breaks_the_format_is_refused_by_path_and_changes_nothing(
    clock, api_as, admin_user, brighton
):
    document = samples.document(STANDARD)
    sittings = document["courtLists"][0]["courtHouse"]["courtRoom"][1]["session"][0]["sittings"]
    sittings[0]["sittingStart"] = "2027-03-24 10:00"
    del document["venue"]
    before = rows()

    response = push(api_as(admin_user), body=json.dumps(document))

    body = assert_error(
        response,
        400,
        "invalid_court_list",
        fields=[
            "courtLists[0].courtHouse.courtRoom[1].session[0].sittings[0].sittingStart",
            "venue",
        ],
    )
    assert "2027-03-24 10:00" not in json.dumps(body)  # the fault, never the value
    assert rows() == before
    assert not CourtListDay.objects.exists()


def test_a_list_type_the_service_does_not_read_is_refused(clock, api_as, admin_user, brighton):
    before = rows()

    response = push(api_as(admin_user), **{"x-list-type": "CROWN_DAILY_LIST"})

    assert_error(response, 400, "unknown_list_type", fields=["x-list-type"])
    assert rows() == before


def test_missing_and_malformed_headers_are_each_named(clock, api_as, admin_user, brighton):
    before = rows()

    response = push(
        api_as(admin_user),
        **{
            "x-provenance": None,
            "x-language": None,
            "x-content-date": "2027-03-24T00:00:00+01:00",
            "x-court-id": "Brighton",
            "x-sensitivity": "SECRET",
        },
    )

    body = assert_error(
        response,
        400,
        "invalid_list_metadata",
        fields=["x-provenance", "x-language", "x-content-date", "x-court-id", "x-sensitivity"],
    )
    assert body["fields"]["x-language"] == ["Required."]
    assert rows() == before


def test_a_body_that_is_not_json_is_malformed_json(clock, api_as, admin_user, brighton):
    before = rows()

    response = push(api_as(admin_user), body='{"document": {"publicationDate": ')

    assert_error(response, 400, "malformed_json")
    assert rows() == before


def test_a_list_just_over_the_size_limit_is_413_whatever_djangos_own_limit(
    clock, api_as, admin_user, brighton, settings
):
    # Django's own limit (2.5 MB by default) is below the list's (5 MB by default): a list over
    # both is still the list's 413, in the error shape, never Django's 400.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < settings.COURT_LIST_MAX_BYTES
    document = json.dumps(samples.document(STANDARD))
    padding = settings.COURT_LIST_MAX_BYTES + 1 - len(document) - len(', "padding": ""')
    body = document[:-1] + ', "padding": "' + "x" * padding + '"}'
    assert len(body.encode()) == settings.COURT_LIST_MAX_BYTES + 1
    before = rows()

    response = push(api_as(admin_user), body=body)

    assert_error(response, 413, "court_list_too_large")
    assert rows() == before


def test_a_list_over_djangos_own_upload_limit_but_within_the_lists_is_read(
    clock, api_as, admin_user, brighton, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(samples.document(STANDARD))
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = push(api_as(admin_user), body=body)

    assert response.status_code == 201, response.content


def test_a_body_with_no_content_length_is_still_held_to_the_limit(settings):
    settings.COURT_LIST_MAX_BYTES = 100
    with pytest.raises(DomainError) as refused:
        CourtListParser().parse(io.BytesIO(b"[" + b"1," * 100 + b"1]"), "application/json", {})

    assert (refused.value.code, refused.value.status_code) == ("court_list_too_large", 413)


# --- The lists read ----------------------------------------------------------------------------


def test_lists_read_newest_first_filtered_by_court_and_day(
    clock, api_as, admin_user, brighton, hove
):
    client = api_as(admin_user)
    push(client, STANDARD)
    push(client, MONDAY)
    push(client, PUBLIC, **{"x-court-id": "1824"})

    everything = client.get(URL).json()
    wednesday_at_brighton = client.get(
        URL, {"court": brighton.pk, "content_date": "2027-03-24"}
    ).json()

    assert [(r["court"], r["content_date"]) for r in everything["results"]] == [
        (hove.pk, "2027-03-24"),
        (brighton.pk, "2027-03-29"),
        (brighton.pk, "2027-03-24"),
    ]
    assert [r["list_type"] for r in wednesday_at_brighton["results"]] == [
        "MAGISTRATES_STANDARD_LIST"
    ]
    refused = client.get(URL, {"content_date": "2027-13-45"})
    assert_error(refused, 400, "invalid", fields=["content_date"])


def test_a_court_user_sees_only_their_own_courts_lists_and_changes(
    clock, api_as, admin_user, brighton, hove, hove_user
):
    push(api_as(admin_user), STANDARD)
    push(api_as(admin_user), PUBLIC, **{"x-court-id": "1824"})
    theirs = CourtList.objects.get(court=hove)
    other = CourtList.objects.get(court=brighton)
    client = api_as(hove_user)

    assert [r["id"] for r in client.get(URL).json()["results"]] == [theirs.pk]
    assert_error(client.get(f"{URL}{other.pk}/"), 404, "not_found")
    changes = client.get("/api/v1/list-changes/").json()["results"]
    assert {c["court"] for c in changes} == {hove.pk}
    assert_error(client.get(f"/api/v1/list-changes/{other.changes.first().pk}/"), 404, "not_found")
