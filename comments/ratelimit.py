"""A per-client limit on comment posts: COMMENT_RATE_PER_MINUTE, counted atomically.

The client is its address as guard.clientaddr sees it, an IPv6 client its
/64; the count lives where guard.ratelimit keeps it (a database row, or
Redis), never in the file cache.
"""

import time

from django.conf import settings

from guard.clientaddr import limit_address
from guard.ratelimit import hit

WINDOW_SECONDS = 60


def allow(address, now=None):
    """Count one post from this address; False once it passes the per-minute limit."""
    limit = settings.COMMENT_RATE_PER_MINUTE
    if limit <= 0:
        return True
    count = hit("comment-post", limit_address(address), window_seconds=WINDOW_SECONDS, now=now)
    return count <= limit


def retry_after(now=None):
    """Seconds until the current window ends and a client over the limit may post again."""
    now = time.time() if now is None else now
    return max(1, WINDOW_SECONDS - int(now) % WINDOW_SECONDS)
