"""Every page that lists things costs a fixed number of queries, however long the list."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import (
    make_article,
    make_comment,
    make_correction,
    make_person,
    make_reference,
    make_tag,
    make_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every request renders its page: what is measured is the uncached path."""
    settings.PAGE_CACHE_SECONDS = 0


def fresh_get(url):
    """A reader with no cookies."""
    return Client().get(url)


@pytest.mark.parametrize("comments", [0, 10, 100, 1000])
def test_article_page_costs_three_queries_at_any_number_of_comments(
    seed_article, django_assert_num_queries, comments
):
    """The article with its author, reviewer and neighbours (its references and corrections
    rendered with it), its tags, and every approved comment."""
    make_thread(seed_article, comments)
    fresh_get(seed_article.get_absolute_url())  # the discussion rules reach the shared cache
    with django_assert_num_queries(3):
        response = fresh_get(seed_article.get_absolute_url())
    assert response.status_code == 200
    # The first page: 50 top-level comments, each with its three replies.
    assert response.content.decode().count('class="comment depth-') == min(comments, 200)


@pytest.mark.parametrize("comments", [10, 100, 1000])
def test_each_comment_page_costs_three_queries_at_any_number_of_comments(
    seed_article, discussion_rules, django_assert_num_queries, comments
):
    discussion_rules(comments_per_page=2)  # threads of four: eight comments a page
    make_thread(seed_article, comments)
    last = ((comments + 3) // 4 + 1) // 2
    for page in sorted({2, last}):
        url = reverse("comment_page", kwargs={"slug": seed_article.slug, "page": page})
        fresh_get(url)
        with django_assert_num_queries(3):
            response = fresh_get(url)
        assert response.status_code == 200
        shown = response.content.decode().count('class="comment depth-')
        assert shown == min(8, comments - (page - 1) * 8)


def test_a_comment_page_without_comments_redirects_after_the_same_three_queries(
    seed_article, django_assert_num_queries
):
    url = reverse("comment_page", kwargs={"slug": seed_article.slug, "page": 2})
    fresh_get(url)
    with django_assert_num_queries(3):
        response = fresh_get(url)
    assert response.status_code == 302
    assert response["Location"] == seed_article.get_absolute_url()


@pytest.mark.parametrize("status", [Comment.Status.APPROVED, Comment.Status.PENDING])
def test_a_comments_permalink_costs_at_most_two_queries(
    seed_article, django_assert_max_num_queries, status
):
    """The comment (public, on a public article), then the ids of its discussion."""
    comment = make_thread(seed_article, 100, status=status)[-1]
    fresh_get(comment.get_absolute_url())
    with django_assert_max_num_queries(2):
        response = fresh_get(comment.get_absolute_url())
    assert response.status_code == (302 if status == Comment.Status.APPROVED else 404)


def test_article_page_with_cold_caches_reads_the_rules_once_more(
    seed_article, django_assert_num_queries
):
    make_thread(seed_article, 10)
    caches["default"].clear()
    # and the two settings rows (rules, medical disclaimer) and the article's neighbours
    with django_assert_num_queries(6):
        fresh_get(seed_article.get_absolute_url())


def test_reply_page_costs_the_same(seed_article, django_assert_num_queries):
    parent = make_thread(seed_article, 10)[0]
    fresh_get(seed_article.get_absolute_url())
    with django_assert_num_queries(3):
        response = fresh_get(f"{seed_article.get_absolute_url()}?replytocom={parent.pk}")
    assert f'value="{parent.pk}"' in response.content.decode()


def test_article_page_does_not_query_pending_comments_separately(
    seed_article, django_assert_num_queries
):
    make_thread(seed_article, 5)
    make_comment(seed_article, status=Comment.Status.PENDING)
    fresh_get(seed_article.get_absolute_url())
    with django_assert_num_queries(3):
        fresh_get(seed_article.get_absolute_url())


@pytest.mark.parametrize("articles", [1, 5, 25])
def test_home_page_costs_three_queries(django_assert_num_queries, articles, db):
    tags = [make_tag() for _ in range(3)]
    for _ in range(articles):
        make_article(tags=tags)
    with django_assert_num_queries(3):  # count, page, tags
        response = fresh_get(reverse("articles:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("articles", [1, 12])
def test_tag_page_costs_four_queries(django_assert_num_queries, articles, db):
    tag = make_tag()
    for _ in range(articles):
        make_article(tags=[tag, make_tag()])
    with django_assert_num_queries(4):  # tag, count, page, tags
        fresh_get(tag.get_absolute_url())


@pytest.mark.parametrize(("references", "corrections"), [(0, 0), (1, 1), (30, 10)])
def test_article_page_costs_the_same_however_many_references_and_corrections(
    django_assert_num_queries, references, corrections, db
):
    article = make_article(reviewer=make_person(), reviewed_on=timezone.localdate())
    for n in range(references):
        make_reference(article, f"ref{n}")
    for _ in range(corrections):
        make_correction(article)
    article.refresh_from_db()
    article.body += "".join(f" Cited[^ref{n}]." for n in range(references))
    article.save()
    fresh_get(article.get_absolute_url())
    with django_assert_num_queries(3):
        response = fresh_get(article.get_absolute_url())
    page = response.content.decode()
    assert page.count('class="footnote-ref"') == references
    assert page.count("<li><time") == corrections


@pytest.mark.parametrize("articles", [1, 12])
def test_profile_page_costs_four_queries(django_assert_num_queries, articles, db):
    person = make_person()
    for n in range(articles):
        if n % 2:
            make_article(tags=[make_tag()], author=person)
        else:
            make_article(tags=[make_tag()], reviewer=person, reviewed_on=timezone.localdate())
    with django_assert_num_queries(4):  # person, count, page, tags
        response = fresh_get(person.get_absolute_url())
    assert response.content.decode().count('class="article-summary"') == min(articles, 10)


@pytest.mark.parametrize("articles", [1, 12])
def test_search_costs_three_queries(django_assert_num_queries, articles, db):
    for _ in range(articles):
        make_article(tags=[make_tag()], title="Immune system news")
    with django_assert_num_queries(3):
        response = fresh_get(reverse("articles:search") + "?q=immune+news")
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", ["articles:feed", "articles:feed_atom"])
def test_feeds_cost_three_queries(django_assert_num_queries, url_name, db):
    for _ in range(5):
        make_article(tags=[make_tag(), make_tag()])
    with django_assert_num_queries(3):  # articles, tags, the next scheduled publication
        fresh_get(reverse(url_name))


def test_tag_feed_costs_four_queries(django_assert_num_queries, db):
    tag = make_tag()
    for _ in range(5):
        make_article(tags=[tag, make_tag()])
    with django_assert_num_queries(4):  # the tag, articles, tags, the next scheduled one
        fresh_get(reverse("articles:tag_feed", args=[tag.slug]))


@pytest.mark.parametrize("comments", [5, 60])
def test_site_comments_feed_costs_two_queries(django_assert_num_queries, seed_article, comments):
    make_thread(seed_article, comments)
    with django_assert_num_queries(2):  # comments with their articles, the next scheduled one
        fresh_get(reverse("comments:latest_feed"))


def test_comments_feed_costs_two_queries(seed_article, django_assert_num_queries):
    make_thread(seed_article, 30)
    with django_assert_num_queries(2):
        fresh_get(reverse("comments:feed", args=[seed_article.slug]))


def test_sitemap_costs_a_fixed_number_of_queries(django_assert_num_queries, db):
    for _ in range(5):
        make_article(tags=[make_tag()])
    # A count and a list for each of the articles, the tags and the people.
    with django_assert_num_queries(6):
        fresh_get(reverse("sitemap"))
