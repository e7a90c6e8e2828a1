"""The API documentation renders from the live schema, under the same Content Security Policy
as every other page."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_the_schema_with_no_policy_violations(page, scheduler):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, scheduler.username)

    page.goto(f"{page.base}/api/docs/")

    page.get_by_text("Remote evidence suites API").first.wait_for()
    page.locator(".opblock-tag", has_text="bookings").first.wait_for()
    assert page.locator(".opblock").count() > 20  # every operation is listed
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_gov_uk_frontend_starts_under_the_policy(phone_page, scheduler):
    problems = []
    page = phone_page
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, scheduler.username)

    # the phone-width menu is GOV.UK Frontend's JavaScript at work
    toggle = page.get_by_role("button", name="Menu")
    toggle.click()
    page.get_by_role("link", name="Book a witness").wait_for(state="visible")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert not problems, problems
