"""Every staff page at 320 CSS pixels (WCAG 2.2's reflow width) and at 1280, for each role:
nothing scrolls sideways, and axe-core finds nothing, of any impact.

The pages are each role's navigation, plus a booking, a suite, a hearing and the day sheets
the role reaches, and every other page once, for the role that works on it; with a day's data
whose names, links and details are as long as real ones (staff_day.py). One test per page, role
and width, so a failure names all three; the sign-in page and the menu opened at 320 besides.

The data is made once for the module, against a live server of the module's own (pytest-django's
`live_server` would empty the database after every test), and each role signs in once: one
browser context per role and width, each reusing its page."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import override_settings
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from accounts.permissions import may
from tests.browser.conftest import (
    NARROW,
    WIDE,
    accessibility_violations,
    new_context,
    sideways_scroll,
    sign_in,
)
from tests.browser.staff_day import build_staff_day
from web.context import PAGES

ROLES = {
    "admin": Role.ADMIN,
    "scheduler": Role.SCHEDULER,
    "suite manager": Role.SUITE_MANAGER,
    "court user": Role.COURT_USER,
}


def _url(name: str, *objects: str):
    """The address of page `name`, from the day's objects named (their primary keys)."""
    return lambda day: reverse(f"web:{name}", args=[_pk(day, path) for path in objects] or None)


def _query(name: str, **params: str):
    """The address of page `name` with a query of the day's objects' primary keys."""
    return lambda day: (
        reverse(f"web:{name}")
        + "?"
        + urlencode({key: _pk(day, path) for key, path in params.items()})
    )


def _pk(day, path: str) -> int:
    thing = day
    for part in path.split("."):
        thing = getattr(thing, part)
    return thing.pk


#: Beyond the navigation, for every role that reaches them: the page's address from the day's
#: data, and the roles (None: all).
EVERY_ROLES_PAGES = {
    "booking": (_url("booking", "booking"), None),
    "suite": (_url("suite", "suite"), None),
    "hearing": (_url("hearing", "hearing"), None),
    "suite-day-sheet": (_url("suite-day-sheet", "suite"), {"admin", "suite manager"}),
    "court-day-sheet": (_url("court-day-sheet", "court"), {"admin", "court user"}),
}

#: The other pages (forms, lists behind a page, confirmations), each for the role that works on
#: it most, at both widths. The pages a form posts to (checking a move or a cancellation) are
#: in test_the_check_pages_reflow_and_axe_finds_nothing.
FURTHER_PAGES = {
    "book-suite": (_query("book-suite", hearing="hearing", witness="civilian"), "scheduler"),
    "book-confirm": (
        _query("book-confirm", hearing="hearing", witness="civilian", suite="suite"),
        "scheduler",
    ),
    "booking-reschedule": (_url("booking-reschedule", "booking"), "scheduler"),
    "booking-cancel": (_url("booking-cancel", "booking"), "scheduler"),
    "booking-check-in": (_url("booking-check-in", "booking"), "suite manager"),
    "booking-outcome": (_url("booking-outcome", "booking"), "suite manager"),
    "booking-video-link": (_url("booking-video-link", "booking"), "court user"),
    "suite-hours": (_url("suite-hours", "suite"), "suite manager"),
    "suite-video": (_url("suite-video", "suite"), "suite manager"),
    "suite-closures": (_url("suite-closures", "suite"), "suite manager"),
    "suite-closure-remove": (
        _url("suite-closure-remove", "suite", "closure"),
        "suite manager",
    ),
    "hearing-vacate": (_url("hearing-vacate", "hearing"), "court user"),
    "hearing-relist": (_url("hearing-relist", "hearing"), "court user"),
    "court-lists-received": (_url("court-lists-received", "court"), "court user"),
    "court-list-changes": (_url("court-list-changes", "court"), "scheduler"),
    "court-list-change-apply": (
        _url("court-list-change-apply", "court", "change"),
        "scheduler",
    ),
    "court-list-settings": (_url("court-list-settings", "court"), "admin"),
    "feed-revoke": (_url("feed-revoke", "feed"), "scheduler"),
    "dates-to-avoid-import": (_url("dates-to-avoid-import"), "scheduler"),
    "witness": (_url("witness", "booking.witness"), "scheduler"),
}

#: Pages known to fail here, while someone works on them: (page, role, width) -> why. Strict,
#: so the test says when one passes and its mark goes. None today.
REBUILDING: dict[tuple[str, str, str], str] = {}


def navigation_for(role: str) -> list[str]:
    """The pages in the role's menu, as web.context builds it."""
    user = User(role=ROLES[role], is_superuser=role == "admin")
    return [name for name, _, ability in PAGES if ability is None or may(user, ability)]


def pages_for(role: str) -> list[str]:
    return (
        navigation_for(role)
        + [name for name, (_, roles) in EVERY_ROLES_PAGES.items() if not roles or role in roles]
        + [name for name, (_, who) in FURTHER_PAGES.items() if who == role]
    )


def cases():
    for role in ROLES:
        for name in pages_for(role):
            for width in (NARROW, WIDE):
                marks = []
                if (name, role, width) in REBUILDING:
                    reason = REBUILDING[name, role, width]
                    marks.append(pytest.mark.xfail(reason=reason, strict=True))
                yield pytest.param(role, name, width, id=f"{name}-{role}-{width}", marks=marks)


