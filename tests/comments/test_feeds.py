"""Comment feeds: the site's latest comments and one article's discussion, in full."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from comments.feeds import FEED_SIZE
from comments.models import Comment
from comments.moderation import set_status
from comments.privacy import erase_commenter
from tests.factories import make_article, make_comment, make_editor, make_thread

pytestmark = pytest.mark.django_db

ABSOLUTE = "http://testserver"
SITE_FEED = "/comments/feed/"


def items(url):
    response = Client().get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall("channel/item")


def article_feed(article):
    return reverse("comments:feed", kwargs={"slug": article.slug})


@pytest.fixture
def two_articles():
    return make_article(title="First article"), make_article(title="Second article")


def test_site_feed_lists_approved_comments_on_every_article_newest_first(two_articles):
    first, second = two_articles
    make_comment(first, author_name="Ada", body="Oldest.")
    make_comment(second, author_name="Bea", body="Middle.")
    make_comment(first, author_name="Cy", body="Newest.")
    titles = [item.findtext("title") for item in items(SITE_FEED)]
    assert titles == ["Cy on “First article”", "Bea on “Second article”", "Ada on “First article”"]


def test_site_feed_describes_itself(db):
    channel = ET.fromstring(Client().get(SITE_FEED).content).find("channel")
    assert channel.findtext("title") == "Comments on Immunoblog"
    assert channel.findtext("link") == ABSOLUTE + reverse("articles:home")


@pytest.mark.parametrize(
    "status", [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]
)
def test_comments_that_are_not_public_are_in_no_feed(two_articles, status):
    first, _ = two_articles
    make_comment(first, body="Public words.")
    hidden = make_comment(first, body="Words nobody may read yet.", status=status)
    for url in (SITE_FEED, article_feed(first)):
        text = Client().get(url).content.decode()
        assert "Public words." in text
        assert hidden.body not in text
        assert f"comment-{hidden.pk}" not in text


def test_no_feed_carries_an_email_address(two_articles):
    first, _ = two_articles
    make_comment(first, author_email="shown.nowhere@example.org", author_url="https://ada.example/")
    for url in (SITE_FEED, article_feed(first)):
        text = Client().get(url).content.decode()
        assert "shown.nowhere" not in text
        assert "@example.org" not in text


def test_site_feed_holds_the_latest_comments_only(two_articles):
    first, _ = two_articles
    make_thread(first, FEED_SIZE + 5)
    listed = items(SITE_FEED)
    assert len(listed) == FEED_SIZE
    assert listed[0].findtext("title") == f"Reader {FEED_SIZE + 4} on “First article”"


def test_each_comment_carries_its_whole_sanitised_text(two_articles):
    first, _ = two_articles
    body = "Read <b>this</b>: https://example.org/study <script>alert(1)</script>\n\nTwo."
    comment = make_comment(first, body=body)
    for url in (SITE_FEED, article_feed(first)):
        description = items(url)[0].findtext("description")
        assert description == comment.body_html
        soup = BeautifulSoup(description, "html.parser")
        assert soup.find("script") is None
        assert soup.a["href"] == "https://example.org/study"
        assert soup.a["rel"] == ["nofollow", "ugc"]
        assert len(soup.find_all("p")) == 2


def test_each_comment_links_to_its_permalink(two_articles):
    first, _ = two_articles
    comment = make_comment(first)
    (item,) = items(SITE_FEED)
    assert item.findtext("link") == ABSOLUTE + comment.get_absolute_url()
    assert item.findtext("guid") == ABSOLUTE + comment.get_absolute_url()


# --- Refreshed whenever a comment changes -------------------------------------------


def feed_texts(urls):
    return {url: Client().get(url).content.decode() for url in urls}


@pytest.fixture
def cached_feeds(two_articles, django_assert_num_queries):
    """Both feeds of the first article, read once so the page cache holds them."""
    first, _ = two_articles
    urls = [SITE_FEED, article_feed(first)]
    feed_texts(urls)
    with django_assert_num_queries(0):
        feed_texts(urls)
    return first, urls


def test_approving_a_comment_refreshes_the_feeds(cached_feeds, django_capture_on_commit_callbacks):
    article, urls = cached_feeds
    pending = make_comment(article, body="Approved at last.", status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED)
    for url, text in feed_texts(urls).items():
        assert "Approved at last." in text, url


def test_a_comment_published_at_once_refreshes_the_feeds(cached_feeds):
    article, urls = cached_feeds
    make_comment(article, body="Published at once.")
    for url, text in feed_texts(urls).items():
        assert "Published at once." in text, url


def test_deleting_a_comment_refreshes_the_feeds(cached_feeds, django_capture_on_commit_callbacks):
    article, urls = cached_feeds
    comment = make_comment(article, body="Soon deleted.")
    feed_texts(urls)
    with django_capture_on_commit_callbacks(execute=True):
        comment.delete()
    for url, text in feed_texts(urls).items():
        assert "Soon deleted." not in text, url


def test_erasing_a_commenter_refreshes_the_feeds(cached_feeds, django_capture_on_commit_callbacks):
    article, urls = cached_feeds
    make_comment(article, author_name="Erased Person", author_email="erase.me@example.org")
    feed_texts(urls)
    with django_capture_on_commit_callbacks(execute=True):
        erase_commenter("erase.me@example.org")
    for url, text in feed_texts(urls).items():
        assert "Erased Person" not in text, url
        assert "Anonymous" in text, url


def test_unpublishing_an_article_takes_its_comments_out_of_the_site_feed(
    cached_feeds, django_capture_on_commit_callbacks
):
    article, _ = cached_feeds
    make_comment(article, body="On an article soon withdrawn.")
    assert "soon withdrawn" in Client().get(SITE_FEED).content.decode()
    article.status = article.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert "soon withdrawn" not in Client().get(SITE_FEED).content.decode()
    assert Client().get(article_feed(article)).status_code == 404


def test_feeds_name_what_they_show(two_articles):
    first, _ = two_articles
    assert Client().get(SITE_FEED)["xkey"] == "articles comments site"
    assert (
        Client().get(article_feed(first))["xkey"] == f"article-{first.pk} comments-{first.pk} site"
    )


# --- The same through the editors' admin ---------------------------------------------

CHANGELIST = reverse("admin:comments_comment_changelist")


def admin_approve(client, comment):
    return client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})


def admin_delete_selected(client, comment):
    data = {"action": "delete_selected", "_selected_action": [comment.pk], "post": "yes"}
    return client.post(CHANGELIST, data)


def admin_delete_view(client, comment):
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    return client.post(url, {"post": "yes"})


def admin_change_form(client, comment):
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    data = {
        "status": "approved",
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": "",
        "body": comment.body,
    }
    return client.post(url, data)


ADMIN_PATHS = {
    "approve action": (Comment.Status.PENDING, admin_approve, True),
    "change form": (Comment.Status.PENDING, admin_change_form, True),
    "delete action": (Comment.Status.APPROVED, admin_delete_selected, False),
    "delete view": (Comment.Status.APPROVED, admin_delete_view, False),
}


@pytest.mark.parametrize("path", ADMIN_PATHS.values(), ids=ADMIN_PATHS.keys())
def test_every_admin_path_refreshes_the_site_comments_feed(
    cached_feeds, client, django_capture_on_commit_callbacks, path
):
    status, act, shown = path
    article, urls = cached_feeds
    comment = make_comment(article, body="Moderated in the admin.", status=status)
    feed_texts(urls)
    client.force_login(make_editor())
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, comment).status_code == 302
    for url, text in feed_texts(urls).items():
        assert ("Moderated in the admin." in text) is shown, url
