"""The authorization matrix (test_authorization_matrix.py) is held to the URL configuration: every
route the service answers, walked from `config.urls`, and every method a view set routes, must
have a line in the matrix, so nothing new ships without saying who may use it.

Left out, with why: the Django admin's own pages past its sign-in (the admin checks staff and
model permissions itself, and its sign-in is in the matrix), DRF's `.json`-style format-suffix
twins of API routes (the same view, so the same line), and the catch-all that answers 404 for
any other /api/ path (the matrix has a line for an unknown path).
"""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.test_authorization_matrix import CASES

NAMED_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
PLACEHOLDER = re.compile(r"\{\w*\}")
#: What the matrix leaves out, as route prefixes (see the module's docstring).
NOT_IN_THE_MATRIX = ("admin/",)
ADMIN_SIGN_IN = "/admin/login/"
SAME_AS_GET = {"head", "options"}


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _shape(route: str) -> str:
    """`api/v1/^hearings/(?P<pk>[^/.]+)/vacate/$` and `/api/v1/hearings/{hearing}/vacate/?x`
    are the same route: `/api/v1/hearings/{}/vacate/`."""
    route = NAMED_GROUP.sub("{}", route)
    route = CONVERTER.sub("{}", route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = PLACEHOLDER.sub("{}", route.split("?")[0])
    return "/" + route.lstrip("/")


def routes() -> dict[str, set[str]]:
    """Every route the service answers, with the methods a view set routes (empty: a plain
    view, which says its methods itself)."""
    found: dict[str, set[str]] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(NOT_IN_THE_MATRIX) or "(?P<format>" in route:
            continue
        if route == "^api/":  # the catch-all 404 for unknown API paths
            continue
        view = pattern.callback
        actions = getattr(view, "actions", None) or {}
        allowed = set(getattr(getattr(view, "cls", None), "http_method_names", []) or [])
        # HEAD is GET without its body, and DRF answers OPTIONS itself: GET's line holds.
        methods = {
            m.upper() for m in actions if (not allowed or m in allowed) and m not in SAME_AS_GET
        }
        found.setdefault(_shape(route), set()).update(methods)
    found[ADMIN_SIGN_IN] = set()
    return found


def tabled() -> dict[str, set[str]]:
    lines: dict[str, set[str]] = {}
    for case in CASES:
        lines.setdefault(_shape(case.template), set()).add(case.method)
    return lines


def test_every_route_in_the_url_configuration_has_a_line_in_the_matrix():
    missing = sorted(set(routes()) - set(tabled()))

    assert not missing, f"Routes with no line in the authorization matrix: {missing}"


def test_every_method_a_view_set_routes_has_a_line_in_the_matrix():
    lines = tabled()
    missing = sorted(
        f"{method} {route}"
        for route, methods in routes().items()
        for method in methods
        if method not in lines.get(route, set())
    )

    assert not missing, f"Methods with no line in the authorization matrix: {missing}"
