"""Who may do what, endpoint by endpoint: every API route, every staff page, the calendar
feeds, the witness page and the Twilio webhooks, asked by every role about an object in their
scope and one outside it (API.md, "Users and roles"; DOMAIN.md, "Privacy").

The expectations are the tables in matrix_rows.py, one line per endpoint, one column per role.
A cell is one status, or `in|out`: the status for an object in the caller's scope, then for one
outside it. The rules the tables follow:

- anonymous: the API says 401, a staff page sends them to /sign-in/;
- an object the caller may not see is a 404, exactly as if it did not exist;
- an action the caller's role may not take on an object they may see is a 403 (the API checks
  the role before it looks for the object, so a role that may never take an action gets a 403
  whatever the object, which tells nothing; the pages look first, then check the role);
- a body that refers to an object the caller may not use is a 400 naming the field;
- the feeds and the witness page answer only to a live token (404 otherwise), the webhooks
  only to a valid X-Twilio-Signature (403 otherwise), whoever is signed in.

Besides the status: every 4xx from /api/ is in the one error shape, and a refused write
(any 4xx to a POST, PATCH, PUT or DELETE) changes nothing.

Two sides of data: force A (Sussex) with court X (Brighton), force B (Kent) with court Y
(Maidstone). Each side has a suite, a spare suite (never booked, so deletable), a closure, a
listed hearing with one booking (the side's officer at the side's suite) and a free hearing
later that day, and an attention flag. "In scope" is the caller's own side (an admin's is A;
for them both are in scope), "outside" the other side. Calendar feed tokens are in scope for
the user who made them. The clock stands at 09:45 on the hearings' day, so a booking can be
checked in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve
from knox.models import AuthToken
from twilio.request_validator import RequestValidator

from bookings.models import (
    AttentionFlag,
    Booking,
    Court,
    FeedToken,
    Hearing,
    Unavailability,
    Witness,
)
from court_lists.models import CourtList, ListChange
from evidence_suites.models import Closure, Force, OpeningHours, Suite
from notifications.models import InboundSms, Message, SmsOptOut
from reports.models import Assumption
from tests.security.matrix_bodies import ACCOUNT_SID, AUTH_TOKEN, BODIES
from tests.security.matrix_rows import API, HOME_SIDE, KNOWN_BUGS, PAGES, PUBLIC, ROLE_WORDS, ROLES

# --- From the tables to test cases ------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Placeholders that name one side's object: a row using one is asked in and outside scope.
SIDED = {
    "force",
    "court",
    "suite",
    "spare_suite",
    "closure",
    "hearing",
    "free_hearing",
    "witness",
    "booking",
    "flag",
    "feed_token",
    "court_list",
    "list_change",
    "unavailability",
}
REASONS = {
    200: "OK",
    201: "created",
    204: "done",
    302: "redirected",
    400: "bad input",
    401: "not signed in",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
}


@dataclass(frozen=True)
class Case:
    method: str
    template: str
    role: str
    scope: str  # "in", "out" or "-" (no object in the request)
    expected: int
    body: str | None
    surface: str  # "api", "page" or "public"

    def sentence(self) -> str:
        where = {"in": " in their scope", "out": " outside their scope", "-": ""}[self.scope]
        sent = f" with {self.body.replace('_', ' ')}" if self.body else ""
        return (
            f"{ROLE_WORDS[self.role]} gets {self.expected} {REASONS[self.expected]} "
            f"for {self.method} {self.template}{sent}{where}"
        )


def _sided(template: str, body: str | None) -> bool:
    text = template + (
        json.dumps(BODIES[body].data) + json.dumps(BODIES[body].headers) if body else ""
    )
    return bool(SIDED & set(PLACEHOLDER.findall(text)))


def parse(table: str, surface: str) -> list[Case]:
    cases = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        method, template, *rest = line.split()
        cells, body = rest[: len(ROLES)], (rest[len(ROLES) :] or [None])[0]
        assert len(cells) == len(ROLES), f"A cell is missing in: {line}"
        assert body is None or body in BODIES, f"No body called {body}"
        for role, cell in zip(ROLES, cells, strict=True):
            inside, _, outside = cell.partition("|")
            if not _sided(template, body):
                assert not outside, f"{template} has no object, so no in|out: {line}"
                cases.append(Case(method, template, role, "-", int(inside), body, surface))
                continue
            for scope, status in (("in", inside), ("out", outside or inside)):
                cases.append(Case(method, template, role, scope, int(status), body, surface))
    return cases


CASES = parse(API, "api") + parse(PAGES, "page") + parse(PUBLIC, "public")


def params():
    for case in CASES:
        bug = KNOWN_BUGS.get((case.method, case.template, case.role)) or KNOWN_BUGS.get(
            (case.method, case.template, "*")
        )
        marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
        yield pytest.param(case, id=case.sentence(), marks=marks)


def resolve_placeholders(text: str, case: Case, world) -> str:
    home = HOME_SIDE[case.role]
    side = home if case.scope != "out" else {"A": "B", "B": "A"}[home]

    def value(match) -> str:
        name = match.group(1)
        if name == "feed_token":
            if case.scope == "out":  # made by someone on the other side
                maker = "scheduler_b" if home == "A" else "scheduler_a"
            else:
                maker = case.role if case.role != "anonymous" else "scheduler_a"
            return str(world["feed_tokens"][maker].pk)
        if name == "username":
            user = world["users"].get(case.role, world["users"]["scheduler_a"])
            return user.username
        if name in world["fixed"]:
            return str(world["fixed"][name])
        return str(world["sides"][side][name].pk)

    return PLACEHOLDER.sub(value, text)


def resolve_body(data, case: Case, world):
    """Placeholders in a body become ids (numbers in JSON) or text."""
    if isinstance(data, dict):
        return {key: resolve_body(value, case, world) for key, value in data.items()}
    if isinstance(data, list):
        return [resolve_body(value, case, world) for value in data]
    if isinstance(data, str) and PLACEHOLDER.search(data):
        text = resolve_placeholders(data, case, world)
        return int(text) if PLACEHOLDER.fullmatch(data) and text.isdigit() else text
    return data


# --- What a refused write must not change ------------------------------------------------------


def state() -> tuple:
    """Everything a refused request might have touched, as plain values."""
    return (
        list(Force.objects.order_by("pk").values_list("pk", "code", "name")),
        list(Court.objects.order_by("pk").values_list("pk", "code", "name")),
        list(
            Suite.objects.order_by("pk").values_list(
                "pk", "name", "force", "is_active", "capacity", "turnaround_minutes"
            )
        ),
        list(OpeningHours.objects.order_by("pk").values_list()),
        list(Closure.objects.order_by("pk").values_list("pk", "starts_at", "ends_at")),
        list(
            Hearing.objects.order_by("pk").values_list(
                "pk", "status", "starts_at", "ends_at", "courtroom"
            )
        ),
        list(Witness.objects.order_by("pk").values_list("pk", "full_name", "force", "phone")),
        list(
            Booking.objects.order_by("pk").values_list(
                "pk", "status", "version", "suite", "starts_at", "ends_at", "notes", "outcome"
            )
        ),
        list(AttentionFlag.objects.order_by("pk").values_list("pk", "resolved_at")),
        list(FeedToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Assumption.objects.order_by("pk").values_list("pk", "value")),
        list(Message.objects.order_by("pk").values_list("pk", "status")),
        InboundSms.objects.count(),
        SmsOptOut.objects.count(),
        AuthToken.objects.count(),
        CourtList.objects.count(),
        list(ListChange.objects.order_by("pk").values_list("pk", "state")),
        list(Court.objects.order_by("pk").values_list("pk", "cath_location_id", "list_changes")),
        list(Unavailability.objects.order_by("pk").values_list("pk", "starts_at", "reason")),
    )


# --- The test ---------------------------------------------------------------------------------

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")
API_ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


def assert_error_shape(response, case: Case) -> None:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) <= {"code", "detail", "fields"}, body
    assert isinstance(body.get("code"), str) and SNAKE_CASE.match(body["code"]), body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    if "fields" in body:
        assert body["fields"] and all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in body["fields"].values()
        ), body
    if case.expected in API_ERROR_CODES:
        assert body["code"] == API_ERROR_CODES[case.expected], body


def client_for(case: Case, world) -> Client:
    if case.surface == "api":
        # As an API client does: a token, and CSRF checks on as in production.
        client = Client(enforce_csrf_checks=True)
        if case.role != "anonymous":
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][case.role]}"
        return client
    # Staff pages as a signed-in browser (the forms' CSRF token is not what is under test).
    client = Client()
    if case.role != "anonymous":
        client.force_login(world["users"][case.role])
    return client


def send(client: Client, case: Case, world, url: str):
    body = BODIES[case.body] if case.body else None
    data = resolve_body(body.data, case, world) if body else {}
    if case.surface == "api":
        headers = {
            name: resolve_placeholders(value, case, world)
            for name, value in ((body.headers if body else None) or {}).items()
        }
        if body and body.file is not None:  # a file as the body (the imports)
            return client.generic(
                case.method, url, body.file, content_type=body.content_type, headers=headers
            )
        return client.generic(
            case.method,
            url,
            json.dumps(data) if body else "",
            content_type="application/json",
            headers=headers,
        )
    extra = {}
    if body and body.signature:
        token = AUTH_TOKEN if body.signature == "valid" else "not-our-auth-token"
        signed_url = django_settings.PUBLIC_BASE_URL + url
        signature = RequestValidator(token).compute_signature(signed_url, data)
        extra["HTTP_X_TWILIO_SIGNATURE"] = signature
    if case.method == "POST":
        return client.post(url, data, **extra)
    return client.generic(case.method, url, **extra)


@pytest.mark.parametrize("case", list(params()))
def test_authorization(case: Case, world, db, settings, fresh_throttles):
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    url = resolve_placeholders(case.template, case, world)
    if case.surface == "page":
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            pytest.skip(f"The page {case.template} is not built yet (no such route).")
    client = client_for(case, world)
    writes = case.method not in ("GET", "HEAD", "OPTIONS")
    before = state() if writes and case.expected >= 400 else None

    response = send(client, case, world, url)

    assert response.status_code == case.expected, (
        f"{case.sentence()}: got {response.status_code} "
        f"{response.get('Content-Type')} {response.content[:300]!r}"
    )
    if url.startswith("/api/") and 400 <= response.status_code < 500:
        assert_error_shape(response, case)
    if url.startswith("/api/") and response.status_code == 400 and case.body:
        # A refused reference names the field that made it.
        referring = {
            key
            for key, value in BODIES[case.body].data.items()
            if isinstance(value, str) and set(PLACEHOLDER.findall(value)) & SIDED
        }
        if referring:
            assert referring & set(response.json().get("fields", {})), response.json()
    if case.surface == "page" and case.role == "anonymous":
        assert response["Location"].startswith("/sign-in/"), response["Location"]
    if before is not None:
        assert state() == before, f"{case.sentence()}, yet something changed"


def _shape(path: str) -> str:
    """`/api/v1/bookings/{booking}/?x` and `/api/v1/bookings/{id}/` are the same route."""
    return re.sub(r"\{\w+\}", "{}", path.split("?")[0])


def test_every_api_operation_in_the_schema_has_a_line_in_the_matrix():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method.upper(), _shape(path))
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    tabled = {(case.method, _shape(case.template)) for case in CASES if case.surface == "api"}

    assert not sorted(operations - tabled), "API operations with no line in the matrix"


def test_every_staff_page_has_a_line_in_the_matrix():
    from web.urls import urlpatterns

    routes = {
        "/" + re.sub(r"<[^>]+>", "{}", str(pattern.pattern))
        for pattern in urlpatterns
        if pattern.name not in ("sign-in", "sign-out")
    }
    tabled = {_shape(case.template) for case in CASES if case.surface == "page"}

    assert not sorted(routes - tabled), "Staff pages with no line in the matrix"
