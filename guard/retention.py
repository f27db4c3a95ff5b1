"""Editors' sign-in records kept as long as commenters' addresses, then removed.

django-axes keeps every failed attempt and every sign-in (address, browser)
forever; the housekeeping command removes those older than
COMMENT_IP_RETENTION_DAYS, the same period as commenters' IP addresses.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone


def purge_expired_access_records(now=None, days=None):
    """Delete axes' attempts and logs older than the retention period; returns how many."""
    days = settings.COMMENT_IP_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    removed = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        # Only the rows themselves count, not what cascades with them.
        removed += (
            model.objects.filter(attempt_time__lt=cutoff).delete()[1].get(model._meta.label, 0)
        )
    return removed
