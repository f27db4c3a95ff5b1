"""Prometheus metrics (prometheus-client): counters kept where things happen, gauges read at
scrape time from the database.

Counters (requests here; page-cache hits in pagecache.middleware; purges in
pagecache.purge and pagecache.retries; mail in outbox.tasks) live in each
process. Under gunicorn they are files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py makes one and empties it at start) and every scrape sums
all workers' files, whichever worker answers it. A task worker given the
same directory adds its own (mail, purge retries).

Gauges (queue, heartbeat, held comments, failures, backups) are read from
the database at each scrape, so every server reports the same site.
"""

import os

from prometheus_client import CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY

from comments.models import Comment

from .checks import site_state

REQUESTS = Counter(
    "immunoblog_requests_total",
    "HTTP requests answered, by route name (never the path), method and status.",
    ["route", "method", "status"],
)


def gauge(name, documentation, value):
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family


def timestamp(moment):
    return moment.timestamp() if moment else 0.0


class SiteCollector:
    """The site's state, read when scraped (a few queries)."""

    def collect(self):
        state = site_state()
        yield gauge("immunoblog_database_up", "1 when the database answers.", state.database)
        if not state.database:
            return
        yield gauge(
            "immunoblog_shared_cache_up",
            "1 when the shared cache (Redis) stores and reads.",
            state.shared_cache,
        )
        yield gauge(
            "immunoblog_task_queue_depth", "Tasks due to run, not yet started.", state.queue_depth
        )
        yield gauge(
            "immunoblog_task_queue_oldest_age_seconds",
            "How long the longest-waiting due task has waited (0 when none waits).",
            state.seconds_since(state.queue_oldest_at) or 0.0,
        )
        yield gauge(
            "immunoblog_worker_heartbeat_timestamp_seconds",
            "When a task worker last said it was alive (Unix time; 0 if never).",
            timestamp(state.worker_beat_at),
        )
        yield gauge(
            "immunoblog_worker_heartbeat_age_seconds",
            "Seconds since a task worker last said it was alive (-1 if never).",
            -1.0 if state.worker_beat_at is None else state.seconds_since(state.worker_beat_at),
        )
        yield gauge(
            "immunoblog_mail_given_up_recent",
            "Messages of the last day that the outbox gave up sending.",
            state.mail_given_up,
        )
        yield gauge(
            "immunoblog_purges_given_up_recent",
            "Cache purges given up in the last day (the admin's purge failures).",
            state.purges_given_up,
        )
        yield gauge(
            "immunoblog_comments_held",
            "Comments waiting for moderation.",
            Comment.objects.filter(status=Comment.Status.PENDING).count(),
        )
        yield gauge(
            "immunoblog_last_good_backup_timestamp_seconds",
            "When the last good backup was made (Unix time; 0 if none is known).",
            timestamp(state.backup_at),
        )


def exposition():
    """The metrics page's text: counters of every process, then the site's gauges."""
    site = CollectorRegistry()
    site.register(SiteCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    return generate_latest(processes) + generate_latest(site)
