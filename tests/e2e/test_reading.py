"""A reader finds the article, reads it, jumps around it and finds the feed."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot
from tests.e2e.support import make_discussion

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
TITLE = "Unlocking the Power of Immunotherapy"


def test_reader_goes_from_the_home_page_to_the_article_and_a_tag(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest articles")
    save_screenshot(page, "home-desktop")

    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(page).to_have_url(re.compile(ARTICLE + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator(".byline")).to_contain_text("By Immunoblog Editorial Team")

    page.locator(".article-header").get_by_role("link", name="Checkpoint inhibitors").click()
    expect(page).to_have_url(re.compile(r"/tag/checkpoint-inhibitors/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Checkpoint inhibitors")
    expect(page.get_by_role("link", name=re.compile(TITLE))).to_be_visible()


def test_feed_link_serves_the_rss_feed(page):
    page.goto("/")
    feed_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="RSS feed")
    href = feed_link.get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert "xml" in response.headers["content-type"]
    assert TITLE in response.text()
    # Feed readers find it from any page's <head> too, beside the comments feed.
    assert (
        page.locator(f"link[rel=alternate][type='application/rss+xml'][href='{href}']").count() == 1
    )


def test_table_of_contents_jumps_to_its_heading(page):
    page.goto(ARTICLE)
    toc = page.get_by_role("navigation", name="Contents")
    toc.get_by_role("link", name="(2) Checkpoint Inhibitors").click()
    expect(page).to_have_url(re.compile(r"#2-checkpoint-inhibitors$"))
    heading = page.locator("[id='2-checkpoint-inhibitors']")
    expect(heading).to_have_text("(2) Checkpoint Inhibitors")
    expect(heading).to_be_in_viewport()


def test_article_with_a_threaded_discussion_on_desktop_and_phone(new_context, seed_article):
    make_discussion(seed_article)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_context(viewport=viewport).new_page()
        page.goto(ARTICLE)
        expect(page.locator("#comments-title")).to_have_text(
            f"8 thoughts on “{seed_article.title}”"
        )
        deepest = page.locator("li.comment.depth-5")
        expect(deepest).to_have_count(1)
        # Replies step right of their parent, up to a limit on a phone.
        indents = [
            page.locator(f"li.comment.depth-{depth}").first.bounding_box()["x"]
            for depth in range(1, 6)
        ]
        assert indents == sorted(indents)
        assert indents[1] > indents[0]
        if name == "phone":
            assert indents[4] - indents[0] <= 80
            assert deepest.bounding_box()["width"] >= 250
        save_screenshot(page, f"article-{name}")
