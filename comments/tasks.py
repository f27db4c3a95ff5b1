"""Background work of the discussion: mail to the editors and to commenters who asked
for their data, sent by the task worker.

A post never waits on a mail server: the notice is queued once the comment
is committed, and a worker (`manage.py db_worker`) writes it and hands it
to the outbox, which delivers it and tries again while the server is down.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from outbox.sending import send

from .models import Comment, PrivacyRequest
from .privacy import comments_by
from .signing import privacy_token

EDITORS_GROUP = "Editors"


def editor_addresses():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    editors = users.filter(Q(groups__name=EDITORS_GROUP) | Q(is_superuser=True)).distinct()
    return sorted({user.email for user in editors})


@task()
def notify_editors(comment_id, site_url=""):
    """Queue mail to the editors about a comment awaiting moderation; how many.

    Rendered here, when the worker gets to it, so a comment approved in the
    meantime sends nothing. The outbox delivers it, and tries again while
    the mail server is down. Links start with DJANGO_SITE_URL; `site_url`
    (the request's host, in development only) stands in when it is not set.
    """
    base_url = settings.SITE_URL or site_url
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = editor_addresses()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return 0
    context = {
        "comment": comment,
        "queue_url": base_url + reverse("admin:comments_comment_changelist") + "?status=pending",
        "change_url": base_url + reverse("admin:comments_comment_change", args=[comment.pk]),
        "article_url": base_url + comment.article.get_absolute_url(),
    }
    subject = f"[{settings.SITE_NAME}] Please moderate: “{comment.article.title}”"
    body = render_to_string("comments/email/moderation.txt", context)
    return len(send("moderation", recipients, subject, body))


@task()
def send_privacy_link(request_id, site_url=""):
    """Mail the link a commenter asked for, if comments were left with the address; 1 if sent.

    The address is looked up here, in the worker, so the page that took the
    request answered the same whether or not it was known. The task holds
    the request's id only, never the address.
    """
    privacy_request = PrivacyRequest.objects.filter(
        pk=request_id, outcome=PrivacyRequest.Outcome.QUEUED
    ).first()
    if privacy_request is None:
        return 0
    if not privacy_request.email or not comments_by(privacy_request.email).exists():
        privacy_request.outcome = PrivacyRequest.Outcome.NO_DATA
        privacy_request.save(update_fields=["outcome"])
        return 0
    base_url = settings.SITE_URL or site_url
    path = reverse("comments:privacy_confirm", kwargs={"token": privacy_token(privacy_request)})
    context = {
        "site_name": settings.SITE_NAME,
        "is_erase": privacy_request.kind == PrivacyRequest.Kind.ERASE,
        "link": base_url + path,
        "valid_hours": round(settings.PRIVACY_LINK_SECONDS / 3600),
    }
    action = "Erase" if context["is_erase"] else "Download"
    subject = f"[{settings.SITE_NAME}] {action} your comments’ data"
    body = render_to_string("comments/email/privacy_link.txt", context)
    sent = send("privacy-link", privacy_request.email, subject, body)
    privacy_request.outcome = PrivacyRequest.Outcome.MAILED
    privacy_request.mailed_at = timezone.now()
    privacy_request.save(update_fields=["outcome", "mailed_at"])
    return len(sent)
