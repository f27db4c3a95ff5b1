"""Background work of the discussion: mail to the editors and to commenters who asked
for their data, sent by the task worker.

A post never waits on a mail server: the notice is queued once the comment
is committed, and a worker (`manage.py db_worker`) writes it and hands it
to the outbox, which delivers it and tries again while the server is down.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from outbox.models import Mail
from outbox.sending import send

from .models import Comment, EditorMailPreference, PrivacyRequest
from .privacy import stored_address
from .signing import moderation_token, privacy_token

EDITORS_GROUP = "Editors"


PUBLISHED_KIND = "published-comment"


def editors():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(Q(groups__name=EDITORS_GROUP) | Q(is_superuser=True)).distinct()


def editor_addresses():
    return sorted({user.email for user in editors()})


def published_mail_addresses(comment, now=None):
    """The editors who asked to hear of every published comment, within the hourly bound.

    Not the editor who wrote it; and not an address already sent
    EDITOR_PUBLISHED_MAIL_PER_HOUR such mails in the last hour (0 lifts the bound).
    """
    wanting = editors().filter(comment_mail__published_comments=True)
    if comment.user_id:
        wanting = wanting.exclude(pk=comment.user_id)
    addresses = {user.email for user in wanting}
    limit = settings.EDITOR_PUBLISHED_MAIL_PER_HOUR
    if limit and addresses:
        since = (now or timezone.now()) - timedelta(hours=1)
        busy = (
            Mail.objects.filter(kind=PUBLISHED_KIND, to__in=addresses, created_at__gte=since)
            .values("to")
            .annotate(sent=Count("pk"))
            .filter(sent__gte=limit)
            .values_list("to", flat=True)
        )
        addresses -= set(busy)
    return sorted(addresses)


def moderation_links(comment, base_url, actions):
    """Absolute links to the pages that move this comment, as it is now, to each status."""
    return {
        action: base_url
        + reverse("admin:comments_comment_moderate", args=[moderation_token(comment, action)])
        for action in actions
    }


def _mail_context(comment, base_url):
    return {
        "comment": comment,
        "change_url": base_url + reverse("admin:comments_comment_change", args=[comment.pk]),
        "article_url": base_url + comment.article.get_absolute_url(),
        "valid_days": round(settings.COMMENT_MODERATION_LINK_SECONDS / 86400),
    }


@task()
def notify_editors(comment_id, site_url=""):
    """Queue mail to the editors about a comment awaiting moderation; how many.

    Rendered here, when the worker gets to it, so a comment approved in the
    meantime sends nothing. The real links come first and the comment last,
    quoted (comment_details.txt), so nothing it says can pass for ours. The
    outbox delivers it, and tries again while the mail server is down.
    Links start with DJANGO_SITE_URL; `site_url` (the request's host, in
    development only) stands in when it is not set.
    """
    base_url = settings.SITE_URL or site_url
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = editor_addresses()
    if comment is None or comment.status != Comment.Status.PENDING or not recipients:
        return 0
    context = {
        **_mail_context(comment, base_url),
        "queue_url": base_url + reverse("admin:comments_comment_changelist") + "?status=pending",
        "links": moderation_links(
            comment,
            base_url,
            [Comment.Status.APPROVED, Comment.Status.SPAM, Comment.Status.TRASH],
        ),
    }
    subject = f"[{settings.SITE_NAME}] Please moderate: “{comment.article.title}”"
    body = render_to_string("comments/email/moderation.txt", context)
    html = render_to_string("comments/email/moderation.html", context)
    return len(send("moderation", recipients, subject, body, html=html))


def announce_published(comment_id, site_url=""):
    """Queue the mail about a comment published at once, if any editor asked for such mail."""
    if EditorMailPreference.objects.filter(published_comments=True).exists():
        notify_editors_published.enqueue(comment_id, site_url)


@task()
def notify_editors_published(comment_id, site_url=""):
    """Mail the editors who asked for it about a comment published at once; how many.

    Rendered when the worker gets to it: a comment no longer public by then
    sends nothing. The mail carries links to mark it as spam or trash it.
    """
    base_url = settings.SITE_URL or site_url
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or not comment.is_public:
        return 0
    recipients = published_mail_addresses(comment)
    if not recipients:
        return 0
    context = {
        **_mail_context(comment, base_url),
        "comment_url": base_url + comment.get_absolute_url(),
        "links": moderation_links(comment, base_url, [Comment.Status.SPAM, Comment.Status.TRASH]),
        "preferences_url": base_url + reverse("admin:comments_editormailpreference_changelist"),
    }
    subject = f"[{settings.SITE_NAME}] New comment on “{comment.article.title}”"
    body = render_to_string("comments/email/published.txt", context)
    html = render_to_string("comments/email/published.html", context)
    return len(send(PUBLISHED_KIND, recipients, subject, body, html=html))


@task()
def send_privacy_link(request_id, site_url=""):
    """Mail the link a commenter asked for, if comments were left with the address; 1 if sent.

    The link goes to the address as stored with those comments, never as
    typed: a look-alike finds nobody's comments, and another spelling of the
    same mailbox sends the link to that mailbox as stored. The address is
    looked up here, in the worker, so the page that took the request
    answered the same whether or not it was known. The task holds the
    request's id only, never the address.
    """
    privacy_request = PrivacyRequest.objects.filter(
        pk=request_id, outcome=PrivacyRequest.Outcome.QUEUED
    ).first()
    if privacy_request is None:
        return 0
    address = stored_address(privacy_request.email) if privacy_request.email else None
    if address is None:
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
    sent = send("privacy-link", address, subject, body)
    privacy_request.outcome = PrivacyRequest.Outcome.MAILED
    privacy_request.mailed_at = timezone.now()
    privacy_request.save(update_fields=["outcome", "mailed_at"])
    return len(sent)
