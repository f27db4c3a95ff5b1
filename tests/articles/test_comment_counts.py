"""Each article's count of approved comments on the home and tag pages."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import set_status
from tests.articles.helpers import html, text_of
from tests.factories import make_article, make_comment, make_tag

pytestmark = pytest.mark.django_db


def counts(response):
    """{title: what the card says about comments} for each card on a list page."""
    soup = html(response)
    for hidden in soup.select(".comment-count .visually-hidden"):
        hidden.decompose()  # what a sighted reader sees
    return {
        text_of(card.select_one(".article-summary-title")): text_of(
            card.select_one(".comment-count")
        )
        for card in soup.select(".article-summary")
    }


@pytest.fixture
def tag():
    return make_tag("Hay fever", slug="hay-fever")


@pytest.fixture
def discussed(tag):
    """Three articles: two approved comments (and others held), one, none."""
    two = make_article(title="Two comments", tags=[tag])
    for _ in range(2):
        make_comment(two)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH):
        make_comment(two, status=status)
    one = make_article(title="One comment", tags=[tag])
    make_comment(one)
    make_article(title="No comment", tags=[tag])
    return two, one


EXPECTED = {"Two comments": "2 comments", "One comment": "1 comment", "No comment": "No comments"}


def test_home_page_shows_each_articles_approved_comments(client, discussed, seed_article):
    assert counts(client.get(reverse("articles:home"))) == {
        **EXPECTED,
        seed_article.title: "No comments",
    }


def test_tag_page_shows_each_articles_approved_comments(client, discussed, tag):
    assert counts(client.get(tag.get_absolute_url())) == EXPECTED


def test_the_count_links_to_the_discussion_and_names_the_article(client, discussed):
    two, _ = discussed
    link = html(client.get(reverse("articles:home"))).select_one(
        f"#summary-{two.pk} ~ .byline .comment-count"
    )
    assert link["href"] == f"{two.get_absolute_url()}#comments"
    assert text_of(link) == "2 comments on “Two comments”"


@pytest.mark.parametrize("articles", [1, 5, 25])
def test_counts_cost_no_query_per_article(
    articles, tag, django_assert_num_queries, settings, client
):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(articles):
        make_comment(make_article(tags=[tag]))
    with django_assert_num_queries(3):  # count, page with its comment counts, tags
        home = client.get(reverse("articles:home"))
    with django_assert_num_queries(4):  # the tag too
        tagged = client.get(tag.get_absolute_url())
    shown = min(articles, settings.ARTICLES_PER_PAGE)
    assert list(counts(tagged).values()) == ["1 comment"] * shown
    assert list(counts(home).values())[:shown] == ["1 comment"] * shown


def approve(comment):
    set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)


def publish_on_save(comment):
    comment.status = Comment.Status.APPROVED
    comment.save()


def delete_approved(comment):
    comment.delete()


CHANGES = {
    "approved by an action": (Comment.Status.PENDING, approve, "2 comments"),
    "approved in its form": (Comment.Status.PENDING, publish_on_save, "2 comments"),
    "unapproved": (
        Comment.Status.APPROVED,
        lambda comment: set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.SPAM),
        "No comments",
    ),
    "deleted": (Comment.Status.APPROVED, delete_approved, "No comments"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_cached_lists_show_the_new_count_after_a_change(
    change, tag, django_capture_on_commit_callbacks
):
    status, act, expected = change
    article = make_article(title="Counted", tags=[tag])
    if expected == "2 comments":
        make_comment(article)
    comment = make_comment(article, status=status)
    urls = [reverse("articles:home"), tag.get_absolute_url()]
    before = [Client().get(url).content for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        act(comment)
    for url, old in zip(urls, before, strict=True):
        response = Client().get(url)
        assert response.content != old
        assert counts(response)["Counted"] == expected
