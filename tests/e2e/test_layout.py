"""The pages fit a small phone, load nothing from elsewhere, and print cleanly."""

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import PHONE, save_screenshot
from tests.e2e.support import make_discussion
from tests.e2e.test_commenting import fill_comment_form, post_button

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
SMALL_PHONE = {"width": 360, "height": 740}


def post_badly(page):
    page.goto(ARTICLE)
    fill_comment_form(page, comment="A comment", name="Kim", email="kim@")
    post_button(page).click()
    expect(page.get_by_role("alert")).to_be_visible()


def visit_every_kind_of_page(page):
    """Home, the article with a deep thread, a tag, search, the form's error page, a 404."""
    page.goto("/")
    yield "home"
    page.goto(ARTICLE)
    expect(page.locator("li.comment.depth-5")).to_have_count(1)
    yield "article"
    page.goto("/tag/car-t/")
    yield "tag"
    page.goto("/search/?q=immune+system")
    expect(page.locator(".article-summary")).to_have_count(1)
    yield "search"
    post_badly(page)
    yield "error page"
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    yield "not found"


def test_no_page_scrolls_sideways_on_a_360_pixel_phone(new_context, seed_article):
    make_discussion(seed_article)
    page = new_context(viewport=SMALL_PHONE).new_page()
    too_wide = {}
    for name in visit_every_kind_of_page(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SMALL_PHONE["width"]:
            too_wide[name] = width
    assert not too_wide


def test_every_request_goes_to_this_site(new_context, site, seed_article):
    make_discussion(seed_article)
    context = new_context()
    page = context.new_page()
    for _ in visit_every_kind_of_page(page):
        pass
    # The reply form's script asks for its token from this site too.
    page.goto(ARTICLE)
    page.get_by_role("link", name="Reply to Sam Patel").click()
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Sam Patel")
    requests = new_context.requests
    assert any("/static/css/site.css" in url for url in requests)
    assert any("/comments/csrf/" in url for url in requests)
    # The tab shows our icon, not a request for a missing /favicon.ico.
    assert any(url.endswith("/static/icons/favicon.svg") for url in requests)
    assert not any(url.endswith("/favicon.ico") for url in requests)
    elsewhere = sorted({url for url in requests if not site.is_own(url)})
    assert not elsewhere


def test_home_page_on_a_phone(new_context, seed_article):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest articles")
    save_screenshot(page, "home-phone")


def test_printed_article_is_the_text_without_the_site_around_it(new_context, seed_article):
    make_discussion(seed_article)
    # About the width of an A4 page at 96 dots per inch.
    page = new_context(viewport={"width": 794, "height": 1123}).new_page()
    page.goto(ARTICLE)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".toc", "#respond", ".comment-reply-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".article-body")).to_be_visible()
    expect(page.locator(".byline")).to_be_visible()
    body = page.locator(".article-body p").first
    assert body.evaluate("p => getComputedStyle(p).color") == "rgb(0, 0, 0)"
    save_screenshot(page, "article-print")


def test_dark_scheme_follows_the_system_setting(new_context, seed_article):
    make_discussion(seed_article)
    background = "document.body && getComputedStyle(document.body).backgroundColor"
    light = new_context(color_scheme="light").new_page()
    light.goto(ARTICLE)
    dark = new_context(color_scheme="dark").new_page()
    dark.goto(ARTICLE)
    assert light.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.evaluate(background) != light.evaluate(background)
    save_screenshot(dark, "article-desktop-dark")
