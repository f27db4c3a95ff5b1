"""A reader searches for "allergy" and finds the article about allergies, with or without JS."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG

pytestmark = pytest.mark.e2e

TITLE = "Unlocking the Power of Immunotherapy"


def search_from_the_header(page, words):
    page.goto("/")
    page.get_by_role("search").get_by_role("searchbox", name="Search articles").fill(words)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_searching_allergy_finds_the_article_about_allergies(new_context, seed_article, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    search_from_the_header(page, "allergy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “allergy”")
    expect(page.locator(".result-count")).to_have_text("1 article found.")
    result = page.locator(".article-summary")
    expect(result.get_by_role("link", name=re.compile(TITLE))).to_be_visible()
    marks = result.locator(".search-snippet mark")
    expect(marks.first).to_be_visible()
    assert {text.lower() for text in marks.all_inner_texts()} == {"allergies"}
    result.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page).to_have_url(re.compile(f"/articles/{SEED_SLUG}/$"))


def test_a_search_full_of_operators_gets_a_page_not_an_error(page, seed_article):
    search_from_the_header(page, '"allergy* -allergies ^(allergy) NEAR:allergy"')
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results for")
    # Every word is read as a word: the article still matches all of them but "near".
    expect(page.locator(".article-summary")).to_have_count(0)
    search_from_the_header(page, '"allergy* -allergies ^(allergy)"')
    expect(page.locator(".article-summary")).to_have_count(1)
