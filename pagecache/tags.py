"""Tags: what a shared page shows, and the one way to say it changed.

A page declares its tags when it is rendered (`article-12`, `comments-12`,
`articles`, ...). `purge(*tags)` runs once the transaction commits: it starts
a new generation for each tag in the shared cache, so every process stops
serving pages rendered under the old one, and sends a PURGE for those tags to
every HTTP cache in PAGE_CACHE_PURGE_URLS.

Generations live in the shared "default" cache (Redis, or a file cache on one
machine; generations.py), one small key per tag, each expiring: a page whose
tag generation expired or was evicted is simply rendered again. Every purge
also moves the site's epoch on, so while nothing has been purged since a page
was stored, checking it costs one read however many tags it shows. Copies of
site-wide rows are kept under a tag the same way (`kept`).

While the shared cache is down, pages are rendered for every request and
kept nowhere in the app (a process that finds it down drops the pages it
kept: purges it cannot see may have gone by), copies are read from the
database, and purges that could not move a generation on are retried by the
task worker.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import transaction

from guard.sharedcache import CACHE_ERRORS

from . import generations as store
from .generations import EPOCH
from .purge import send_purge
from .retries import SHARED_CACHE, retry_later

logger = logging.getLogger(__name__)

# Tags that more than one app uses.
ARTICLES = "articles"  # anything that lists or links the published articles
COMMENTS = "comments"  # anything that shows comments or counts of several articles
DISCUSSION = "discussion"  # the editors' discussion settings
# Every shared page carries it (decorators.mark_shared): purging it purges them all.
SITE = "site"


def article_tag(article_id):
    return f"article-{article_id}"


def comments_tag(article_id):
    return f"comments-{article_id}"


def epoch():
    """The site's epoch now, read before a page reads anything (None if it cannot be read)."""
    seen = generations([])
    return seen and seen[EPOCH]


def generations(tags):
    """The current generation of each tag, and of the epoch, created where missing.

    None when the shared cache cannot be reached: the page is then sent as
    it is, and not kept in this process, since no purge could reach it.
    """
    try:
        return store.read(tags)
    except CACHE_ERRORS as error:
        logger.warning("Shared cache unreachable (%s): the page is not kept.", error)
        return None


def still_current(seen):
    """The generations `seen` (from generations()) if all are still current, else None.

    While the epoch has not moved, nothing was purged: one read. When it has,
    the page's own tags decide, and the answer carries the new epoch, so the
    page can be kept with it and checked with one read again. Raises
    CACHE_ERRORS when the shared cache cannot be reached.
    """
    cache = store.shared()
    epoch = cache.get(store.key(EPOCH))
    if epoch is not None and epoch == seen.get(EPOCH):
        return seen
    keys = {store.key(tag): generation for tag, generation in seen.items() if tag != EPOCH}
    found = cache.get_many(keys.keys())
    if epoch is None or any(found.get(key) != generation for key, generation in keys.items()):
        return None
    return {**seen, EPOCH: epoch}


def kept(key, tag, compute, until=None):
    """compute(), kept in the shared cache until `tag` is purged: one read while it holds.

    The copy is stored with the tag's generation, read before computing, so
    a change committed meanwhile makes it stale at once. `until` (an aware
    datetime) is when the value changes by itself, as a scheduled article
    goes public: the copy is not read after it, purged or not. Without the
    shared cache, compute() every time.
    """
    try:
        cache = store.shared()
        found = cache.get_many([key, store.key(tag)])
        generation = found.get(store.key(tag)) or store.read([tag])[tag]
    except CACHE_ERRORS as error:
        logger.warning("Shared cache unreachable (%s): %s read afresh.", error, key)
        return compute()
    copy = found.get(key)
    # (generation, deadline, value); anything else under the key (another release's) is ignored
    if isinstance(copy, tuple) and len(copy) == 3:
        copy_generation, deadline, value = copy
        if copy_generation == generation and time.time() < deadline:
            return value
    value = compute()
    deadline = until.timestamp() if until else time.time() + settings.PAGE_CACHE_TAG_SECONDS
    with contextlib.suppress(*CACHE_ERRORS):  # then read afresh next time
        cache.set(key, (generation, deadline, value), settings.PAGE_CACHE_TAG_SECONDS)
    return value


def purge_now(tags):
    """Invalidate every page showing any of these tags, here and in the HTTP caches.

    What cannot be reached now is purged later by the task worker: an HTTP
    cache that did not confirm, or the shared cache (until then no process
    can check its pages, so none is served from memory).
    """
    tags = sorted(set(tags))
    if not tags:
        return
    failed = []
    try:
        store.move_on(tags)
    except CACHE_ERRORS as error:
        failed.append((SHARED_CACHE, f"{type(error).__name__}: {error}"))
    failed += send_purge(tags)
    for target, error in failed:
        logger.warning("Purge of %s at %s failed (%s); the worker will retry.", tags, target, error)
        try:
            retry_later(target, tags, error)
        except Exception:
            # The change is committed whatever happens here; the pages expire
            # at their Surrogate-Control max-age at the latest.
            logger.exception("Could not queue the retry of the purge of %s at %s.", tags, target)


def purge_everything():
    """Invalidate every shared page and every copy kept under a tag, here and in the HTTP
    caches (after a restore, when nothing kept from before can be trusted)."""
    purge_now([SITE, ARTICLES, COMMENTS, DISCUSSION])


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
