"""Anonymous pages are shared: served from the cache, revalidated cheaply, refreshed at once."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.moderation import set_status
from pagecache.middleware import page_store
from pagecache.tags import purge_everything
from tests.comments.helpers import comment_ids, post_comment
from tests.factories import comment_data, make_article, make_comment, make_editor, make_tag

pytestmark = pytest.mark.django_db


def queries_for(url, client=None):
    """How many SQL queries one GET took (0 when it came from the page cache)."""
    with CaptureQueriesContext(connection) as captured:
        (client or Client()).get(url)
    return len(captured)


@pytest.fixture
def tagged_article(db):
    return make_article(tags=[make_tag()])


def shared_urls(article):
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        article.tag_list[0].get_absolute_url(),
    ]


def test_second_anonymous_visit_is_served_without_the_database(
    tagged_article, django_assert_num_queries
):
    for url in shared_urls(tagged_article):
        first = Client().get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]


def test_shared_pages_tell_browsers_to_revalidate(tagged_article):
    for url in shared_urls(tagged_article):
        response = Client().get(url)
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response.has_header("ETag")
        assert response.has_header("Last-Modified")
        assert not response.cookies


def test_the_long_lifetime_goes_to_purged_caches_only(tagged_article, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 3000
    response = Client().get(tagged_article.get_absolute_url())
    assert response["Surrogate-Control"] == "max-age=3000"
    assert "s-maxage" not in response["Cache-Control"]


def test_pages_name_what_they_show_for_every_kind_of_cache(tagged_article):
    article_id = tagged_article.pk
    response = Client().get(tagged_article.get_absolute_url())
    expected = {"articles", "discussion", f"article-{article_id}", f"comments-{article_id}", "site"}
    assert set(response["xkey"].split()) == expected
    assert set(response["Surrogate-Key"].split()) == expected
    assert set(response["Cache-Tag"].split(",")) == expected
    home = Client().get(reverse("articles:home"))
    assert home["xkey"] == "articles comments site"  # the lists show comment counts


def test_a_shared_page_never_outlives_the_next_scheduled_publication(tagged_article, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 86400
    make_article(published_at=timezone.now() + timedelta(seconds=120))
    response = Client().get(reverse("articles:home"))
    lifetime = int(response["Surrogate-Control"].removeprefix("max-age="))
    assert 100 < lifetime <= 120


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-cache"])
def test_conditional_get_with_the_etag_is_answered_304(
    tagged_article, cached, django_assert_num_queries
):
    url = tagged_article.get_absolute_url()
    etag = Client().get(url)["ETag"]
    if not cached:
        page_store().clear()
    response = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_conditional_get_with_an_old_date_gets_the_page(tagged_article):
    url = tagged_article.get_absolute_url()
    Client().get(url)
    response = Client().get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert response.status_code == 200


def test_fresh_readers_get_byte_identical_pages_and_no_cookie(tagged_article):
    for url in shared_urls(tagged_article):
        first, second = Client().get(url), Client().get(url)
        assert first.content == second.content
        assert not first.cookies
        assert not second.cookies


def test_a_page_from_the_cache_carries_the_headers_it_was_rendered_with(tagged_article):
    url = tagged_article.get_absolute_url()
    rendered = Client().get(url)
    replays = [Client().get(url), Client().head(url)]
    for replay in replays:
        assert dict(replay.items()) == dict(rendered.items())
    # A 304 from the cache takes its validators from the stored page.
    revalidated = Client().get(url, HTTP_IF_NONE_MATCH=rendered["ETag"])
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == rendered["ETag"]
    assert Client().get(url).content == rendered.content


def test_page_number_variants_are_cached_separately(db):
    for _ in range(12):
        make_article()
    first = Client().get(reverse("articles:home"))
    second = Client().get(reverse("articles:home") + "?page=2")
    assert first.content != second.content
    assert Client().get(reverse("articles:home") + "?page=2").content == second.content


def test_other_query_strings_are_not_served_from_the_cache(tagged_article):
    url = tagged_article.get_absolute_url() + "?utm_source=feed"
    Client().get(url)
    assert queries_for(url) > 0


def test_approved_comment_is_visible_on_the_next_request(
    tagged_article, django_capture_on_commit_callbacks
):
    reader = Client()
    pending = make_comment(tagged_article, status=Comment.Status.PENDING)
    assert comment_ids(reader.get(tagged_article.get_absolute_url())) == []
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED)
    assert comment_ids(reader.get(tagged_article.get_absolute_url())) == [pending.pk]


def test_approval_refreshes_only_that_articles_page(
    tagged_article, django_capture_on_commit_callbacks, django_assert_num_queries
):
    other = make_article()
    Client().get(other.get_absolute_url())
    pending = make_comment(tagged_article, status=Comment.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED)
    with django_assert_num_queries(0):
        Client().get(other.get_absolute_url())


def test_comment_approved_at_posting_is_shown_on_the_redirect(
    client, tagged_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    Client().get(tagged_article.get_absolute_url())
    response = post_comment(client, comment_data(tagged_article))
    comment = Comment.objects.get()
    page = Client().get(response["Location"].split("#")[0])
    assert comment_ids(page) == [comment.pk]


def test_saving_an_article_refreshes_its_page_and_the_lists(
    tagged_article, django_capture_on_commit_callbacks
):
    for url in shared_urls(tagged_article):
        Client().get(url)
    tagged_article.title = "A clearer title"
    with django_capture_on_commit_callbacks(execute=True):
        tagged_article.save()
    for url in shared_urls(tagged_article):
        assert "A clearer title" in Client().get(url).content.decode(), url


def test_editors_are_neither_served_nor_stored(tagged_article):
    url = tagged_article.get_absolute_url()
    editor = Client()
    editor.force_login(make_editor())
    editor.get(url)
    assert queries_for(url) > 0
    assert queries_for(url, editor) > 0


def test_pending_preview_is_never_stored(client, tagged_article):
    response = post_comment(client, comment_data(tagged_article))
    link = response["Location"].split("#")[0]
    preview = Client().get(link)
    assert "no-store" in preview["Cache-Control"]
    assert not getattr(preview, "shared_page", False)


def test_cache_can_be_turned_off(tagged_article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get(tagged_article.get_absolute_url())
    assert queries_for(tagged_article.get_absolute_url()) > 0


def test_changing_the_discussion_settings_in_the_admin_refreshes_article_pages(
    tagged_article, django_capture_on_commit_callbacks
):
    make_comment(tagged_article)
    assert (
        'class="comment-reply-link"'
        in Client().get(tagged_article.get_absolute_url()).content.decode()
    )
    editor = Client()
    editor.force_login(make_editor())
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    form = {"manual_approval": "on", "hold_link_count": 2, "thread_depth": 1,
            "moderation_words": "", "disallowed_words": "", "close_after_days": "",
            "edit_window_minutes": 15, "trash_days": 30, "page_comments": "on",
            "comments_per_page": 50, "default_comments_page": "first"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, form).status_code == 302
    assert (
        'class="comment-reply-link"'
        not in Client().get(tagged_article.get_absolute_url()).content.decode()
    )


def test_renaming_a_tag_refreshes_the_pages_that_show_it(
    tagged_article, django_capture_on_commit_callbacks
):
    tag = tagged_article.tag_list[0]
    for url in shared_urls(tagged_article):
        Client().get(url)
    tag.name = "Renamed topic"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    for url in shared_urls(tagged_article):
        assert "Renamed topic" in Client().get(url).content.decode(), url


def test_a_scheduled_article_reaches_the_lists_when_its_time_comes(
    tagged_article, run_tasks, django_capture_on_commit_callbacks
):
    when = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Coming later", published_at=when)
    assert "Coming later" not in Client().get(reverse("articles:home")).content.decode()
    with time_machine.travel(when + timedelta(seconds=1)):
        run_tasks()
        assert "Coming later" in Client().get(reverse("articles:home")).content.decode()


def test_purging_everything_refreshes_every_shared_page(tagged_article):
    """After a restore the database changed behind every cache's back: all pages go, the
    article's comment feed (which shows no site-wide tag of its own) included."""
    comment = make_comment(tagged_article, body="Before the restore.")
    urls = [*shared_urls(tagged_article), reverse("comments:feed", args=[tagged_article.slug])]
    for url in urls:
        Client().get(url)
    Article.objects.filter(pk=tagged_article.pk).update(title="Renamed behind the caches")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>After the restore.</p>")
    purge_everything()
    for url in urls[:-1]:
        assert "Renamed behind the caches" in Client().get(url).content.decode(), url
    assert "After the restore." in Client().get(urls[-1]).content.decode()
