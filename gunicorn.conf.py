"""gunicorn's settings for the blog (gunicorn reads ./gunicorn.conf.py by itself).

The master loads the app once and forks the workers from it: Django, the apps
and everything imported at start-up sit in memory once per machine instead
of once per worker, so each worker's own memory is what it adds: its page
store (PAGE_CACHE_MAX_BYTES) and the request at hand. Nothing opens a
database or cache connection while loading, so none is shared by accident.

No line gunicorn logs names a client: the access log leaves the address,
the query string, the referrer and the browser out, and every line of both
logs has its IP addresses masked, gunicorn's own warnings included
("Invalid request from ip=…"). The address the server listens on stays.

Metrics: each worker counts in files of PROMETHEUS_MULTIPROC_DIR, and a
scrape answered by any worker sums them all (prometheus-client's
multiprocess mode). Without the variable, a private directory is made for
this server; it is emptied when the server starts, so counts start at zero.
"""

import gc
import ipaddress
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from gunicorn import glogging

preload_app = True

# Time, request line without its query, status, bytes, milliseconds.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)s'

MASK = "[address]"
# Runs of what an IP address is made of; each is masked only if it is one.
ADDRESS_LIKE = re.compile(r"[0-9A-Fa-f:.]{2,}")


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _mask(match):
    token = match.group()
    if _is_address(token):
        return MASK
    # Punctuation after it ("from ip=127.0.0.1: …"), or a port ("192.0.2.1:54321").
    stripped = token.rstrip(".:")
    if _is_address(stripped):
        return MASK + token[len(stripped) :]
    host, _, port = stripped.rpartition(":")
    if port.isdigit() and _is_address(host):
        return f"{MASK}:{port}{token[len(stripped) :]}"
    return token


def without_addresses(text):
    """`text` with every IPv4 and IPv6 address in it replaced by "[address]"."""
    return ADDRESS_LIKE.sub(_mask, text)


class NoAddresses(logging.Filter):
    """Masks the addresses in a record's message and traceback, before any handler sees it."""

    def filter(self, record):
        if isinstance(record.msg, str) and record.msg.startswith("Listening at: "):
            return True  # the server's own address, not a client's
        record.msg, record.args = without_addresses(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = without_addresses(record.exc_text)
        return True


class Logger(glogging.Logger):
    """gunicorn's logger, wherever its logs go (files, syslog, a log config), without addresses."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(type(f).__name__ == "NoAddresses" for f in log.filters):
                log.addFilter(NoAddresses())


logger_class = Logger

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
