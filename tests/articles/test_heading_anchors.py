"""A heading inside an article never takes an id the article page uses elsewhere."""

from collections import Counter

import pytest

from articles.rendering import is_reserved_id
from tests.articles.helpers import html
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

BODY = "## Comments\n\nWhat readers said.\n\n## Respond {#respond}\n\n## Comment 1\n\nText.\n"


@pytest.fixture
def page(client):
    article = make_article(body=BODY)
    make_comment(article)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return html(response)


def test_the_comments_anchor_leads_to_the_discussion_not_to_a_heading(page):
    assert page.find(id="comments").name == "section"
    assert page.find(id="respond")["class"] == ["comment-respond"]
    headings = page.select(".article-body h2")
    assert [h2["id"] for h2 in headings] == [
        "section-comments",
        "section-respond",
        "section-comment-1",
    ]


def test_no_id_appears_twice_on_the_article_page(page):
    ids = Counter(element["id"] for element in page.find_all(id=True))
    assert [name for name, count in ids.items() if count > 1] == []


def test_every_id_outside_the_article_text_is_one_headings_cannot_take(page):
    """If the page gains an id, rendering.RESERVED_IDS must learn it too."""
    body = page.select_one(".article-body")
    outside = [
        element["id"]
        for element in page.find_all(id=True)
        if body not in element.parents and element is not body
    ]
    assert outside
    assert [name for name in outside if not is_reserved_id(name)] == []
