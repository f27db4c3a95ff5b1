"""Tag generations as the shared cache keeps them: read, created where missing, moved on.

One small key per tag (and one for the site's epoch), each expiring after
PAGE_CACHE_TAG_SECONDS without a change. These functions raise the cache's
own errors (guard.sharedcache.CACHE_ERRORS); tags.py decides what a page or
a purge does when the cache cannot be reached.
"""

import uuid

from django.conf import settings
from django.core.cache import caches

# Not a tag pages declare: moved on by every purge, recorded with every page.
EPOCH = "*"


def shared():
    return caches[settings.PAGE_CACHE_TAG_ALIAS]


def key(tag):
    return f"pagecache:tag:{tag}"


def new_generation():
    return uuid.uuid4().hex[:12]


def read(tags):
    """The current generation of each tag, and of the epoch, created where missing."""
    cache = shared()
    keys = {tag: key(tag) for tag in [EPOCH, *tags]}
    found = cache.get_many(keys.values())
    missing = [name for name in keys.values() if name not in found]
    if missing:
        for name in missing:
            cache.add(name, new_generation(), settings.PAGE_CACHE_TAG_SECONDS)
        found.update(cache.get_many(missing))
    return {tag: found.get(name, "") for tag, name in keys.items()}


def move_on(tags):
    """A new generation for each tag, then for the epoch: whoever sees the new epoch sees
    the new tags."""
    cache = shared()
    timeout = settings.PAGE_CACHE_TAG_SECONDS
    cache.set_many({key(tag): new_generation() for tag in tags}, timeout)
    cache.set(key(EPOCH), new_generation(), timeout)
