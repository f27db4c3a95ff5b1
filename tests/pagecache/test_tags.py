"""Tag generations and the site's epoch: one read per cached page while nothing was purged."""

import pytest
from django.core.cache import caches

from pagecache import tags

pytestmark = pytest.mark.django_db


class CountingReads:
    """Counts the keys a check reads from the shared cache (the real cache answers)."""

    def __init__(self, monkeypatch):
        self.keys = 0
        self._inside_get_many = False
        cache = caches["default"]
        get, get_many = cache.get, cache.get_many

        def counted_get(key, *args, **kwargs):
            self.keys += not self._inside_get_many
            return get(key, *args, **kwargs)

        def counted_get_many(keys, *args, **kwargs):
            keys = list(keys)
            self.keys += len(keys)
            self._inside_get_many = True  # the file cache reads them one by one
            try:
                return get_many(keys, *args, **kwargs)
            finally:
                self._inside_get_many = False

        monkeypatch.setattr(cache, "get", counted_get)
        monkeypatch.setattr(cache, "get_many", counted_get_many)


def test_a_page_is_checked_with_one_read_while_nothing_is_purged(monkeypatch):
    seen = tags.generations(["articles", "article-1", "comments-1", "discussion"])
    reads = CountingReads(monkeypatch)
    assert tags.still_current(seen) is seen
    assert reads.keys == 1


def test_a_purge_elsewhere_keeps_the_page_and_moves_its_epoch(monkeypatch):
    seen = tags.generations(["articles", "article-1", "comments-1"])
    tags.purge_now(["comments-2"])
    reads = CountingReads(monkeypatch)
    refreshed = tags.still_current(seen)
    assert reads.keys == 1 + 3  # the epoch moved: the page's own tags decide
    assert refreshed == {**seen, tags.EPOCH: refreshed[tags.EPOCH]}
    assert refreshed[tags.EPOCH] != seen[tags.EPOCH]
    reads.keys = 0
    assert tags.still_current(refreshed) is refreshed
    assert reads.keys == 1


@pytest.mark.parametrize("purged", ["articles", "comments-1"])
def test_a_purge_of_one_of_its_tags_ends_the_page(purged):
    seen = tags.generations(["articles", "article-1", "comments-1"])
    tags.purge_now([purged])
    assert tags.still_current(seen) is None


def test_a_lost_epoch_or_tag_ends_the_page_rather_than_trusting_it():
    seen = tags.generations(["articles", "article-1"])
    caches["default"].delete("pagecache:tag:*")
    assert tags.still_current(seen) is None
    seen = tags.generations(["articles", "article-1"])
    caches["default"].delete("pagecache:tag:article-1")
    tags.purge_now(["comments-9"])
    assert tags.still_current(seen) is None
