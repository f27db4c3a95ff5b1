"""Commenters download or erase their own data, through a link mailed to their address.

The site's answer never depends on whether an address has commented: the
request page records the request and queues a task with its id (the task
queue never holds the address), and the worker looks the address up and
mails the link only if comments were left with it. The link opens a page
whose button (a POST) downloads the data as JSON or erases it, with the
same functions the editors use (comments/privacy.py).
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guard.ratelimit import hit
from outbox.addresses import mailbox_key

from .models import PrivacyRequest
from .privacy import comments_by, erase_commenter, export_commenter

logger = logging.getLogger(__name__)

# Requests one client may make per hour, and requests for one address per day
# (each may mail that address).
REQUESTS_PER_CLIENT = 5
CLIENT_WINDOW_SECONDS = 3600
REQUESTS_PER_ADDRESS = 3
ADDRESS_WINDOW_SECONDS = 24 * 3600


def client_allowed(client_key, now=None):
    """Count one request from this client (its address as limits count it); False past the limit."""
    count = hit("privacy-client", client_key, window_seconds=CLIENT_WINDOW_SECONDS, now=now)
    return count <= REQUESTS_PER_CLIENT


def request_link(kind, email, site_url="", now=None):
    """Record a request for a link and queue the mail; return the request.

    Whatever the address, the same rows are written and the same task is
    queued: whether it has commented is found out by the worker. An address
    asked for too often in a day gets no more mail (the record says so).
    """
    from .tasks import send_privacy_link

    address_count = hit(
        "privacy-address",
        mailbox_key(email),  # one count per mailbox, however the address is spelled
        window_seconds=ADDRESS_WINDOW_SECONDS,
        now=now,
    )
    limited = address_count > REQUESTS_PER_ADDRESS
    privacy_request = PrivacyRequest.objects.create(
        kind=kind,
        email=email.strip(),
        outcome=PrivacyRequest.Outcome.LIMITED if limited else PrivacyRequest.Outcome.QUEUED,
    )
    if not limited:
        transaction.on_commit(partial(send_privacy_link.enqueue, privacy_request.pk, site_url))
    logger.info("Privacy request %s (%s) is %s.", privacy_request.pk, kind, privacy_request.outcome)
    return privacy_request


def _fulfilled(privacy_request, outcome, count):
    PrivacyRequest.objects.filter(pk=privacy_request.pk).update(
        outcome=outcome, fulfilled_at=timezone.now(), comment_count=count
    )
    logger.info("Privacy request %s: %s.", privacy_request.pk, outcome)


def export_for(privacy_request, site_url=""):
    """The commenter's data, as the editors' export gives it; the request counts as fulfilled."""
    with transaction.atomic():
        count = comments_by(privacy_request.email).count()
        _fulfilled(privacy_request, PrivacyRequest.Outcome.EXPORTED, count)
        return export_commenter(privacy_request.email, site_url)


def erase_for(privacy_request):
    """Anonymise the commenter's comments, as the editors' erase does; returns how many."""
    with transaction.atomic():
        erased = erase_commenter(privacy_request.email)
        _fulfilled(privacy_request, PrivacyRequest.Outcome.ERASED, erased)
    return erased


def prune_requests(now=None, days=None):
    """Remove privacy requests older than PRIVACY_REQUEST_RETENTION_DAYS; returns how many."""
    days = settings.PRIVACY_REQUEST_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = PrivacyRequest.objects.filter(requested_at__lt=cutoff).delete()
    return deleted
