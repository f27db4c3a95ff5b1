"""The erasure log leaves the machine as soon as it grows, not only with the next backup.

A backup is restored when the machine was lost; the erasures made since that
backup are exactly the ones a restore must apply again, so the log cannot
wait for the next night's copy. The task worker sends it (encrypted, as the
backups are) after every erasure when a backup storage is configured.
"""

from django.conf import settings
from django_tasks import task

from . import archive
from .taking import OFFSITE_ALIAS, copy_log_off, offsite_storage


@task()
def copy_erasure_log():
    """Send the erasure log, encrypted, to the backup storage."""
    recipients = archive.recipients_from(settings.BACKUP_AGE_RECIPIENTS)
    if OFFSITE_ALIAS not in settings.STORAGES or not recipients:
        return
    copy_log_off(offsite_storage(), recipients)
