"""Background work of the discussion: mail to the editors, sent by the task worker.

A post never waits on a mail server: the notice is queued once the comment
is committed, and a worker (`manage.py db_worker`) sends it. A mail server
that is down delays the notice; the task tries again later, with a growing
delay, until COMMENT_MAIL_GIVE_UP_SECONDS have passed since the first try.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from .models import Comment

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600


def editor_addresses():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    editors = users.filter(Q(groups__name=EDITORS_GROUP) | Q(is_superuser=True)).distinct()
    return sorted({user.email for user in editors})


def retry_delay(attempt):
    """Seconds before try number `attempt` + 1: 30 s, doubling, at most an hour."""
    return min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1))


@task()
def notify_editors(comment_id, site_url="", attempt=1, first_try_at=None):
    """Email the editors about a comment awaiting moderation; True once sent.

    Links start with DJANGO_SITE_URL; `site_url` (the request's host, in
    development only) stands in when it is not set.
    """
    base_url = settings.SITE_URL or site_url
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = editor_addresses()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return False
    context = {
        "comment": comment,
        "queue_url": base_url + reverse("admin:comments_comment_changelist") + "?status=pending",
        "change_url": base_url + reverse("admin:comments_comment_change", args=[comment.pk]),
        "article_url": base_url + comment.article.get_absolute_url(),
    }
    subject = f"[{settings.SITE_NAME}] Please moderate: “{comment.article.title}”"
    try:
        send_mail(subject, render_to_string("comments/email/moderation.txt", context), None,
                  recipients)  # fmt: skip
    except Exception:
        first_try_at = first_try_at or timezone.now().isoformat()
        give_up_at = datetime.fromisoformat(first_try_at) + timedelta(
            seconds=settings.COMMENT_MAIL_GIVE_UP_SECONDS
        )
        run_after = timezone.now() + timedelta(seconds=retry_delay(attempt))
        if run_after > give_up_at:
            logger.exception("Gave up mailing the editors about comment %s.", comment_id)
            return False
        logger.warning("Could not mail the editors about comment %s; will try again.", comment_id)
        notify_editors.using(run_after=run_after).enqueue(
            comment_id, site_url, attempt + 1, first_try_at
        )
        return False
    return True
