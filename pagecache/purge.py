"""PURGE requests to the HTTP caches in front of the site (Varnish, by tag).

`send_purge(tags)` asks every cache in PAGE_CACHE_PURGE_URLS at once, all in
parallel, and waits at most PAGE_CACHE_PURGE_TIMEOUT for their answers, so a
change never hangs on a cache that is slow or down. A cache that has not
confirmed (2xx) by then gets the purge again from the task worker: see
`tasks.retry_later`.
"""

import http.client
import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# The header deploy/varnish/default.vcl hands to xkey.purge(): tags separated by spaces.
TAGS_HEADER = "xkey-purge"


class PurgeError(Exception):
    """A cache did not confirm a purge."""


def purge_url(url, tags, timeout):
    """Send one PURGE for `tags` to the cache at `url`; PurgeError unless it answers 2xx.

    `timeout` bounds each network step (connecting, sending, each read).
    """
    try:
        parts = urlsplit(url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    except ValueError as error:
        raise PurgeError(f"not a URL: {url!r}") from error
    try:
        connection.request("PURGE", parts.path or "/", headers={TAGS_HEADER: " ".join(tags)})
        response = connection.getresponse()
        response.read()
    except (OSError, http.client.HTTPException) as error:
        raise PurgeError(f"{type(error).__name__}: {error}".rstrip(": ")) from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise PurgeError(f"HTTP {response.status} {response.reason}")


class _Attempt(threading.Thread):
    """One cache's purge, in a thread of its own so that the caller can stop waiting."""

    def __init__(self, url, tags, timeout):
        super().__init__(name=f"purge {url}", daemon=True)
        self.url, self.tags, self.timeout = url, tags, timeout
        self.error = None

    def run(self):
        try:
            purge_url(self.url, self.tags, self.timeout)
        except PurgeError as error:
            self.error = str(error)


def send_purge(tags):
    """Purge pages showing `tags` from every HTTP cache; a failure is retried later.

    Never raises, and returns after PAGE_CACHE_PURGE_TIMEOUT at most (plus
    the time to queue the retries of caches that did not confirm).
    """
    tags = sorted(set(tags))
    if not tags or not settings.PAGE_CACHE_PURGE_URLS:
        return
    timeout = settings.PAGE_CACHE_PURGE_TIMEOUT
    attempts = [_Attempt(url, tags, timeout) for url in settings.PAGE_CACHE_PURGE_URLS]
    deadline = time.monotonic() + timeout
    for attempt in attempts:
        attempt.start()
    for attempt in attempts:
        attempt.join(max(0.0, deadline - time.monotonic()))
    for attempt in attempts:
        if attempt.is_alive():
            _retry_later(attempt.url, tags, f"no answer within {timeout} s")
        elif attempt.error is not None:
            _retry_later(attempt.url, tags, attempt.error)


def _retry_later(url, tags, error):
    # Imported here: the retry task sends its purge with this module.
    from .tasks import retry_later

    logger.warning("Purge of %s at %s failed (%s); the worker will retry.", tags, url, error)
    try:
        retry_later(url, tags, error)
    except Exception:
        # The change is committed whatever happens here; the pages expire
        # at their Surrogate-Control max-age at the latest.
        logger.exception("Could not queue the retry of the purge of %s at %s.", tags, url)
