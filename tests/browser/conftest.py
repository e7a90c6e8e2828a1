"""Browser tests: Python Playwright driving Debian's Chromium against a live server, with the
fake Twilio calling the app back, axe-core for accessibility, and screenshots for people."""

import functools
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


#: The widths the staff pages are tested at: WCAG 2.2's reflow width (1.4.10: 320 CSS pixels,
#: as a phone), and a desktop.
NARROW, WIDE = 320, 1280


def new_context(browser, width: int, **options):
    """A browser context `width` CSS pixels wide: a phone (a touch screen that honours the
    viewport meta tag) below 700, a desktop otherwise."""
    phone = width < 700
    context = browser.new_context(
        viewport={"width": width, "height": 812 if phone else 900},
        locale="en-GB",
        timezone_id="Europe/London",
        is_mobile=phone,
        has_touch=phone,
        **options,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, live_server):
    context = new_context(browser, WIDE)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = new_context(browser, 375)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def narrow_page(browser, live_server):
    """A page at the reflow width, 320 CSS pixels."""
    context = new_context(browser, NARROW)
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
    """GOV.UK's two documented known issues, the only findings excused here:

    - GOV.UK Frontend puts aria-expanded on radios and checkboxes that reveal conditional
      content, against the letter of ARIA 1.2, on purpose: screen readers announce it and
      research with their users found it helps (alphagov/govuk-frontend#979).
    - The back link goes before `<main>`, outside every landmark, as the Design System says
      (so the skip link skips it). axe's best-practice `region` rule flags it; GOV.UK looked
      into it, found no user who struggled, and kept it (alphagov/govuk-frontend#6460, the
      back link's "Known issues and gaps"). Only the back link itself is excused."""
    if violation["id"] == "aria-allowed-attr":
        return (
            "govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"]
        ) and all("aria-expanded" in check["message"] for check in node["all"] + node["any"])
    if violation["id"] == "region":
        return node["target"] == [".govuk-back-link"]
    return False


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def accessibility_violations(page, impacts=("minor", "moderate", "serious", "critical")):
    """axe-core's findings on the page as it stands, of the `impacts` given (all by default),
    each with the first few elements at fault."""
    # Evaluated through the DevTools protocol, not as a page script: the site's Content
    # Security Policy rightly refuses scripts it did not serve.
    page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
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


def serious_accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the page as it stands."""
    return accessibility_violations(page, impacts=("serious", "critical"))


#: The page's width beyond its viewport's, and what sticks out furthest (elements, and words
#: wider than their box), leaving out what a box that fits clips or scrolls by itself: an
#: absolutely positioned element escapes every box but its containing block's.
_SIDEWAYS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const positioned = (style) => style.position === "absolute" || style.position === "fixed";
  const clipped = (el, start) => {
    let absolute = positioned(getComputedStyle(el));
    for (let up = start; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      const containing = !absolute || style.position !== "static";
      if (!containing) continue;
      if (style.overflowX !== "visible" && up.getBoundingClientRect().right <= width + 0.5) {
        return true;
      }
      absolute = positioned(style);
    }
    return false;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const out = [];
  const note = (el, start, rect, text) => {
    const right = rect.right + window.scrollX;
    if (right > width + 0.5 && !clipped(el, start)) {
      out.push({element: describe(el), right: Math.round(right), text: text.trim().slice(0, 60)});
    }
  };
  for (const el of document.body.querySelectorAll("*")) {
    note(el, el.parentElement, el.getBoundingClientRect(), el.innerText || "");
  }
  const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = words.nextNode(); node; node = words.nextNode()) {
    const el = node.parentElement;
    // Words in a box that clips them stick out no further than the box (noted above).
    if (!node.textContent.trim() || !el || getComputedStyle(el).overflowX !== "visible") continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    note(el, el.parentElement, range.getBoundingClientRect(), "words: " + node.textContent);
  }
  out.sort((a, b) => b.right - a.right);
  return {scroll_width: root.scrollWidth, width: width, widest: out.slice(0, 4)};
}"""


def sideways_scroll(page) -> dict | None:
    """None when the page fits its viewport's width (nothing to scroll sideways, WCAG 1.4.10);
    otherwise how wide it is and what sticks out."""
    measured = page.evaluate(_SIDEWAYS)
    return measured if measured["scroll_width"] > measured["width"] else None


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
