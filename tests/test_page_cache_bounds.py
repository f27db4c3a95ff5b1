"""The in-app page cache is bounded: bytes per process, keys in the shared cache, expiry."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from pagecache.middleware import page_store
from pagecache.store import Page, PageStore
from tests.comments.helpers import post_comment
from tests.factories import comment_data

pytestmark = pytest.mark.django_db


def page_of(size):
    return Page(expires_at=float("inf"), generations={}, status=200, headers={},
                content=b"x" * size)  # fmt: skip


def shared_key_count():
    """How many keys the shared cache holds (file cache files, or Redis keys)."""
    cache = caches["default"]
    if hasattr(cache, "_list_cache_files"):
        return len(cache._list_cache_files())
    return cache._cache.get_client().dbsize()


def test_store_drops_the_least_recently_used_page_when_its_budget_is_full():
    store = PageStore(max_bytes=50_000)
    for name in "abcd":
        assert store.set(name, page_of(9_000))
    store.get("a")  # a is now the most recently used
    store.set("e", page_of(9_000))
    assert store.get("b") is None
    assert all(store.get(name) is not None for name in "acde")
    assert store.used_bytes <= store.max_bytes


def test_store_keeps_no_page_larger_than_a_quarter_of_its_budget():
    store = PageStore(max_bytes=40_000)
    assert not store.set("big", page_of(20_000))
    assert store.get("big") is None
    assert store.used_bytes == 0


def test_memory_stays_within_the_budget_whatever_the_hosts_and_pages(settings, seed_article):
    settings.PAGE_CACHE_MAX_BYTES = 400_000
    settings.ALLOWED_HOSTS = ["localhost"]
    page_store.cache_clear()
    try:
        for port in range(1, 60):
            response = Client().get(seed_article.get_absolute_url(), HTTP_HOST=f"localhost:{port}")
            assert response.status_code == 200
        assert 0 < page_store().used_bytes <= 400_000
        assert len(page_store()) < 59
    finally:
        page_store.cache_clear()


def test_missing_pages_and_odd_queries_write_nothing(seed_article):
    Client().get(seed_article.get_absolute_url())
    keys, pages = shared_key_count(), len(page_store())
    for n in range(200):
        assert Client().get(f"/no-such-page-{n}/").status_code == 404
        assert Client().head(f"/articles/missing-{n}/").status_code == 404
        Client().get(f"{reverse('articles:home')}?page={1000 + n}")
        Client().get(f"{seed_article.get_absolute_url()}?utm={n}")
    assert shared_key_count() == keys
    assert len(page_store()) == pages


@pytest.mark.usefixtures("one_rate_window")
def test_a_flood_of_page_requests_cannot_reset_a_rate_limit(client, settings, seed_article):
    settings.COMMENT_RATE_PER_MINUTE = 2
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    for n in range(2):
        post_comment(client, comment_data(seed_article, comment=f"Comment number {n}."))
    for n in range(120):
        Client().get(f"/flood-{n}/")
        Client().get(seed_article.get_absolute_url(), HTTP_HOST=f"localhost:{n + 1}")
    response = post_comment(client, comment_data(seed_article, comment="One more."))
    assert response.status_code == 429