@pytest.fixture(scope="module")
def db(django_db_setup, django_db_blocker):
    """pytest-django's `db` in its place, for the module as a whole. pytest-django creates the
    test database when a test asks for `db`; its own would then hold each test in a transaction
    (on SQLite, BEGIN IMMEDIATE: the server's thread could not write a session) and
    `transactional_db` would empty the database after every test. Here the database is open
    for the module, outside any transaction, and afterwards emptied and its connections closed,
    as a transactional test leaves it, but with what the migrations put in."""
    with django_db_blocker.unblock():
        # What the migrations put in (the report's national assumptions, say), restored after
        # the flush: these tests run among the non-transactional ones (pytest-django orders by
        # the `db` fixture), so the tests after them expect the database as migrated.
        migrated = connection.creation.serialize_db_to_string()
        try:
            yield
        finally:
            call_command(
                "flush",
                interactive=False,
                verbosity=0,
                inhibit_post_migrate=True,
                reset_sequences=False,  # the restored rows keep their ids: no reuse
            )
            connection.creation.deserialize_db_from_string(migrated)
            connections.close_all()


@pytest.fixture(scope="module")
def staff_day(db):
    """The day's data, and a server of the module's own to show it. Texts go nowhere (to a
    closed port, as tests/conftest.py's `_isolated_notifications` sends them)."""
    from config.celery import app

    quiet = override_settings(
        CELERY_TASK_ALWAYS_EAGER=True, TWILIO_API_BASE_URL="http://127.0.0.1:9"
    )
    with quiet:
        app.conf.task_always_eager = True
        try:
            day = build_staff_day()
        finally:
            app.conf.task_always_eager = False
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    day.base = server.url
    yield day
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.fixture(scope="module")
def signed_in_page(browser, staff_day):
    """A page for a role at a width, signed in the first time it is asked for: each role signs
    in once, and its other width starts from the same cookies."""
    cookies, pages, contexts = {}, {}, []

    def page_for(role: str, width: int):
        if (role, width) not in pages:
            context = new_context(browser, width, storage_state=cookies.get(role))
            contexts.append(context)
            page = context.new_page()
            page.base = staff_day.base
            if role not in cookies:
                sign_in(page, staff_day.users[role].username)
                cookies[role] = context.storage_state()
            pages[role, width] = page
        return pages[role, width]

    yield page_for
    for context in contexts:
        context.close()


def address(name: str, day) -> str:
    for pages in (EVERY_ROLES_PAGES, FURTHER_PAGES):
        if name in pages:
            return pages[name][0](day)
    return reverse(f"web:{name}")


@pytest.mark.parametrize(("role", "name", "width"), list(cases()))
def test_the_page_reflows_and_axe_finds_nothing(signed_in_page, staff_day, role, name, width):
    page = signed_in_page(role, width)
    response = page.goto(staff_day.base + address(name, staff_day))

    assert response.status == 200, f"{name} for the {role}: {response.status}"
    assert page.locator("h1").count() == 1
    wider = sideways_scroll(page)
    assert not wider, (
        f"{name} for the {role} is {wider['scroll_width']}px wide at {width}px; "
        f"sticking out: {wider['widest']}"
    )
    found = accessibility_violations(page)
    assert not found, f"{name} for the {role} at {width}px: axe finds {found}"
    # No status by colour alone: every coloured tag says what it means.
    tags = page.locator(".govuk-tag").evaluate_all("tags => tags.map(t => t.innerText.trim())")
    assert all(tags), f"{name} for the {role}: a tag with no words"


@pytest.mark.parametrize("role", list(ROLES))
def test_the_pages_tested_are_the_roles_whole_menu(signed_in_page, staff_day, role):
    """If the menu gains a page, it is tested: the menu the role sees is the one tested."""
    page = signed_in_page(role, WIDE)
    page.goto(staff_day.base + reverse("web:today"))
    menu = page.locator("#navigation a").evaluate_all("links => links.map(a => a.pathname)")

    assert menu == [reverse(f"web:{name}") for name in navigation_for(role)]


def test_the_menu_opens_and_fits_at_the_reflow_width(signed_in_page, staff_day):
    """At 320 pixels the navigation folds into a Menu button; opened, every item (the admin
    has the most) and the sign-out button fit the screen."""
    page = signed_in_page("admin", NARROW)
    page.goto(staff_day.base + reverse("web:today"))
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.locator("#navigation").is_visible()

    menu.click()

    assert menu.get_attribute("aria-expanded") == "true"
    items = page.locator("#navigation a, #navigation button")
    assert items.count() == len(navigation_for("admin")) + 1
    for item in items.all():
        box = item.bounding_box()
        assert item.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= NARROW
    assert not sideways_scroll(page)
    assert accessibility_violations(page) == []


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_the_sign_in_page_reflows_and_axe_finds_nothing(browser, staff_day, width):
    context = new_context(browser, width)
    try:
        page = context.new_page()
        page.goto(staff_day.base + reverse("web:sign-in"))

        assert not sideways_scroll(page)
        assert accessibility_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [NARROW, WIDE])
@pytest.mark.parametrize(
    ("action", "fill"),
    [
        ("booking-reschedule", {}),  # the booking's own time and suite: nothing would change
        ("booking-cancel", {"Why is the booking cancelled?": "Defence accepted the statement"}),
    ],
)
def test_the_check_pages_reflow_and_axe_finds_nothing(
    signed_in_page, staff_day, action, fill, width
):
    page = signed_in_page("scheduler", width)
    page.goto(staff_day.base + reverse(f"web:{action}", args=[staff_day.booking.pk]))
    for label, value in fill.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Continue").click()

    assert page.locator("h1").inner_text() == "Check your answers"
    wider = sideways_scroll(page)
    assert not wider, f"{action}'s check page is {wider['scroll_width']}px wide at {width}px"
    found = accessibility_violations(page)
    assert not found, f"{action}'s check page at {width}px: axe finds {found}"
