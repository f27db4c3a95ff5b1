from django.db import models


class WorkerHeartbeat(models.Model):
    """A task worker saying it is alive: written every TASK_WORKER_HEARTBEAT_SECONDS.

    One row per worker process (its id on the task queue); /readyz reads the
    newest beat, so a stopped worker shows within two beats even when the
    queue is empty and nothing else would reveal it.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "task worker"
        ordering = ["-beat_at"]

    def __str__(self):
        return f"worker {self.pid} on {self.host or 'this machine'}"
