"""Search that understands English, on SQLite (FTS5, porter) and PostgreSQL alike.

Run on both: `make test` (SQLite) and `make test-scaled` (PostgreSQL).
"""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Tag
from articles.search import MARK_END, MARK_START, snippet_html
from tests.articles.helpers import html, listed_titles, text_of
from tests.articles.people_helpers import change_form_data
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db


def search(client, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    return response


def found(client, query):
    return listed_titles(search(client, query))


def snippets(response):
    return [
        BeautifulSoup(str(p), "html.parser").p
        for p in html(response).select(".article-list .search-snippet")
    ]


@pytest.fixture(autouse=True)
def no_seed_article(db):
    """Each test's own articles only (the seed article discusses allergies too)."""
    Article.objects.all().delete()


@pytest.fixture
def allergies(db):
    return make_article(
        title="Living with hay fever",
        body="## Pollen\n\nSeasonal allergies affect one person in four. "
        "Sublingual tablets help.\n",
    )


# --- English, stemmed -----------------------------------------------------------------


def test_allergy_finds_an_article_about_allergies(client, allergies):
    assert found(client, "allergy") == [allergies.title]


@pytest.mark.parametrize(
    ("query", "body"),
    [("vaccinated", "New vaccines are tested."), ("cell", "Killer cells."), ("runs", "Running.")],
)
def test_other_forms_of_a_word_match(client, db, query, body):
    article = make_article(title="Inflected", body=body)
    assert found(client, query) == [article.title]


def test_every_word_must_match(client, allergies):
    assert found(client, "allergy pollen") == [allergies.title]
    assert found(client, "allergy zebrafish") == []


def test_a_match_in_the_title_ranks_above_one_in_the_text(client, db):
    in_text = make_article(title="Seasonal notes", body="Some words about asthma here.")
    in_title = make_article(
        title="Asthma in children",
        body="Other words entirely.",
        published_at=timezone.now() - timedelta(days=30),
    )
    assert found(client, "asthma") == [in_title.title, in_text.title]


def test_tags_are_searched_too(client, db):
    article = make_article(body="Nothing here.", tags=[make_tag("Allergic reactions")])
    assert found(client, "reaction") == [article.title]


# --- Snippets ------------------------------------------------------------------------


def test_results_show_a_snippet_with_the_words_found_marked(client, allergies):
    (snippet,) = snippets(search(client, "allergy"))
    assert [text_of(mark) for mark in snippet.find_all("mark")] == ["allergies"]
    assert "Seasonal allergies affect one person in four." in text_of(snippet)


def test_the_snippet_shows_the_article_text_escaped(client, db):
    make_article(title="Markup", body="Allergy labels use `<script>` tags & `&amp;` entities.\n")
    (snippet,) = snippets(search(client, "allergy"))
    assert snippet.find("script") is None
    text = text_of(snippet)
    assert "<script>" in text
    assert "tags & &amp; entities" in text  # decoded once, never twice


def test_snippet_markup_is_balanced_whatever_the_text_holds():
    raw = f"a {MARK_START}b{MARK_START} c{MARK_END}{MARK_END} <i>&amp;{MARK_START}d"
    assert snippet_html(raw) == "a <mark>b c</mark> &lt;i&gt;&amp;<mark>d</mark>"


def test_results_without_a_search_keep_their_excerpts(client, allergies):
    assert html(client.get(reverse("articles:home"))).select(".search-snippet") == []


# --- Hostile and absurd input: always an answer, never an error ---------------------------

HOSTILE = [
    '"',
    '""',
    '"allergy',
    "NEAR(allergy pollen, 2)",
    "allergy NEAR pollen",
    "*",
    "allergy*",
    "-allergy",
    "^allergy",
    "title:allergy",
    "{title body}: allergy",
    "allergy AND OR NOT",
    "( ) ( (",
    "'; DROP TABLE articles_article; --",
    "a\x00b",
    "\x00",
    "allergy " * 2000,
    "x" * 10_000,
    "🧬 allergy",
    "&amp; <b>allergy</b>",
    "%",
    "\\",
    "+ - & | ! : * ~ < > @ ( )",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_is_answered_never_a_server_error(client, allergies, query):
    page = html(search(client, query))
    assert page.find("input", id="search-q") is not None
    assert page.select_one(".empty, .article-list") is not None


@pytest.mark.parametrize(
    "query", ['"allergy"', "allergy*", "-allergy", "^allergy", "(allergy)", "allergy:"]
)
def test_search_operators_are_read_as_plain_words(client, allergies, query):
    assert found(client, query) == [allergies.title]


def test_a_word_made_of_parts_matches_them_side_by_side_on_both_databases(client, db):
    axis = make_article(title="Axis", body="The gut brain axis.")
    make_article(title="Talk", body="The brain talks to the gut.")
    assert found(client, "gut=brain") == [axis.title]
    assert found(client, "brain=gut") == []


def test_input_with_no_word_finds_nothing(client, allergies):
    response = search(client, '* - ^ " :')
    assert listed_titles(response) == []
    assert "Nothing matched your search" in text_of(html(response).main)


# --- Only published articles, kept in step with every change ------------------------------


def test_a_draft_is_never_found(client, db):
    make_article(title="Draft on allergies", status=Article.Status.DRAFT, published_at=None)
    assert found(client, "allergy") == []


def test_a_scheduled_article_is_found_once_it_is_published(client, db):
    when = timezone.now() + timedelta(hours=2)
    article = make_article(title="Allergies tomorrow", published_at=when)
    assert found(client, "allergy") == []
    with time_machine.travel(when + timedelta(minutes=1)):
        assert found(client, "allergy") == [article.title]


def test_withdrawing_an_article_in_bulk_hides_it_at_once(client, allergies):
    Article.objects.filter(pk=allergies.pk).update(status=Article.Status.DRAFT)
    assert found(client, "allergy") == []


def test_a_changed_title_and_text_are_found_and_the_old_ones_are_not(client, allergies):
    allergies.title = "Living with eczema"
    allergies.body = "Atopic dermatitis flares in winter."
    allergies.save()
    assert found(client, "dermatitis") == ["Living with eczema"]
    assert found(client, "eczema") == ["Living with eczema"]
    assert found(client, "allergy") == []
    assert found(client, "hay fever") == []


def test_a_deleted_article_is_not_found(client, allergies):
    allergies.delete()
    assert found(client, "allergy") == []


def test_tag_changes_are_searched_at_once(client, allergies):
    tag = make_tag("Rhinitis", slug="rhinitis")
    tag.articles.add(allergies)
    assert found(client, "rhinitis") == [allergies.title]
    tag.name = "Sinusitis"
    tag.save()
    assert found(client, "sinusitis") == [allergies.title]
    assert found(client, "rhinitis") == []
    tag.articles.clear()
    assert found(client, "sinusitis") == []
    allergies.tags.add(tag)
    assert found(client, "sinusitis") == [allergies.title]
    tag.delete()
    assert found(client, "sinusitis") == []


# --- Through the editors' admin ---------------------------------------------------------


@pytest.fixture
def editor_admin(client, editor):
    client.force_login(editor)
    return client


def article_form(article, **changes):
    """The admin's change form for `article` as an editor submits it, with `changes`."""
    return change_form_data(article, **changes)


def test_an_article_added_in_the_admin_is_found(client, editor_admin, allergies):
    data = article_form(allergies, title="Peanut allergy trials", slug="peanut-allergy-trials")
    data["body"] = "Oral immunotherapy for peanuts."
    assert editor_admin.post(reverse("admin:articles_article_add"), data).status_code == 302
    client.logout()
    assert found(client, "peanuts") == ["Peanut allergy trials"]


def test_an_article_edited_in_the_admin_is_found_by_its_new_words(client, editor_admin, allergies):
    url = reverse("admin:articles_article_change", args=[allergies.pk])
    data = article_form(allergies, body="Birch pollen counts rise in April.")
    assert editor_admin.post(url, data).status_code == 302
    client.logout()
    assert found(client, "birch") == [allergies.title]
    assert found(client, "sublingual") == []


def test_an_article_made_a_draft_in_the_admin_is_not_found(client, editor_admin, allergies):
    url = reverse("admin:articles_article_change", args=[allergies.pk])
    assert editor_admin.post(url, article_form(allergies, status="draft")).status_code == 302
    client.logout()
    assert found(client, "allergy") == []


@pytest.mark.parametrize("path", ["delete view", "delete action"])
def test_articles_deleted_in_the_admin_are_not_found(client, editor_admin, allergies, path):
    if path == "delete view":
        url = reverse("admin:articles_article_delete", args=[allergies.pk])
        response = editor_admin.post(url, {"post": "yes"})
    else:
        url = reverse("admin:articles_article_changelist")
        data = {"action": "delete_selected", "_selected_action": [allergies.pk], "post": "yes"}
        response = editor_admin.post(url, data)
    assert response.status_code == 302
    assert not Article.objects.filter(pk=allergies.pk).exists()
    client.logout()
    assert found(client, "allergy") == []


def test_a_tag_renamed_in_the_admin_is_searched_by_its_new_name(client, editor_admin, allergies):
    tag = make_tag("Rhinitis", slug="rhinitis")
    allergies.tags.add(tag)
    url = reverse("admin:articles_tag_change", args=[tag.pk])
    response = editor_admin.post(url, {"name": "Sinusitis", "slug": "rhinitis"})
    assert response.status_code == 302
    assert Tag.objects.get(pk=tag.pk).name == "Sinusitis"
    client.logout()
    assert found(client, "sinusitis") == [allergies.title]


# --- One code path per database ------------------------------------------------------


def test_only_sqlite_keeps_a_search_table():
    tables = connection.introspection.table_names()
    assert ("articles_search" in tables) is (connection.vendor == "sqlite")
