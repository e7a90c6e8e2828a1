"""Browser tests: Python Playwright driving Debian's Chromium against a live server, with the
fake Twilio calling the app back, axe-core for accessibility, and screenshots for people."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from notifications.fake_twilio import FakeTwilio

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    missing = [
        what
        for what, path in [("chromium", CHROMIUM), ("axe-core", AXE)]
        if not Path(path).exists()
    ]
    if missing:
        skip = pytest.mark.skip(
            reason=f"browser tests need {', '.join(missing)} (make test installs them)"
        )
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
    # make between page actions (and the database teardown) are ordinary blocking calls. Only
    # while these tests run: nothing else may inherit it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        locale="en-GB",
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/London",
    )
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def twilio(live_server, settings):
    """The fake Twilio, calling the live server back with signed receipts."""
    fake = FakeTwilio(
        account_sid=settings.TWILIO_ACCOUNT_SID,
        auth_token=settings.TWILIO_AUTH_TOKEN,
        messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
        app_url=live_server.url,
    ).start()
    fake.configure(callback_delay=0.05)
    settings.TWILIO_API_BASE_URL = fake.url
    settings.PUBLIC_BASE_URL = live_server.url
    yield fake
    fake.stop()


def sign_in(page, username, password="correct-horse-battery"):
    page.goto(f"{page.base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{page.base}/")


def _known_govuk_exception(violation: dict, node: dict) -> bool:
    """GOV.UK Frontend puts aria-expanded on radios and checkboxes that reveal conditional
    content, against the letter of ARIA 1.2, on purpose: screen readers announce it and
    research with their users found it helps. It is GOV.UK's documented known issue
    (alphagov/govuk-frontend#979), the only finding excused here."""
    return (
        violation["id"] == "aria-allowed-attr"
        and ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
        and all("aria-expanded" in check["message"] for check in node["all"] + node["any"])
    )


def serious_accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it stands."""
    # Evaluated through the DevTools protocol, not as a page script: the site's Content
    # Security Policy rightly refuses scripts it did not serve.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        nodes = [n for n in violation["nodes"] if not _known_govuk_exception(violation, n)]
        if nodes:
            found.append(
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "nodes": [n["target"] for n in nodes][:5],
                }
            )
    return found


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
