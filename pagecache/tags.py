"""Tags: what a shared page shows, and the one way to say it changed.

A page declares its tags when it is rendered (`article-12`, `comments-12`,
`articles`, ...). `purge(*tags)` runs once the transaction commits: it starts
a new generation for each tag in the shared cache, so every process stops
serving pages rendered under the old one, and sends a PURGE for those tags to
every HTTP cache in PAGE_CACHE_PURGE_URLS.

Generations live in the shared "default" cache (Redis, or a file cache on one
machine), one small key per tag, each expiring: a page whose tag generation
expired or was evicted is simply rendered again. Every purge also moves the
site's epoch on, so while nothing has been purged since a page was stored,
checking it costs one read however many tags it shows.
"""

import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from .purge import send_purge
from .retries import retry_later

logger = logging.getLogger(__name__)

# Tags that more than one app uses.
ARTICLES = "articles"  # anything that lists or links the published articles
COMMENTS = "comments"  # anything that shows comments or counts of several articles
DISCUSSION = "discussion"  # the editors' discussion settings
# Not a tag pages declare: moved on by every purge, recorded with every page.
EPOCH = "*"


def article_tag(article_id):
    return f"article-{article_id}"


def comments_tag(article_id):
    return f"comments-{article_id}"


def _shared():
    return caches[settings.PAGE_CACHE_TAG_ALIAS]


def _key(tag):
    return f"pagecache:tag:{tag}"


def _new_generation():
    return uuid.uuid4().hex[:12]


def generations(tags):
    """The current generation of each tag, and of the epoch, created where missing."""
    shared = _shared()
    keys = {tag: _key(tag) for tag in [EPOCH, *tags]}
    found = shared.get_many(keys.values())
    missing = [key for key in keys.values() if key not in found]
    if missing:
        for key in missing:
            shared.add(key, _new_generation(), settings.PAGE_CACHE_TAG_SECONDS)
        found.update(shared.get_many(missing))
    return {tag: found.get(key, "") for tag, key in keys.items()}


def still_current(seen):
    """The generations `seen` (from generations()) if all are still current, else None.

    While the epoch has not moved, nothing was purged: one read. When it has,
    the page's own tags decide, and the answer carries the new epoch, so the
    page can be kept with it and checked with one read again.
    """
    shared = _shared()
    epoch = shared.get(_key(EPOCH))
    if epoch is not None and epoch == seen.get(EPOCH):
        return seen
    keys = {_key(tag): generation for tag, generation in seen.items() if tag != EPOCH}
    found = shared.get_many(keys.keys())
    if epoch is None or any(found.get(key) != generation for key, generation in keys.items()):
        return None
    return {**seen, EPOCH: epoch}


def purge_now(tags):
    """Invalidate every page showing any of these tags, here and in the HTTP caches."""
    tags = sorted(set(tags))
    if not tags:
        return
    # The tags first, then the epoch: whoever sees the new epoch sees the new tags.
    shared = _shared()
    shared.set_many({_key(tag): _new_generation() for tag in tags}, settings.PAGE_CACHE_TAG_SECONDS)
    shared.set(_key(EPOCH), _new_generation(), settings.PAGE_CACHE_TAG_SECONDS)
    for url, error in send_purge(tags):
        logger.warning("Purge of %s at %s failed (%s); the worker will retry.", tags, url, error)
        try:
            retry_later(url, tags, error)
        except Exception:
            # The change is committed whatever happens here; the pages expire
            # at their Surrogate-Control max-age at the latest.
            logger.exception("Could not queue the retry of the purge of %s at %s.", tags, url)


_waiting = threading.local()


def _flush():
    tags, _waiting.tags = getattr(_waiting, "tags", set()), set()
    purge_now(tags)


def purge(*tags):
    """Invalidate pages showing these tags once the current transaction commits.

    Outside a transaction it happens at once. Every change to what a shared
    page shows ends here, whichever path made it. Tags named many times in one
    transaction (a cascade deleting a thousand comments) are purged once: the
    first callback to run takes them all.
    """
    if not hasattr(_waiting, "tags"):
        _waiting.tags = set()
    _waiting.tags.update(tags)
    transaction.on_commit(_flush)
