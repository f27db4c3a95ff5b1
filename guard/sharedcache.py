"""The shared cache (Redis at scale, a file cache on one machine) helps; it is never needed.

What it holds can always be had otherwise: tag generations (a page that
cannot be checked is rendered again, and not kept), copies of site-wide
rows (read from the database), rate counters (counted in the database). Its
callers catch CACHE_ERRORS, so a cache that is down or full makes the site
slower, never broken: no reader gets an error page, no comment is lost.
"""

from redis.exceptions import RedisError

# What a cache backend raises when it cannot answer: Redis's errors
# (refused, timed out, out of memory) and the file cache's (a disk that is
# full or unwritable).
CACHE_ERRORS = (RedisError, OSError)
