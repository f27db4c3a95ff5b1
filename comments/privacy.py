"""Commenters' personal data: export it, erase it, and stop keeping addresses.

Editors do it in the admin; commenters themselves through a mailed link
(comments/selfservice.py). Both call the same two functions here.

Like WordPress's privacy tools, erasing anonymises instead of deleting: the
name becomes "Anonymous", the email, website, IP address and browser are
emptied, and the text stays where it was, so the threads it belongs to keep
their shape.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from outbox.sending import mails_to

from . import erasures
from .models import ANONYMOUS_NAME, Comment, CommentVersion, PrivacyRequest
from .moderation import purge_discussions
from .signals import commenter_erased, commenter_exported


def comments_by(email):
    return Comment.objects.by_email(email).select_related("article").order_by("created_at", "pk")


def stored_address(email):
    """Where mail about the comments left with this address goes: the address as stored with
    the newest of them, never as typed (None when there are none).

    The typed address only finds the mailbox (outbox.addresses); Django's
    password reset, after CVE-2019-19844, mails the stored address the same way.
    """
    newest = Comment.objects.by_email(email).order_by("-created_at", "-pk")
    return newest.values_list("author_email", flat=True).first()


def _time(moment):
    return moment.isoformat() if moment else None


def export_commenter(email, site_url=""):
    """Every comment left with this email address, as a JSON-ready document."""
    comments = [
        {
            "id": comment.pk,
            "article": {
                "title": comment.article.title,
                "url": site_url + comment.article.get_absolute_url(),
            },
            "in_reply_to": comment.parent_id,
            "text": comment.body,
            "created_at": comment.created_at.isoformat(),
            "updated_at": comment.updated_at.isoformat(),
            "status": comment.status,
            "name": comment.author_name,
            "email": comment.author_email,
            "website": comment.author_url,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "edited_at": _time(comment.edited_at),
            "earlier_versions": [
                {
                    "text": version.body,
                    "status": version.status,
                    "written_at": version.written_at.isoformat(),
                    "replaced_at": version.replaced_at.isoformat(),
                }
                for version in comment.versions.all()
            ],
        }
        for comment in comments_by(email).prefetch_related("versions")
    ]
    mails = [
        {
            "kind": mail.kind,
            "subject": mail.subject,
            "status": mail.status,
            "queued_at": mail.created_at.isoformat(),
            "sent_at": mail.sent_at.isoformat() if mail.sent_at else None,
        }
        for mail in mails_to(email).order_by("created_at", "pk")
    ]
    requests = [
        {
            "kind": request.kind,
            "outcome": request.outcome,
            "requested_at": request.requested_at.isoformat(),
            "mailed_at": _time(request.mailed_at),
            "fulfilled_at": _time(request.fulfilled_at),
        }
        for request in PrivacyRequest.objects.by_email(email).order_by("requested_at", "pk")
    ]
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "comment_count": len(comments),
        "comments": comments,
        "mail": mails,
        # What other apps keep about the address (confirmation, browser keys, follows).
        **dict(data for _, data in commenter_exported.send(sender=Comment, email=email)),
        "privacy_requests": requests,
    }


def erase_commenter(email, *, log=True):
    """Anonymise every comment left with this email address, and forget the mail sent to it.

    Its confirmation, browser keys and follows go too, so nothing is mailed
    to it again; the earlier versions of those comments go; the record of privacy
    requests made for the address stays, without the address. Returns how
    many comments were anonymised.

    The erasure is written to the erasure log (comments/erasures.py) before
    the database commits it, so a restore from an earlier backup erases the
    commenter again; a restore doing just that passes log=False.
    """
    with transaction.atomic():
        if log:
            erasures.record(email)
        mails_to(email).delete()
        commenter_erased.send(sender=Comment, email=email)
        PrivacyRequest.objects.by_email(email).update(email="")
        erased = list(comments_by(email).values_list("pk", "article_id"))
        if not erased:
            return 0
        ids = [pk for pk, _ in erased]
        CommentVersion.objects.filter(comment_id__in=ids).delete()
        Comment.objects.filter(pk__in=ids).update(
            author_name=ANONYMOUS_NAME,
            author_email="",
            author_url="",
            ip_address=None,
            client_network="",
            user_agent="",
            user=None,
            updated_at=timezone.now(),
        )
        purge_discussions({article_id for _, article_id in erased})
    return len(erased)


def purge_expired_addresses(now=None, days=None):
    """Remove IP addresses and browsers older than the retention period; returns how many."""
    days = settings.COMMENT_IP_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = Comment.objects.filter(created_at__lt=cutoff).filter(
        Q(ip_address__isnull=False) | ~Q(user_agent="") | ~Q(client_network="")
    )
    return expired.update(ip_address=None, client_network="", user_agent="")
