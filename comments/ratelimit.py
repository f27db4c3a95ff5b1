"""A per-client limit on comment posts, counted in the shared cache.

The count lives in the "default" cache (a file cache shared by the processes
of one machine, or Redis), so every app server sees the same number.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def _key(client_key, window):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_key}".encode()).hexdigest()[:24]
    return f"comments:rate:{digest}:{window}"


def allow(client_key, now=None):
    """Count one post for this client; False once it passes the per-minute limit."""
    limit = settings.COMMENT_RATE_PER_MINUTE
    if limit <= 0 or not client_key:
        return True
    window = int((now or time.time()) // WINDOW_SECONDS)
    key = _key(client_key, window)
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        # Evicted between add() and incr(): this is the window's first post.
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    return count <= limit
