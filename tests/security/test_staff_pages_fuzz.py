"""No input gives a 500 on the staff pages: Hypothesis sends every staff page random query strings
(GET) and random form bodies (POST), signed in as each role, and no answer may be a 5xx.

Everything the fuzzer knows is read from the code and the pages themselves, so a new page or a
new field is fuzzed without anyone listing it here: the routes come from `web.urls`, and the
names it fills in are every `name="..."` the pages render (their forms' fields, the GOV.UK date
inputs' day, month and year boxes) plus every query parameter a page reads with
`request.GET.get(...)`. Values are drawn from what has broken pages before: numbers far past a
database integer, dates in year 1 and 9999, `1e400`, control characters, other objects' ids.

The data is the authorization matrix's two sides (tests/security/test_authorization_matrix.py),
and each example runs in a savepoint that is rolled back, so one example's writes never change
what the next one sees. STAFF_FUZZ_EXAMPLES sets the examples per route, method and role (CI:
8, the same each run; `make fuzz` raises it and draws fresh ones, STAFF_FUZZ_RANDOM=1).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.matrix_rows import ROLES
from web.urls import urlpatterns

EXAMPLES = int(os.environ.get("STAFF_FUZZ_EXAMPLES", "8"))
#: CI asks the same examples every run (a red build is a bug, never luck); `make fuzz` draws
#: fresh ones each time.
DERANDOMIZE = os.environ.get("STAFF_FUZZ_RANDOM") != "1"
WEB = Path(__file__).resolve().parents[2] / "web"
NAME_ATTRIBUTE = re.compile(r'name="([^"]+)"')
#: What a view reads by name: `request.GET.get("week")`, `query.get("date", "")`...
QUERY_READ = re.compile(r"\.get\(\"(\w+)\"")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
#: Which of the matrix's objects a route's `<int:pk>` names, by the route's first part.
PK_OBJECT = {
    "bookings": "booking",
    "suites": "suite",
    "hearings": "hearing",
    "witnesses": "witness",
    "calendar-feeds": "feed_token",
    "court-lists": "court",
    "courts": "court",  # a court's day sheet
}
OTHER_KEYWORDS = {
    "flag_pk": "flag",
    "closure_pk": "closure",
    "change_pk": "list_change",
    "period_pk": "unavailability",
}
#: Values that have broken pages before, or sit at the edge of what a field holds.
EDGES = [
    "",
    "0",
    "-1",
    "99999999999999999999",
    "9223372036854775808",
    "1e400",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "1000-01-01",
    "2027-03-24",
    "31",
    "12",
    "2",
    "9999",
    "1000",
    "00:00",
    "23:59",
    "24:00",
    "99:99",
    "new",
    "csv",
    "json",
    "line\nbreak",
    "nul\x00byte",
]


def _routes() -> dict[str, set[str]]:
    """Every staff page, as a path template with `{name}` where an object's id goes, with the
    names its view's module reads from a query string or a form."""
    found = {}
    for pattern in urlpatterns:
        route = "/" + str(pattern.pattern)
        module = sys.modules[pattern.callback.__module__]
        source = Path(module.__file__).read_text()
        template = CONVERTER.sub(lambda m: "{" + m.group(1) + "}", route)
        found[template] = set(QUERY_READ.findall(source))
    return found


ROUTES = _routes()


def _path(template: str, world) -> str:
    side = world["sides"]["A"]
    first = template.strip("/").split("/")[0]

    def value(match) -> str:
        name = match.group(1)
        if name == "pk":
            key = PK_OBJECT[first]
            if key == "feed_token":
                return str(world["feed_tokens"]["admin"].pk)
            return str(side[key].pk)
        return str(side[OTHER_KEYWORDS[name]].pk)

    return re.sub(r"\{(\w+)\}", value, template)


@pytest.fixture(scope="module")
def field_names(world):
    """For each page, every name it renders in a form (read off the page as an admin sees it,
    and off the booking page for the actions posted from there) and every name its view's
    code reads."""
    client = Client()
    client.force_login(world["users"]["admin"])
    rendered = {}
    for template in ROUTES:
        response = client.get(_path(template, world))
        page = response.content.decode() if response.status_code == 200 else ""
        rendered[template] = set(NAME_ATTRIBUTE.findall(page))
    names = {}
    for template, read in ROUTES.items():
        parent = re.sub(r"[^/]+/$", "", template)  # /bookings/{pk}/cancel/ -> /bookings/{pk}/
        found = read | rendered[template] | rendered.get(parent, set())
        found.discard("csrfmiddlewaretoken")
        names[template] = sorted(found) or ["q"]
    return names


def values(world):
    ids = [
        str(obj.pk)
        for side in world["sides"].values()
        for obj in side.values()
        if hasattr(obj, "pk")
    ]
    edges = st.sampled_from(EDGES)
    # Edges twice: what broke pages before is what is most worth trying.
    return st.one_of(
        edges,
        edges,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(ids),
        st.text(max_size=30),
    )


def _client(role: str, world) -> Client:
    # A view's exception is the answer under test: a 500, not a test error.
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _ask(client: Client, method: str, url: str, data: dict):
    # Each example in a savepoint of its own: its writes are undone before the next.
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("template", sorted(ROUTES))
def test_no_staff_page_answers_random_input_with_a_server_error(
    template,
    method,
    role,
    world,
    field_names,
    db,
    fresh_throttles,
):
    url = _path(template, world)
    client = _client(role, world)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        data=st.dictionaries(
            st.one_of(st.sampled_from(field_names[template]), st.text(min_size=1, max_size=8)),
            values(world),
            min_size=1,
            max_size=3,
        ),
    )
    def no_server_error(data):
        response = _ask(client, method, url, data)
        assert response.status_code < 500, (role, method, url, data, response.status_code)

    no_server_error()


#: The values that broke pages before, for the sweep below.
BREAKERS = ["99999999999999999999", "9999-12-31", "0001-01-01", "1e400", "-1", "nul\x00byte"]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("template", sorted(ROUTES))
def test_no_staff_page_answers_an_edge_value_in_any_field_with_a_server_error(
    template,
    method,
    world,
    field_names,
    db,
    fresh_throttles,
):
    """Beside the random search: each name a page reads or renders, alone, set to each value
    that broke a page before, as an admin (who may open every page and every form)."""
    url = _path(template, world)
    client = _client("admin", world)
    failures = []
    for name in field_names[template]:
        for value in BREAKERS:
            response = _ask(client, method, url, {name: value})
            if response.status_code >= 500:
                failures.append((name, value, response.status_code))

    assert not failures, f"{method} {url}: {failures}"
