"""Keyboard only: the comment form is reachable with Tab, and focus is always visible."""

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
FORM_CONTROLS = [
    "id_comment", "id_author", "id_email", "id_url", "id_save_details", "id_notify", "submit",
]  # fmt: skip

FOCUS_STYLE = """
(element) => {
  const style = getComputedStyle(element);
  return [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow].join(" | ");
}
"""


def active_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_every_comment_form_control_is_reached_with_tab_and_shows_focus(page, seed_article):
    page.goto(ARTICLE)
    # From the top of the page, Tab by Tab, as a keyboard user gets there.
    for _ in range(120):
        page.keyboard.press("Tab")
        if active_id(page) == FORM_CONTROLS[0]:
            break
    reached, focused_style = [], {}
    while (element_id := active_id(page)) in FORM_CONTROLS and element_id not in reached:
        reached.append(element_id)
        focused_style[element_id] = page.locator(f"#{element_id}").evaluate(FOCUS_STYLE)
        page.keyboard.press("Tab")
    assert reached == FORM_CONTROLS

    page.evaluate("document.activeElement.blur()")
    for element_id in FORM_CONTROLS:
        resting = page.locator(f"#{element_id}").evaluate(FOCUS_STYLE)
        assert focused_style[element_id] != resting, f"#{element_id} shows no focus"


def test_shift_tab_goes_back_through_the_form(page, seed_article):
    page.goto(ARTICLE)
    page.locator("#submit").focus()
    seen = []
    for _ in FORM_CONTROLS[:-1]:
        page.keyboard.press("Shift+Tab")
        seen.append(active_id(page))
    assert seen == FORM_CONTROLS[-2::-1]


def test_replying_from_the_keyboard_puts_focus_in_the_comment_box(page, seed_article):
    make_comment(seed_article, author_name="Grace Hopper", body="Ask for forgiveness.")
    page.goto(ARTICLE)
    reply = page.get_by_role("link", name="Reply to Grace Hopper")
    reply.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_comment")).to_be_focused()
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Grace Hopper")

    # The cancel link is the next stop after the title, and returns focus to the box.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Cancel reply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#reply-title-text")).to_have_text("Leave a Reply")
    expect(page.locator("#id_comment")).to_be_focused()


def test_skip_link_is_the_first_stop_and_jumps_to_the_content(page, seed_article):
    page.goto(ARTICLE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#main")
