"""The shared cache down: Redis refusing connections or never answering, a file cache on a
broken disk.

The site goes on from the database: readers get every page (kept by no
process, since none could check it), comments are posted and still counted
against the rate limit, editors moderate. What could not reach the cache
(a purge's new generations) is retried by the task worker, so a page kept
before the outage never outlives a change made during it.
"""

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, DiscussionSettings
from guard.models import RateCounter
from pagecache.models import PurgeFailure
from pagecache.retries import SHARED_CACHE
from tests.comments.helpers import comment_ids, post_comment
from tests.factories import comment_data, make_comment, make_editor, make_tag

pytestmark = pytest.mark.django_db


def redis_at(port):
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }


@pytest.fixture(params=["redis refusing", "redis silent", "file cache on a broken disk"])
def shared_cache(request, settings, tmp_path):
    """Switches the shared cache off and on: `.down()`, `.up()` (as the test started)."""
    working = settings.CACHES
    if request.param.startswith("redis"):
        port = "closed_port" if request.param == "redis refusing" else "silent_port"
        broken = redis_at(request.getfixturevalue(port))
        settings.RATE_LIMIT_STORE = "cache"
    else:
        not_a_directory = tmp_path / "not-a-directory"
        not_a_directory.write_text("")
        broken = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(not_a_directory / "cache"),
        }

    class Switch:
        def down(self):
            settings.CACHES = {"default": broken}

        def up(self):
            settings.CACHES = working

    switch = Switch()
    yield switch
    switch.up()


@pytest.fixture
def discussed_article(seed_article):
    seed_article.tags.add(make_tag(name="Allergy", slug="allergy"))
    make_comment(seed_article, body="Thank you for this.")
    return seed_article


def show(path, seed_article):
    comment = seed_article.comments.get()
    return path.format(slug=seed_article.slug, tag="allergy", comment=comment.pk)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/articles/{slug}/", 200),
        ("/tag/{tag}/", 200),
        ("/feed/", 200),
        ("/comments/feed/", 200),
        ("/comments/{comment}/", 302),
        ("/search/?q=allergies", 200),
    ],
)
def test_readers_get_every_page_while_the_shared_cache_is_down(
    client, shared_cache, discussed_article, path, status
):
    shared_cache.down()
    response = client.get(show(path, discussed_article))
    assert response.status_code == status
    assert response.get("Surrogate-Control", "max-age=1") != "max-age=0"  # Varnish may keep it


def test_a_page_rendered_while_the_shared_cache_is_down_is_kept_by_no_process(
    client, shared_cache, discussed_article
):
    shared_cache.down()
    client.get(discussed_article.get_absolute_url())
    Article.objects.filter(pk=discussed_article.pk).update(title="Renamed behind every cache")
    assert "Renamed behind every cache" in client.get(discussed_article.get_absolute_url()).text


def test_a_process_that_finds_the_shared_cache_down_drops_the_pages_it_kept(
    client, shared_cache, discussed_article
):
    """Purges made meanwhile could not reach the cache: none of those pages is sure."""
    url = discussed_article.get_absolute_url()
    client.get(url)  # kept
    Article.objects.filter(pk=discussed_article.pk).update(title="Renamed during the outage")
    shared_cache.down()
    assert "Renamed during the outage" in client.get(url).text
    shared_cache.up()
    assert "Renamed during the outage" in client.get(url).text


@pytest.mark.usefixtures("one_rate_window")
def test_comments_are_posted_and_rate_limited_while_the_shared_cache_is_down(
    client, shared_cache, seed_article, settings
):
    shared_cache.down()
    settings.COMMENT_RATE_PER_MINUTE = 2
    for _ in range(2):
        assert post_comment(client, comment_data(seed_article)).status_code == 302
    refused = post_comment(client, comment_data(seed_article, comment="One too many."))
    assert refused.status_code == 429
    assert Comment.objects.count() == 2
    assert RateCounter.objects.get().hits == 3  # counted in the database meanwhile


def test_editors_moderate_while_the_shared_cache_is_down(client, shared_cache, seed_article):
    held = make_comment(seed_article, status=Comment.Status.PENDING)
    client.force_login(make_editor())
    shared_cache.down()
    changelist = reverse("admin:comments_comment_changelist")
    assert client.get(changelist, {"status": "pending"}).status_code == 200
    approve = reverse("admin:comments_comment_row_moderate", args=[held.pk, "approved"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(approve).status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED


def test_a_change_made_while_the_shared_cache_is_down_reaches_the_pages_kept_before(
    client, shared_cache, seed_article, run_tasks
):
    held = make_comment(seed_article, status=Comment.Status.PENDING)
    client.get(seed_article.get_absolute_url())  # kept, under the generations of now
    shared_cache.down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        held.status = Comment.Status.APPROVED
        held.save()
    shared_cache.up()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1)):
        run_tasks()  # the purge's retry moves the comments' generation on
    assert held.pk in comment_ids(client.get(seed_article.get_absolute_url()))


def test_discussion_rules_saved_while_the_shared_cache_is_down_apply_once_it_is_back(
    client, shared_cache, seed_article, run_tasks
):
    assert DiscussionSettings.load().thread_depth == 5  # the copy every process reads
    shared_cache.down()
    rules = DiscussionSettings.load()
    rules.thread_depth = 2
    with TestCase.captureOnCommitCallbacks(execute=True):
        rules.save()
    assert DiscussionSettings.load().thread_depth == 2  # read from the database meanwhile
    shared_cache.up()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1)):
        run_tasks()
    assert DiscussionSettings.load().thread_depth == 2


def test_a_purge_the_shared_cache_never_took_is_shown_to_editors(
    shared_cache, seed_article, settings, run_tasks
):
    settings.PAGE_CACHE_PURGE_GIVE_UP_SECONDS = 60
    shared_cache.down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_comment(seed_article)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=2)):
        run_tasks()
    (failure,) = PurgeFailure.objects.all()
    assert failure.url == SHARED_CACHE
    assert failure.tags == f"comments comments-{seed_article.pk}"
