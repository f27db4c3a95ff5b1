"""A reader goes through a long discussion page by page: by links, or "Show more" in place."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import AXE_SCRIPT
from tests.e2e.support import axe_violations
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"


@pytest.fixture
def long_discussion(seed_article, discussion_rules):
    """Five top-level comments, two a page (three pages), the second with a reply."""
    discussion_rules(comments_per_page=2)
    start = timezone.now() - timedelta(days=10)
    comments = [
        make_comment(seed_article, author_name=f"Writer {n}", created_at=start + timedelta(days=n))
        for n in range(5)
    ]
    make_comment(seed_article, author_name="Replier", parent=comments[1])
    return comments


def names(page):
    return page.locator("li.comment > article .comment-author").all_inner_texts()


def test_without_javascript_the_page_links_lead_through_the_discussion(
    new_context, long_discussion
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ARTICLE)
    expect(page.locator("#comments-title")).to_contain_text("6 thoughts on")
    assert names(page) == ["Writer 0", "Writer 1", "Replier"]
    expect(page.get_by_role("button", name="Show more comments")).to_have_count(0)

    pages = page.get_by_role("navigation", name="Comment pages")
    pages.get_by_role("link", name="Newer comments").click()
    expect(page).to_have_url(re.compile(rf"{ARTICLE}comment-page-2/#comments$"))
    assert names(page) == ["Writer 2", "Writer 3"]
    expect(pages.locator("[aria-current=page]")).to_have_text("Comments, page 2")

    pages.get_by_role("link", name="Comments, page 3").click()
    expect(page).to_have_url(re.compile(rf"{ARTICLE}comment-page-3/#comments$"))
    assert names(page) == ["Writer 4"]
    expect(pages.get_by_role("link", name="Newer comments")).to_have_count(0)

    # Replying works from any page: the form comes back as a reply, on this page.
    page.locator("li.comment").first.get_by_role("link", name="Reply to Writer 4").click()
    expect(page).to_have_url(re.compile(r"comment-page-3/\?replytocom=\d+#respond$"))
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Writer 4")

    pages.get_by_role("link", name="Older comments").click()
    expect(page).to_have_url(re.compile(rf"{ARTICLE}comment-page-2/#comments$"))


def test_with_javascript_more_comments_load_in_place(page, long_discussion):
    page.goto(ARTICLE)
    more = page.get_by_role("button", name="Show more comments")
    expect(more).to_be_visible()

    more.click()
    expect(page.locator("li.comment")).to_have_count(5)
    assert names(page) == ["Writer 0", "Writer 1", "Replier", "Writer 2", "Writer 3"]
    expect(page).to_have_url(re.compile(rf"{ARTICLE}$"))
    expect(page.locator("#comment-announcer")).to_have_text("2 more comments shown.")
    focused = page.evaluate("document.activeElement.closest('li.comment').id")
    assert focused == f"comment-{long_discussion[2].pk}"

    more.click()
    expect(page.locator("li.comment")).to_have_count(6)
    expect(page.locator("#comment-announcer")).to_have_text("1 more comment shown.")
    expect(more).to_have_count(0)

    # A comment that came in place takes a reply like any other: the form moves under it.
    added = page.locator(f"#comment-{long_discussion[4].pk}")
    added.get_by_role("link", name="Reply to Writer 4").click()
    expect(added.locator("#respond")).to_be_visible()
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Writer 4")
    expect(page.locator("#comment_parent")).to_have_value(str(long_discussion[4].pk))
    # The links still lead to the pages themselves.
    expect(
        page.get_by_role("navigation", name="Comment pages").get_by_role(
            "link", name="Newer comments"
        )
    ).to_have_attribute("href", f"{ARTICLE}comment-page-2/#comments")


def test_older_comments_come_in_above_when_the_article_shows_the_last_page(
    page, long_discussion, discussion_rules
):
    discussion_rules(default_comments_page="last")
    page.goto(ARTICLE)
    assert names(page) == ["Writer 4"]
    page.get_by_role("button", name="Show more comments").click()
    expect(page.locator("li.comment")).to_have_count(3)
    assert names(page) == ["Writer 2", "Writer 3", "Writer 4"]


def test_a_comment_page_after_more_comments_came_in_has_no_serious_violations(
    new_context, long_discussion
):
    for scheme in ("light", "dark"):
        page = new_context(bypass_csp=True, color_scheme=scheme).new_page()
        page.goto(f"{ARTICLE}comment-page-2/")
        page.get_by_role("button", name="Show more comments").click()
        expect(page.locator("li.comment")).to_have_count(3)
        assert axe_violations(page, AXE_SCRIPT.read_text()) == []
