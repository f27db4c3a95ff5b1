"""Layouts a newcomer found broken: the corrections beside the contents, the moderation queue
on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_editors import log_in
from tests.factories import make_comment, make_correction, make_editor

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


COMMENT = (
    "JavaScript frameworks and immunotherapy: a longer comment about checkpoint inhibitors "
    "that an editor has to read before approving it."
)


@pytest.fixture
def queue(seed_article):
    """Three comments waiting, one of them a reply, with long names and addresses."""
    parent = make_comment(seed_article, author_name="Marie Curie", body="Radium was a cure-all.")
    for n in range(3):
        make_comment(
            seed_article,
            parent=parent if n else None,
            status=Comment.Status.PENDING,
            author_name=f"Kim Longname{n}",
            author_email=f"kim.longname{n}@example.com",
            body=COMMENT,
        )


def open_queue(new_context, viewport):
    make_editor(username="eda", first_name="Eda")
    page = log_in(new_context(viewport=viewport).new_page())
    page.goto("/admin/comments/comment/?status=pending")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    return page


def words_split_across_lines(cell):
    """The words of a cell that the browser broke over two lines."""
    return cell.evaluate(
        """cell => {
        const text = cell.querySelector("a") || cell;
        const node = text.firstChild, split = [];
        const re = /\\S+/g;
        let match;
        while ((match = re.exec(node.textContent))) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
          if (tops.size > 1) split.push(match[0]);
        }
        return split;
      }"""
    )


def test_the_moderation_queue_gives_the_comment_the_width_at_1280(new_context, queue):
    page = open_queue(new_context, DESKTOP)
    headers = page.locator("#result_list thead th")
    widths = {
        headers.nth(i).get_attribute("class").split()[0]: headers.nth(i).bounding_box()["width"]
        for i in range(headers.count())
    }
    assert max(widths, key=widths.get) == "column-excerpt", widths
    assert widths["column-excerpt"] >= 220
    cell = page.locator("#result_list tbody .field-excerpt").first
    assert words_split_across_lines(cell) == []


def test_the_moderation_queue_is_a_list_of_cards_on_a_390_pixel_phone(new_context, queue):
    page = open_queue(new_context, PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    rows = page.locator("#result_list tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.bounding_box()["height"] < 450
        text = row.locator(".field-excerpt").bounding_box()
        assert text["width"] >= 250
        assert words_split_across_lines(row.locator(".field-excerpt")) == []
        for button in row.locator(".row-action").all():
            found = button.bounding_box()
            assert found["x"] >= 0
            assert found["x"] + found["width"] <= PHONE["width"]
            assert found["height"] >= 24
    rows.first.get_by_role("button", name="Approve").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
