"""A scheduler who uses no mouse: signs in, books a witness and cancels the booking (its own
page, then checking the answers) with the keyboard alone (Tab, the arrow keys, Space and
Enter), and can see where the focus is at every step (WCAG 2.2: 2.1.1 Keyboard, 2.4.7 Focus
Visible)."""

import re

import pytest

from bookings.models import Booking, BookingStatus
from core.clock import local
from tests.browser.test_scheduler_journey import brighton_day  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

#: Presses of Tab allowed to reach any one control: more means it is buried.
MOST_TABS = 60

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const shown = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && s.outlineColor !== 'rgba(0, 0, 0, 0)')
    || (s.boxShadow && s.boxShadow !== 'none')
    || s.backgroundColor === 'rgb(255, 221, 0)';
  let visible = shown(getComputedStyle(el));
  if (!visible && el.matches('.govuk-radios__input, .govuk-checkboxes__input')) {
    const label = document.querySelector(`label[for="${el.id}"]`);
    visible = !!label && shown(getComputedStyle(label, '::before'));
  }
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {visible, tag: el.tagName, text: (el.innerText || el.value || '').trim(), label,
          name: el.name || '', id: el.id};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_SHOWN)


def tab_to(page, wanted) -> dict:
    """Press Tab until the focused element is `wanted` (a predicate on `focused`), checking at
    every stop that the focus can be seen."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:
            continue
        assert now["visible"], f"the focus is not visible on {now}"
        if wanted(now):
            return now
    raise AssertionError(f"not reached with {MOST_TABS} presses of Tab")


def arrow_to(page, label_pattern: str) -> None:
    """Within a group of radios, the arrow keys move and choose."""
    for _ in range(MOST_TABS):
        now = focused(page)
        assert now["visible"], f"the focus is not visible on {now}"
        if re.search(label_pattern, now["label"]):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio labelled {label_pattern!r}")


def submit(page) -> None:
    """Enter on the focused button or link, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def button(name):
    return lambda el: el["tag"] == "BUTTON" and el["text"] == name


def test_a_scheduler_books_and_cancels_with_the_keyboard_alone(
    page,
    scheduler,
    brighton_day,  # noqa: F811 (the fixture imported above)
    twilio,
):
    hearing, witness = brighton_day
    page.goto(f"{page.base}/sign-in/")
    tab_to(page, lambda el: el["label"].startswith("Username"))
    page.keyboard.type(scheduler.username)
    tab_to(page, lambda el: el["label"].startswith("Password"))
    page.keyboard.type("correct-horse-battery")
    submit(page)

    tab_to(page, lambda el: el["tag"] == "A" and el["text"] == "Book a witness")
    submit(page)
    page.wait_for_url(re.compile(r"/book/"))

    day = local(hearing.starts_at).strftime("%A %-d %B %Y")
    tab_to(page, lambda el: el["name"] == "hearing")
    arrow_to(page, re.escape(day))
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["name"] == "witness")
    arrow_to(page, "Amelia Pond")
    page.keyboard.press("Space")
    tab_to(page, button("Continue"))
    submit(page)
    page.get_by_role("heading", level=1).wait_for()

    # the nearest free suite is chosen already
    tab_to(page, button("Continue"))
    submit(page)
    tab_to(page, button("Confirm booking"))
    submit(page)
    banner = page.locator(".govuk-notification-banner")
    banner.wait_for()
    assert re.search(r"Booking VS-\w{6} made", banner.inner_text())
    booking = Booking.objects.get(witness=witness)

    tab_to(page, lambda el: el["tag"] == "A" and el["text"].startswith("Cancel the booking"))
    submit(page)
    tab_to(page, lambda el: el["label"].startswith("Why is the booking cancelled?"))
    page.keyboard.type("Defence accepted the statement")
    tab_to(page, button("Continue"))
    submit(page)
    tab_to(page, button("Cancel booking"))
    submit(page)
    page.locator(".govuk-notification-banner").wait_for()

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == "Defence accepted the statement"
    for _ in range(50):
        texts = [m["body"] for m in twilio.messages() if m["to"] == "+447700900321"]
        if any("no longer needed" in body for body in texts):
            break
        page.wait_for_timeout(100)
    assert any("You are no longer needed to give evidence" in body for body in texts)
