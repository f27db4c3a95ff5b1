"""Purges that did not reach a cache, made again by `manage.py db_worker`.

A cache is an HTTP cache's URL (the PURGE was not confirmed) or SHARED_CACHE
(the tags' generations could not be moved on).

The delay doubles each time (the task backend has no retries of its own, so
each try queues the next), until the purge succeeds or
PAGE_CACHE_PURGE_GIVE_UP_SECONDS have passed since the first failure; then
it is recorded as a `PurgeFailure` for editors to see.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from guard.sharedcache import CACHE_ERRORS

from . import generations
from .models import PurgeFailure
from .purge import PurgeError, purge_url

logger = logging.getLogger(__name__)

# The "cache" of a purge that could not move the tags' generations on.
SHARED_CACHE = "shared cache (tag generations)"

# The worker keeps no reader waiting: it gives a cache longer to answer than a request does.
RETRY_TIMEOUT_SECONDS = 5


def retry_delay(failures):
    """Seconds to wait after this many failed tries: doubling from the first delay, capped."""
    first = settings.PAGE_CACHE_PURGE_RETRY_SECONDS
    return min(first * 2 ** (failures - 1), settings.PAGE_CACHE_PURGE_RETRY_MAX_SECONDS)


def retry_later(url, tags, error, *, first_failed_at=None, failures=1, now=None):
    """After `failures` failed tries of a purge, queue the next one, or give up.

    The last try is made at the give-up time itself; if that fails too, the
    purge is recorded as a PurgeFailure. Returns what was decided, in words.
    """
    now = now or timezone.now()
    first_failed_at = first_failed_at or now
    give_up_at = first_failed_at + timedelta(seconds=settings.PAGE_CACHE_PURGE_GIVE_UP_SECONDS)
    if now >= give_up_at:
        PurgeFailure.objects.create(
            url=url,
            tags=" ".join(tags),
            first_failed_at=first_failed_at,
            attempts=failures,
            last_error=error,
            gave_up_at=now,
        )
        logger.error("Gave up the purge of %s at %s after %d tries.", tags, url, failures)
        return "gave up"
    run_after = min(now + timedelta(seconds=retry_delay(failures)), give_up_at)
    retry_purge.using(run_after=run_after).enqueue(
        url, list(tags), first_failed_at.isoformat(), failures
    )
    return f"retry at {run_after.isoformat()}"


@task
def retry_purge(url, tags, first_failed_at, failures):
    """Make a purge that failed `failures` times once more; queue the next try if it fails again."""
    try:
        if url == SHARED_CACHE:
            generations.move_on(tags)
        else:
            purge_url(url, tags, RETRY_TIMEOUT_SECONDS)
    except (PurgeError, *CACHE_ERRORS) as error:
        return retry_later(
            url,
            tags,
            str(error),
            first_failed_at=parse_datetime(first_failed_at),
            failures=failures + 1,
        )
    logger.info("Purged %s at %s after %d failed tries.", tags, url, failures)
    return "purged"
