"""PURGE requests to the HTTP caches in front of the site (Varnish, by tag).

`send_purge(tags)` asks every cache in PAGE_CACHE_PURGE_URLS at once, all in
parallel, and waits at most PAGE_CACHE_PURGE_TIMEOUT for their answers, so a
change never hangs on a cache that is slow or down. It returns the caches
that did not confirm (2xx) by then; tags.purge_now() has the task worker
send those again (retries.py).
"""

import http.client
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from prometheus_client import Counter

# The header deploy/varnish/default.vcl hands to xkey.purge(): tags separated by spaces.
TAGS_HEADER = "xkey-purge"

PURGES_SENT = Counter("immunoblog_purges_sent_total", "PURGE requests sent to HTTP caches.")
PURGES_FAILED = Counter(
    "immunoblog_purges_failed_total", "PURGE requests a cache did not confirm (2xx) in time."
)


class PurgeError(Exception):
    """A cache did not confirm a purge."""


def purge_url(url, tags, timeout):
    """Send one PURGE for `tags` to the cache at `url`; PurgeError unless it answers 2xx.

    `timeout` bounds each network step (connecting, sending, each read).
    """
    PURGES_SENT.inc()
    try:
        _purge(url, tags, timeout)
    except PurgeError:
        PURGES_FAILED.inc()
        raise


def _purge(url, tags, timeout):
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
    """Purge pages showing `tags` from every HTTP cache at once; the ones that failed.

    Never raises, and returns after PAGE_CACHE_PURGE_TIMEOUT at most, with
    (url, error) for each cache that did not confirm.
    """
    tags = sorted(set(tags))
    if not tags or not settings.PAGE_CACHE_PURGE_URLS:
        return []
    timeout = settings.PAGE_CACHE_PURGE_TIMEOUT
    attempts = [_Attempt(url, tags, timeout) for url in settings.PAGE_CACHE_PURGE_URLS]
    deadline = time.monotonic() + timeout
    for attempt in attempts:
        attempt.start()
    for attempt in attempts:
        attempt.join(max(0.0, deadline - time.monotonic()))
    failed = []
    for attempt in attempts:
        if attempt.is_alive():
            failed.append((attempt.url, f"no answer within {timeout} s"))
        elif attempt.error is not None:
            failed.append((attempt.url, attempt.error))
    return failed
