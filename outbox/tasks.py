"""The task worker's side of the outbox: deliver one Mail, or try again later."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task
from prometheus_client import Counter

from .models import Mail

logger = logging.getLogger(__name__)

MAIL_SENT = Counter("immunoblog_mail_sent_total", "Messages the mail server accepted.")
MAIL_FAILED = Counter(
    "immunoblog_mail_failed_total", "Tries to send a message that failed (each is retried)."
)
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600


def retry_delay(attempt):
    """Seconds before try number `attempt` + 1: 30 s, doubling, at most an hour."""
    return min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1))


@task()
def deliver(mail_id):
    """Send a waiting Mail; True once sent. Log lines name the mail by id only."""
    mail = Mail.objects.filter(pk=mail_id, status=Mail.Status.WAITING).first()
    if mail is None:
        return False
    message = EmailMultiAlternatives(mail.subject, mail.text, None, [mail.to], headers=mail.headers)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    mail.attempts += 1
    try:
        message.send()
    except Exception as error:
        MAIL_FAILED.inc()
        # The error's text may quote the address; the log names its kind only.
        _retry_later(mail, type(error).__name__)
        return False
    MAIL_SENT.inc()
    mail.status, mail.sent_at, mail.text, mail.html = Mail.Status.SENT, timezone.now(), "", ""
    mail.save(update_fields=["status", "sent_at", "text", "html", "attempts"])
    return True


def _retry_later(mail, error):
    run_after = timezone.now() + timedelta(seconds=retry_delay(mail.attempts))
    give_up_at = mail.created_at + timedelta(seconds=settings.COMMENT_MAIL_GIVE_UP_SECONDS)
    if run_after > give_up_at:
        logger.error("Gave up sending mail %s (%s): %s.", mail.pk, mail.kind, error)
        mail.status, mail.text, mail.html = Mail.Status.GAVE_UP, "", ""
        mail.save(update_fields=["status", "text", "html", "attempts"])
        return
    logger.warning("Could not send mail %s (%s): %s; will try again.", mail.pk, mail.kind, error)
    mail.save(update_fields=["attempts"])
    deliver.using(run_after=run_after).enqueue(mail.pk)


def prune_records(now=None, days=None):
    """Remove the records of mail sent or given up more than OUTBOX_RECORD_DAYS ago."""
    days = settings.OUTBOX_RECORD_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    finished = Mail.objects.exclude(status=Mail.Status.WAITING).filter(created_at__lt=cutoff)
    deleted, _ = finished.delete()
    return deleted
