"""Counters that hold under concurrency: how often one client did one thing this window.

`hit` adds one and returns the new count in a single atomic step, so forty
simultaneous requests from one client are counted forty times whichever
process answers them.

Where the count lives (RATE_LIMIT_STORE):

- "database" (the default): one row per client and window, bumped by one
  INSERT ... ON CONFLICT DO UPDATE ... RETURNING statement. SQLite runs it
  under its write lock and PostgreSQL under the row's lock, so no two
  requests read the same count. The file cache cannot do this (its incr is a
  read followed by a write, and it culls entries when it fills up, so a flood
  of other keys could reset a counter).
- "cache": the shared cache's incr, which is Redis's atomic INCR; with Redis
  a rate-limited request costs no database query at all. While Redis cannot
  be reached, the database counts instead (from zero), so the limits hold
  and the request goes through.
"""

import hashlib
import hmac
import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import RateCounter
from .sharedcache import CACHE_ERRORS

logger = logging.getLogger(__name__)


def counter_key(scope, client_key, window):
    """A keyed hash: the counters never hold the address they count."""
    message = f"{scope}:{client_key}:{window}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def hit(scope, client_key, *, window_seconds, now=None):
    """Count one more `scope` event for this client in the current window; return the count."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    key = counter_key(scope, client_key, window)
    expires_at = datetime.fromtimestamp((window + 1) * window_seconds, tz=UTC)
    if settings.RATE_LIMIT_STORE == "cache":
        try:
            return _hit_cache(key, window_seconds)
        except CACHE_ERRORS as error:
            logger.warning("Shared cache unreachable (%s): counted in the database.", error)
    return _hit_database(key, expires_at)


def _hit_cache(key, window_seconds):
    key = f"guard:rate:{key}"
    cache.add(key, 0, window_seconds * 2)
    try:
        return cache.incr(key)
    except ValueError:
        # Evicted between add() and incr(): count from here.
        cache.add(key, 1, window_seconds * 2)
        return 1


def _hit_database(key, expires_at):
    quote = connection.ops.quote_name
    table, key_column = quote(RateCounter._meta.db_table), quote("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, hits, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        (hits,) = cursor.fetchone()
    return hits


def prune_counters(now=None):
    """Remove the counters of windows that have ended; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=1)
    deleted, _ = RateCounter.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
