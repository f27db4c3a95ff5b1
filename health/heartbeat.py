"""The task worker's heartbeat: a row it updates every TASK_WORKER_HEARTBEAT_SECONDS.

A thread of the worker process writes it (health/management/commands/db_worker.py
starts one), so an empty queue still shows a live worker and a stopped one
goes silent. A task stuck for ages shows in the queue's age instead.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A worker silent this long has gone for good: its row goes.
FORGOTTEN_AFTER = timedelta(days=1)


def beat(worker_id, started_at, now=None):
    """Record that this worker is alive now; forget workers silent for a day."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": now,
        },
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGOTTEN_AFTER).delete()


def last_beat_at():
    """When a worker last said it was alive (None if none ever did)."""
    return WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]


def silent_after():
    """How long without a beat before the worker counts as stopped: two beats' time."""
    return timedelta(seconds=2 * settings.TASK_WORKER_HEARTBEAT_SECONDS)


class Heartbeat(threading.Thread):
    """Beats every TASK_WORKER_HEARTBEAT_SECONDS until stopped; a database that is down
    is logged and tried again at the next beat."""

    def __init__(self, worker_id):
        super().__init__(name="heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            try:
                beat(self.worker_id, self.started_at)
            except DatabaseError as error:
                logger.warning("Task worker heartbeat not written: %s", error)
            finally:
                connection.close()
            self.stopped.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS)

    def stop(self):
        self.stopped.set()
