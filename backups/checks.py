"""Deploy checks for backups and the erasure log."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def erasure_log_key_is_set(app_configs, **kwargs):
    """Without ERASURE_LOG_KEY the log's key lives on this machine only, and dies with it."""
    if settings.ERASURE_LOG_KEY:
        return []
    return [
        Error(
            "ERASURE_LOG_KEY is not set: the erasure log is keyed with a key made on this "
            "machine, so a restore anywhere else cannot erase again the commenters erased "
            "after its backup.",
            hint="Set ERASURE_LOG_KEY to a long random string, kept with DJANGO_SECRET_KEY.",
            id="backups.E001",
        )
    ]
