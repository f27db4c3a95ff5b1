"""The task worker's side: confirmation mail, notices of replies and approvals, digests.

Tasks carry ids (a comment's, a commenter's), never an address: the address
is read when the task runs, so an erased commenter gets nothing and the task
queue holds nothing personal. Every mail goes through the outbox, which
delivers it and tries again while the mail server is down.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from comments.models import Comment, DiscussionSettings
from outbox.models import Mail
from outbox.sending import send

from .models import Commenter, Notice, Subscription, Verification
from .signing import confirm_token, unsubscribe_token

logger = logging.getLogger(__name__)

# A new confirmation mail for one address: not within 10 minutes of the
# last, at most 5 a day. Either limit ends by itself, so nobody is locked out.
RESEND_AFTER = timedelta(minutes=10)
CONFIRMATIONS_PER_DAY = 5
# The mail kinds the hourly cap (COMMENT_NOTIFY_PER_HOUR) counts.
NOTICE_KINDS = ("reply", "approved", "digest")
CAP_WINDOW = timedelta(hours=1)
# Replies listed in one digest; the rest are counted.
DIGEST_ITEMS = 20


def _base_url(site_url=""):
    return settings.SITE_URL or site_url


def unsubscribe_headers(url):
    """`List-Unsubscribe` for an absolute link; RFC 8058's one-click POST only over https."""
    if not url.startswith(("http://", "https://")):
        return {}
    headers = {"List-Unsubscribe": f"<{url}>"}
    if url.startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


@task()
def send_confirmation(comment_id, site_url=""):
    """Mail a confirmation link to the address of a comment whose box was ticked; True if sent.

    The same mail whether the address is new, waiting or verified: a
    verified commenter on another device (or with cleared storage) gets a
    new key the same way. Spam and trashed comments send nothing.
    """
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    live = (Comment.Status.PENDING, Comment.Status.APPROVED)
    if comment is None or comment.status not in live or not comment.author_email_key:
        return False
    now = timezone.now()
    with transaction.atomic():
        commenter, _ = Commenter.objects.get_or_create(
            email_key=comment.author_email_key, defaults={"email": comment.author_email}
        )
        commenter = Commenter.objects.select_for_update().get(pk=commenter.pk)
        recent = commenter.verifications.filter(created_at__gt=now - timedelta(days=1))
        if recent.filter(created_at__gt=now - RESEND_AFTER).exists() or (
            recent.count() >= CONFIRMATIONS_PER_DAY
        ):
            logger.info("No confirmation mail for comment %s: asked again too soon.", comment.pk)
            return False
        verification = Verification.objects.create(commenter=commenter, comment=comment)
        base = _base_url(site_url)
        context = {
            "comment": comment,
            "article": comment.article,
            "confirm_url": base
            + reverse("subscriptions:confirm", args=[confirm_token(verification)]),
            "hours": settings.COMMENT_VERIFY_LINK_SECONDS // 3600,
            "site_name": settings.SITE_NAME,
        }
        send(
            "confirm",
            comment.author_email,
            f"[{settings.SITE_NAME}] Please confirm your email address",
            render_to_string("subscriptions/email/confirm.txt", context),
            html=render_to_string("subscriptions/email/confirm.html", context),
        )
    logger.info("Confirmation mail queued for comment %s.", comment.pk)
    return True


@task()
def tell_subscribers(comment_ids, held):
    """Tell followers about comments that became public; how many mails went out now.

    A reply's parent's follower hears of the reply (never its own author);
    a comment that was `held` tells its own follower it was approved. Read
    when the task runs: a comment no longer public tells nobody.
    """
    if not DiscussionSettings.load().notify_commenters:
        return 0
    comments = list(
        Comment.objects.public().filter(pk__in=comment_ids).select_related("article", "parent")
    )
    followed = {comment.parent_id for comment in comments if comment.parent_id}
    if held:
        followed |= {comment.pk for comment in comments}
    followers = defaultdict(list)
    subscriptions = Subscription.objects.filter(
        comment_id__in=followed, commenter__verified_at__isnull=False
    ).select_related("commenter")
    for subscription in subscriptions:
        followers[subscription.comment_id].append(subscription.commenter)
    sent = 0
    for comment in comments:
        author = comment.author_email_key
        if comment.parent_id and comment.parent.is_public:
            for commenter in followers[comment.parent_id]:
                if commenter.email_key != author:
                    sent += notify(commenter, Notice.Kind.REPLY, comment)
        if held:
            for commenter in followers[comment.pk]:
                if author and commenter.email_key == author:
                    sent += notify(commenter, Notice.Kind.APPROVED, comment)
    return sent


