"""The immunotherapy article created by the data migration, against its seed text."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.articles.helpers import html, meta_content, text_of
from tests.conftest import SEED_SLUG

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "immunotherapy_seed.txt"
COMMENT_SECTION_STARTS = (
    "3 thoughts on",
    "Leave a Reply",
    "Your email address will not be published",
)
SECTION_TITLES = [
    "What is Immunotherapy?",
    "Immunotherapy for Cancer:",
    "Benefits of Immunotherapy:",
    "Immunotherapy Side Effects:",
    "Immunotherapy Beyond Cancer:",
    "Can Immunotherapy Cure Stage 4 Cancer?",
]
EDITORIAL_TAGS = {
    "Immunotherapy",
    "Cancer",
    "Checkpoint inhibitors",
    "CAR-T",
    "Allergies",
    "Autoimmune diseases",
    "Infectious diseases",
}
LIST_ITEM = re.compile(r"^\d+\.\s+")
SUBSECTION = re.compile(r"^\(\d+\) ")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


class Seed:
    """The seed split into its parts: title, keyword line, body lines, comment lines."""

    def __init__(self, text):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        self.title = lines[0]
        self.keyword_line = lines[1]
        self.comment_lines = lines[-len(COMMENT_SECTION_STARTS) :]
        self.body_lines = [line for line in lines[1:-3] if line != self.keyword_line]
        self.keyword_line_count = lines.count(self.keyword_line)

    @property
    def keywords(self):
        return [phrase.strip() for phrase in self.keyword_line.split(",")]

    @property
    def list_items(self):
        return [LIST_ITEM.sub("", line) for line in self.body_lines if LIST_ITEM.match(line)]

    @property
    def subsection_titles(self):
        return [line for line in self.body_lines if SUBSECTION.match(line)]

    @property
    def sentences(self):
        """Every sentence of the body, in order; list items lose their "1." markers."""
        sentences = []
        for line in self.body_lines:
            sentences.extend(SENTENCE_END.split(LIST_ITEM.sub("", line)))
        return sentences


@pytest.fixture(scope="module")
def seed():
    seed = Seed(SEED_FILE.read_text(encoding="utf-8"))
    # The file is what we think it is: otherwise every test below proves nothing.
    assert seed.keyword_line_count == 2
    assert all(
        line.startswith(start)
        for line, start in zip(seed.comment_lines, COMMENT_SECTION_STARTS, strict=True)
    )
    assert len(seed.sentences) > 40
    return seed


@pytest.fixture
def article_url():
    return reverse("articles:detail", kwargs={"slug": SEED_SLUG})


@pytest.fixture
def page(client, db, article_url):
    response = client.get(article_url)
    assert response.status_code == 200
    return html(response)


@pytest.fixture
def body(page):
    return page.select_one(".article-body")


def test_seed_article_is_public_on_a_fresh_database(client, seed_article, article_url):
    assert seed_article.is_public
    assert client.get(article_url).status_code == 200


def test_seed_title_is_the_page_heading(page, seed):
    (h1,) = page.find_all("h1")
    assert text_of(h1) == seed.title


def test_every_seed_sentence_appears_in_the_body_in_order_word_for_word(body, seed):
    text = text_of(body)
    position = 0
    for sentence in seed.sentences:
        found = text.find(sentence, position)
        assert found != -1, f"missing or out of order: {sentence!r}"
        position = found + len(sentence)


def test_article_body_holds_nothing_but_the_seed_text(body, seed):
    assert text_of(body) == " ".join(seed.sentences)


def test_curly_quotes_of_the_seed_are_kept(body):
    text = text_of(body)
    assert "body’s immune system" in text
    assert "'" not in text


def test_keyword_line_is_not_repeated_in_the_body(body, seed):
    assert seed.keyword_line not in text_of(body)


@pytest.mark.parametrize("start", COMMENT_SECTION_STARTS)
def test_comment_section_lines_of_the_seed_are_not_body_text(body, start):
    assert start not in text_of(body)


def test_section_titles_are_h2_headings(body, seed):
    assert all(title in seed.body_lines for title in SECTION_TITLES)
    assert [text_of(h2) for h2 in body.find_all("h2")] == SECTION_TITLES


def test_numbered_subsections_are_h3_headings(body, seed):
    assert len(seed.subsection_titles) == 9
    assert [text_of(h3) for h3 in body.find_all("h3")] == seed.subsection_titles


def test_side_effects_are_an_ordered_list_of_five_items(body, seed):
    (side_effects,) = body.find_all("ol")
    items = [text_of(li) for li in side_effects.find_all("li")]
    assert items == seed.list_items
    assert len(items) == 5


def test_side_effects_list_follows_the_side_effects_heading(body):
    heading = body.find("h2", string="Immunotherapy Side Effects:")
    assert heading.find_next_sibling(["ol", "h2"]).name == "ol"


def test_stored_seo_keywords_are_the_seed_keyword_phrases_in_order(seed_article, seed):
    assert seed_article.seo_keywords == seed.keywords


def test_page_meta_keywords_are_the_seed_keyword_line(page, seed):
    assert meta_content(page, name="keywords") == seed.keyword_line


def test_seed_article_carries_the_seven_editorial_tags(seed_article):
    assert {tag.name for tag in seed_article.tags.all()} == EDITORIAL_TAGS


def test_article_page_shows_the_seven_editorial_tags(page):
    shown = {text_of(link) for link in page.select(".article-header .tag-list a")}
    assert shown == EDITORIAL_TAGS


def test_seed_article_is_not_shown_as_updated(page, seed_article):
    assert seed_article.updated_at == seed_article.published_at
    assert "Updated" not in text_of(page.select_one(".byline"))
