"""Signing in and the day's overview, in a real browser."""

import pytest

from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_scheduler_signs_in_and_sees_today(page, scheduler):
    page.goto(f"{page.base}/")
    assert "/sign-in/" in page.url  # signed-out people are sent to sign in

    sign_in(page, scheduler.username)

    page.get_by_role("heading", name="Today", level=1).wait_for(state="visible")
    page.get_by_role("heading", name="Needs attention").wait_for(state="visible")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "today")


def test_a_wrong_password_is_explained_in_the_error_summary(page, scheduler):
    page.goto(f"{page.base}/sign-in/")
    page.get_by_label("Username").fill(scheduler.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible")
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert serious_accessibility_violations(page) == []


def test_the_sign_in_page_works_at_phone_width_and_by_keyboard(phone_page, scheduler):
    page = phone_page
    page.goto(f"{page.base}/sign-in/")
    # the cursor starts in the username field: no mouse needed
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(scheduler.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{page.base}/")
    # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "today-phone")
