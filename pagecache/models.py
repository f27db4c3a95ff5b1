from django.db import models


class PurgeFailure(models.Model):
    """A purge that never reached a cache, however often it was made: an HTTP cache that
    never confirmed it, or the shared cache whose tag generations it could not move on.

    Its pages may be stale in that cache until they expire (their
    Surrogate-Control max-age, or PAGE_CACHE_SECONDS in an app process) or
    the cache is cleared.
    """

    url = models.CharField("cache", max_length=500)
    tags = models.TextField(help_text="The tags whose pages were to be purged.")
    first_failed_at = models.DateTimeField("first failed")
    attempts = models.PositiveIntegerField()
    last_error = models.TextField(blank=True)
    gave_up_at = models.DateTimeField("gave up")

    class Meta:
        ordering = ["-gave_up_at", "-pk"]
        verbose_name = "purge failure"

    def __str__(self):
        return f"Purge of {self.tags} at {self.url}"
