"""gunicorn's settings for the blog (gunicorn reads ./gunicorn.conf.py by itself).

The master loads the app once and forks the workers from it: Django, the apps
and everything imported at start-up sit in memory once per machine instead
of once per worker, so each worker's own memory is what it adds: its page
store (PAGE_CACHE_MAX_BYTES) and the request at hand. Nothing opens a
database or cache connection while loading, so none is shared by accident.

Metrics: each worker counts in files of PROMETHEUS_MULTIPROC_DIR, and a
scrape answered by any worker sums them all (prometheus-client's
multiprocess mode). Without the variable, a private directory is made for
this server; it is emptied when the server starts, so counts start at zero.
"""

import gc
import os
import shutil
import tempfile
from pathlib import Path

preload_app = True

# Set here, before the app (and prometheus-client) is loaded.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="immunoblog-metrics-")
    _own_metrics_dir = True
else:
    _own_metrics_dir = False


def on_starting(server):
    # Counts left by an earlier run would be summed with this one's.
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        path.unlink()


def when_ready(server):
    # What the master loaded is never collected in a worker: without this,
    # a collection writes to every shared object and copies its page.
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
