"""Moderating from the mail: the signed Approve / Spam / Trash links in the editors' mail.

A link opens a page showing the comment and one button; only pressing it
(a POST, by a signed-in editor allowed to change comments) moves the
comment, through the same set_status as the admin's buttons. Mail
scanners follow links; they do not press buttons. The admin's own
admin_view sends anyone not signed in to its login page and back.
"""

from django.contrib import admin, messages
from django.core import signing
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .models import Comment
from .moderation import DONE, VIA_MAIL, set_status
from .signing import moderation_from_token

BUTTONS = {
    Comment.Status.APPROVED: "Approve",
    Comment.Status.PENDING: "Move back to pending",
    Comment.Status.SPAM: "Mark as spam",
    Comment.Status.TRASH: "Move to the trash",
}
REFUSALS = {
    # reason: (HTTP status, page title)
    "forbidden": (403, "You may not moderate comments"),
    "invalid": (400, "This moderation link is not valid"),
    "expired": (410, "This moderation link has expired"),
    "gone": (404, "This comment no longer exists"),
    "changed": (409, "This comment has changed since the mail was sent"),
}


def _page(request, template, title, status=200, **context):
    context = {**admin.site.each_context(request), "title": title, **context}
    return TemplateResponse(request, template, context, status=status)


def refuse(request, reason, comment=None):
    status, title = REFUSALS[reason]
    return _page(
        request, "admin/comments/comment/moderate_refused.html", title, status,
        reason=reason, comment=comment, queue_url=queue_url(),
    )  # fmt: skip


def queue_url():
    return reverse("admin:comments_comment_changelist") + "?status=pending"


def moderate(request, token):
    """GET: the comment and a button. POST: move it, if it is still as the mail showed it."""
    if not request.user.has_perm("comments.change_comment"):
        return refuse(request, "forbidden")
    try:
        comment_id, mailed_status, target = moderation_from_token(token)
    except signing.SignatureExpired:
        return refuse(request, "expired")
    except signing.BadSignature:
        return refuse(request, "invalid")
    if target not in BUTTONS or mailed_status not in Comment.Status.values:
        return refuse(request, "invalid")
    comment = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
    if comment is None:
        return refuse(request, "gone")
    if comment.status != mailed_status:
        return refuse(request, "changed", comment)
    button = BUTTONS[target]
    if request.method == "POST":
        still_as_mailed = Comment.objects.filter(pk=comment.pk, status=mailed_status)
        if not set_status(still_as_mailed, target, by=request.user, via=VIA_MAIL):
            comment.refresh_from_db()
            return refuse(request, "changed", comment)
        messages.success(request, f"The comment by {comment.author_name} was {DONE[target]}.")
        return HttpResponseRedirect(queue_url())
    title = f"{button}: comment by {comment.author_name}"
    return _page(
        request, "admin/comments/comment/moderate.html", title,
        comment=comment, button=button, target=target,
        change_url=reverse("admin:comments_comment_change", args=[comment.pk]),
    )  # fmt: skip
