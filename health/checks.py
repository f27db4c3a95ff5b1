"""What /readyz and the metrics say about the site: read in a few queries, never cached.

`ready()` is False only when this process cannot serve (its database does
not answer). Everything else the site carries on without (the shared cache,
the task worker, mail, purges, backups) is a problem named as "degraded",
so a load balancer never pulls every server because the worker stopped.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from backups import last_good_backup_at
from guard.sharedcache import CACHE_ERRORS
from outbox.models import Mail
from pagecache.models import PurgeFailure

from .heartbeat import last_beat_at, silent_after

# Failures counted for /readyz: those of the last day (older ones are history).
RECENT = timedelta(days=1)
PROBE_KEY = "health:probe"


def database_answers():
    """True when this process's database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def shared_cache_answers():
    """True when the shared cache (Redis, or the file cache on one machine) stores and reads."""
    value = uuid.uuid4().hex
    try:
        cache.set(PROBE_KEY, value, 10)
        return cache.get(PROBE_KEY) == value
    except CACHE_ERRORS:
        return False


def task_queue(now):
    """(tasks waiting to run now, when the longest-waiting of them became due, or None)."""
    never = get_date_max()
    found = DBTaskResult.objects.ready().aggregate(
        depth=Count("pk"),
        oldest_enqueued=Min("enqueued_at", filter=Q(run_after=never)),
        oldest_due=Min("run_after", filter=~Q(run_after=never)),
    )
    due = [moment for moment in (found["oldest_enqueued"], found["oldest_due"]) if moment]
    return found["depth"], min(due, default=None)


@dataclass
class SiteState:
    """Everything /readyz and the metrics report, read once."""

    now: datetime
    database: bool
    shared_cache: bool = False
    worker_beat_at: datetime | None = None
    queue_depth: int = 0
    queue_oldest_at: datetime | None = None
    mail_given_up: int = 0
    purges_given_up: int = 0
    backup_at: datetime | None = None

    def seconds_since(self, moment):
        return max(0.0, (self.now - moment).total_seconds()) if moment else None

    @property
    def ready(self):
        return self.database

    def problems(self):
        """Each way the site is degraded, in words an operator acts on (nothing secret)."""
        if not self.database:
            return ["database unreachable"]
        found = []
        if not self.shared_cache:
            found.append("shared cache unreachable (pages and limits fall back to the database)")
        if self.worker_beat_at is None:
            found.append("task worker: no heartbeat ever (is manage.py db_worker running?)")
        elif self.now - self.worker_beat_at > silent_after():
            found.append(
                f"task worker: silent for {self.seconds_since(self.worker_beat_at):.0f} s "
                "(mail and purges wait)"
            )
        waited = self.seconds_since(self.queue_oldest_at)
        if waited is not None and waited > settings.HEALTH_QUEUE_AGE_SECONDS:
            found.append(f"task queue: {self.queue_depth} waiting, the oldest for {waited:.0f} s")
        if self.mail_given_up:
            found.append(f"mail: {self.mail_given_up} of the last day's messages given up")
        if self.purges_given_up:
            found.append(f"cache purges: {self.purges_given_up} given up in the last day")
        found.extend(self._backup_problems())
        return found

    def _backup_problems(self):
        if self.backup_at is None:
            return [] if settings.DEBUG else ["backups: none made yet (manage.py backup)"]
        hours = self.seconds_since(self.backup_at) / 3600
        if hours > settings.HEALTH_BACKUP_MAX_AGE_HOURS:
            return [f"backups: the last good one is {hours:.0f} hours old"]
        return []


def site_state(now=None):
    """The site's state; when the database does not answer, only that (nothing else is read)."""
    now = now or timezone.now()
    if not database_answers():
        return SiteState(now=now, database=False)
    try:
        depth, oldest = task_queue(now)
        since = now - RECENT
        return SiteState(
            now=now,
            database=True,
            shared_cache=shared_cache_answers(),
            worker_beat_at=last_beat_at(),
            queue_depth=depth,
            queue_oldest_at=oldest,
            mail_given_up=Mail.objects.filter(
                status=Mail.Status.GAVE_UP, created_at__gte=since
            ).count(),
            purges_given_up=PurgeFailure.objects.filter(gave_up_at__gte=since).count(),
            backup_at=last_good_backup_at(),
        )
    except DatabaseError:
        return SiteState(now=now, database=False)
