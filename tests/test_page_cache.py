"""Anonymous pages are shared: served from the cache, revalidated cheaply, refreshed at once."""

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.moderation import set_status
from immunoblog.wsgi import application
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


def test_shared_pages_tell_caches_to_revalidate(tagged_article):
    for url in shared_urls(tagged_article):
        response = Client().get(url)
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response.has_header("ETag")
        assert response.has_header("Last-Modified")
        assert not response.cookies


def test_shared_max_age_for_a_cdn_is_configurable(tagged_article, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 30
    response = Client().get(tagged_article.get_absolute_url())
    assert "s-maxage=30" in response["Cache-Control"]


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "from-cache"])
def test_conditional_get_with_the_etag_is_answered_304(
    tagged_article, cached, django_assert_num_queries
):
    url = tagged_article.get_absolute_url()
    etag = Client().get(url)["ETag"]
    if not cached:
        caches["pages"].clear()
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


class WSGIResponse:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, dict(headers), body


def wsgi_get(path, method="GET", **headers):
    """Call the deployed WSGI application (with its cache front door) like a server."""
    headers.setdefault("HTTP_HOST", "testserver")
    environ = RequestFactory().generic(method, path, **headers).environ
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"], captured["headers"] = status, response_headers

    # As Django's test client does: the test's transaction holds the
    # connection, which a server would close between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return WSGIResponse(captured["status"], captured["headers"], body)


def test_front_door_answers_a_hit_without_django(tagged_article, django_assert_num_queries):
    url = tagged_article.get_absolute_url()
    first = wsgi_get(url)
    assert first.status == "200 OK"
    handled = []

    def count(sender, **kwargs):
        handled.append(sender)

    request_started.connect(count, weak=False, dispatch_uid="count-django-requests")
    try:
        with django_assert_num_queries(0):
            second = wsgi_get(url)
    finally:
        request_started.disconnect(dispatch_uid="count-django-requests")
    assert handled == []
    assert second.status == "200 OK"
    assert second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_front_door_answers_conditional_gets_with_304(tagged_article):
    url = tagged_article.get_absolute_url()
    etag = wsgi_get(url).headers["ETag"]
    response = wsgi_get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status == "304 Not Modified"
    assert response.body == b""
    assert response.headers["ETag"] == etag
    assert "Content-Length" not in response.headers


def test_front_door_sends_no_body_for_head(tagged_article):
    url = tagged_article.get_absolute_url()
    wsgi_get(url)
    response = wsgi_get(url, method="HEAD")
    assert response.status == "200 OK"
    assert response.body == b""


def test_front_door_shows_an_approved_comment_at_once(
    tagged_article, django_capture_on_commit_callbacks
):
    url = tagged_article.get_absolute_url()
    pending = make_comment(tagged_article, status=Comment.Status.PENDING, body="Freshly approved")
    assert b"Freshly approved" not in wsgi_get(url).body
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED)
    assert b"Freshly approved" in wsgi_get(url).body


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_COOKIE": "sessionid=abc"}, {"QUERY_STRING": "utm_source=x"}],
    ids=["session-cookie", "other-query"],
)
def test_front_door_leaves_editors_and_odd_queries_to_django(tagged_article, headers):
    url = tagged_article.get_absolute_url()
    wsgi_get(url)
    query = headers.pop("QUERY_STRING", "")
    with CaptureQueriesContext(connection) as captured:
        response = wsgi_get(f"{url}?{query}" if query else url, **headers)
    assert response.status == "200 OK"
    assert len(captured) > 0


def test_front_door_never_serves_a_host_django_refused(tagged_article):
    response = wsgi_get(tagged_article.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status.startswith("400")