def notify(commenter, kind, comment):
    """Mail one notice now, or keep it for a digest when the hourly cap is reached; 1 if mailed."""
    now = timezone.now()
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().filter(pk=commenter.pk).first()
        if commenter is None or not commenter.is_verified:
            return 0
        cap = settings.COMMENT_NOTIFY_PER_HOUR
        if commenter.digest_at is None:
            recent = _recent_notices(commenter, now, cap)
            if cap <= 0 or len(recent) < cap:
                _mail_notice(commenter, kind, comment)
                return 1
            # The digest goes once the oldest of these leaves the hour.
            commenter.digest_at = recent[-1] + CAP_WINDOW + timedelta(seconds=1)
            commenter.save(update_fields=["digest_at"])
            transaction.on_commit(
                lambda: send_digest.using(run_after=commenter.digest_at).enqueue(commenter.pk)
            )
        Notice.objects.create(commenter=commenter, comment=comment, kind=kind)
    logger.info("Notice of comment %s kept for commenter %s's digest.", comment.pk, commenter.pk)
    return 0


def _recent_notices(commenter, now, cap):
    """When the last `cap` notices to this address were queued, within the hour, newest first."""
    if cap <= 0:
        return []
    mails = Mail.objects.filter(
        to_key=commenter.email_key, kind__in=NOTICE_KINDS, created_at__gt=now - CAP_WINDOW
    )
    return list(mails.order_by("-created_at").values_list("created_at", flat=True)[:cap])


def _mail_notice(commenter, kind, comment):
    context = {"comment": comment, "article": comment.article, "comment_url": _url(comment)}
    title = comment.article.title
    if kind == Notice.Kind.REPLY:
        subject = f"{comment.author_name} replied to your comment on “{title}”"
    else:
        subject = f"Your comment on “{title}” was approved"
    _mail(commenter, str(kind), subject, context)


def _url(comment):
    return _base_url() + comment.get_absolute_url()


def _mail(commenter, kind, subject, context):
    """Queue one notice with its unsubscribe link, one-click (RFC 8058) when the site is https."""
    unsubscribe = _base_url() + reverse(
        "subscriptions:unsubscribe", args=[unsubscribe_token(commenter)]
    )
    headers = unsubscribe_headers(unsubscribe)
    context = {**context, "unsubscribe_url": unsubscribe, "site_name": settings.SITE_NAME}
    send(
        kind,
        commenter.email,
        f"[{settings.SITE_NAME}] {subject}",
        render_to_string(f"subscriptions/email/{kind}.txt", context),
        html=render_to_string(f"subscriptions/email/{kind}.html", context),
        headers=headers,
    )


@task()
def send_digest(commenter_id):
    """Mail the notices the hourly cap kept back, as one message; how many it carries."""
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().filter(pk=commenter_id).first()
        if commenter is None:
            return 0
        notices = list(commenter.notices.select_related("comment__article"))
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).delete()
        commenter.digest_at = None
        commenter.save(update_fields=["digest_at"])
        if not commenter.is_verified or not DiscussionSettings.load().notify_commenters:
            return 0
        followed = set(commenter.subscriptions.values_list("comment_id", flat=True))
        items = [
            {"notice": notice, "comment": notice.comment, "url": _url(notice.comment)}
            for notice in notices
            if _still_due(notice, followed)
        ]
        if not items:
            return 0
        context = {"items": items[:DIGEST_ITEMS], "more": max(0, len(items) - DIGEST_ITEMS)}
        count = len(items)
        subject = f"{count} new notice{'s' if count != 1 else ''} about your comments"
        _mail(commenter, "digest", subject, context)
    logger.info("Digest of %s notice(s) queued for commenter %s.", count, commenter_id)
    return count


def _still_due(notice, followed):
    """Is the comment still public, and the comment it concerns still followed?"""
    concerns = notice.comment.parent_id if notice.kind == Notice.Kind.REPLY else notice.comment_id
    return notice.comment.is_public and concerns in followed
