"""After a commenter is erased, the erasure log is copied off the machine (backups.tasks)."""

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from comments.models import Comment
from comments.signals import commenter_erased

from .taking import OFFSITE_ALIAS


@receiver(commenter_erased, sender=Comment)
def copy_the_erasure_log_off(sender, **kwargs):
    from .tasks import copy_erasure_log

    if OFFSITE_ALIAS in settings.STORAGES:
        transaction.on_commit(copy_erasure_log.enqueue)
