"""Small things readers notice: comment counts on the lists, required fields read out
as "required", and the discussion's anchor kept by the discussion."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.support import make_discussion
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.e2e

TITLE = "Unlocking the Power of Immunotherapy"


def assert_only_for_screen_readers(locator):
    """Text that is read out but takes up no room on the screen (Bootstrap's visually-hidden)."""
    box = locator.bounding_box()
    assert box["width"] <= 1
    assert box["height"] <= 1


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_comment_count_on_the_home_page_leads_to_the_discussion(
    new_context, seed_article, javascript
):
    make_discussion(seed_article)
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/")
    count = page.get_by_role("link", name=f"8 comments on “{seed_article.title}”")
    expect(count).to_have_text(re.compile(r"^8 comments on"))
    assert_only_for_screen_readers(count.locator(".visually-hidden"))
    count.click()
    expect(page).to_have_url(re.compile(f"/articles/{SEED_SLUG}/#comments$"))
    expect(page.locator("#comments-title")).to_be_in_viewport()


def test_required_fields_are_named_required_not_star(page, seed_article):
    page.goto(f"/articles/{SEED_SLUG}/")
    form = page.locator("#commentform")
    for name in ("Comment", "Name", "Email"):
        expect(form.get_by_role("textbox", name=f"{name} (required)", exact=True)).to_be_visible()
    expect(form.get_by_role("textbox", name="Website", exact=True)).to_be_visible()
    # Sighted readers still see the asterisk; "(required)" takes no room.
    label = form.locator("label[for=id_comment]")
    expect(label.locator(".asteriskField")).to_be_visible()
    expect(label.locator(".asteriskField")).to_have_attribute("aria-hidden", "true")
    assert_only_for_screen_readers(label.locator(".visually-hidden"))


def test_a_heading_called_comments_does_not_take_the_discussions_anchor(page, db):
    article = make_article(
        title="Reader questions",
        body="## Comments\n\nWhat readers asked.\n\n" + "A long paragraph. " * 400,
    )
    make_comment(article, body="The discussion is down here.")
    page.goto(f"{article.get_absolute_url()}#comments")
    expect(page.locator("#comments-title")).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Comments", exact=True)).not_to_be_in_viewport()
