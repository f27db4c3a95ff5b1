"""Layouts a newcomer found broken: the corrections beside the contents, the moderation queue
on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import DESKTOP
from tests.factories import make_correction

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"


def box(page, selector):
    return page.locator(selector).bounding_box()


def test_corrections_stay_in_the_text_column_clear_of_the_contents_at_1280(
    new_context, seed_article
):
    make_correction(seed_article, text="A dose in the CAR-T section was corrected.")
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(ARTICLE)
    corrections = page.locator(".article-corrections")
    corrections.scroll_into_view_if_needed()
    expect(corrections).to_be_visible()
    text, contents = box(page, ".article-body"), box(page, ".toc")
    found = corrections.bounding_box()
    assert found["x"] == text["x"]
    assert found["x"] + found["width"] <= contents["x"]
    # Below the text, not beside it.
    assert found["y"] >= text["y"] + text["height"]
