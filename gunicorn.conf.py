"""gunicorn's settings for the blog (gunicorn reads ./gunicorn.conf.py by itself).

The master loads the app once and forks the workers from it: Django, the apps
and everything imported at start-up sit in memory once per machine instead
of once per worker, so each worker's own memory is what it adds: its page
store (PAGE_CACHE_MAX_BYTES) and the request at hand. Nothing opens a
database or cache connection while loading, so none is shared by accident.
"""

import gc

preload_app = True


def when_ready(server):
    # What the master loaded is never collected in a worker: without this,
    # a collection writes to every shared object and copies its page.
    gc.freeze()
