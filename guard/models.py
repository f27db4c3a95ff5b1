from django.db import models


class RateCounter(models.Model):
    """How many times one client did one thing in one window of time.

    The key is a keyed hash of the client's address (see guard.ratelimit), so
    these rows hold nothing personal. Rows of windows that have ended are
    removed by `manage.py housekeeping`.
    """

    key = models.CharField(max_length=64, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate counter"
        ordering = ["-expires_at"]

    def __str__(self):
        return f"{self.hits} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
