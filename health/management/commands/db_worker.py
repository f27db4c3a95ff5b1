import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from health.heartbeat import Heartbeat


class Command(WorkerCommand):
    """django-tasks-db's worker, with a heartbeat (health/heartbeat.py) while it runs."""

    help = (
        WorkerCommand.help.rstrip(".")
        + ". Unless --batch, it writes a heartbeat every TASK_WORKER_HEARTBEAT_SECONDS, which "
        "/readyz and the metrics read."
    )

    def handle(self, *args, **options):
        # With --reload, the process that only watches the code and restarts its
        # child does not beat: the child, which runs the tasks, does. A --batch
        # run (what is queued, then exit) is not a worker that stays.
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watcher or options.get("batch"):
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
