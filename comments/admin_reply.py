"""Replying from the admin: a Reply link on each approved comment in the list, and its page.

The reply goes through the posting function exactly as a signed-in editor's
comment on the site does (`comments.services.post_comment`): the same
validation and messages, sanitising, publication at once with the "Editor"
badge, cache purge and notices to followers. CommentAdmin takes
`ReplyAdminMixin` first among its bases.
"""

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .editors import is_editor
from .forms import EditorCommentForm
from .models import Comment
from .services import Client, post_comment

NOT_APPROVED_MESSAGE = (
    "Only an approved comment can be answered; this one is %(status)s. "
    "Approve it first, then reply."
)


def reply_data(comment, text):
    """What the reply page posts: the text typed, under the comment the URL names."""
    return {"comment": text, "article": str(comment.article_id), "parent": str(comment.pk)}


def reply_refusal(comment):
    """Why this comment cannot be answered now, or None: the posting rules' own messages.

    A pending, spam or trashed comment is named as such; closed comments, an
    unpublished article and the thread depth are checked by the same form
    the reply will be posted through.
    """
    if not comment.is_public:
        return NOT_APPROVED_MESSAGE % {"status": comment.get_status_display().lower()}
    probe = EditorCommentForm(reply_data(comment, "A reply."))
    if probe.is_valid():
        return None
    return " ".join(probe.non_field_errors()) or "This comment cannot be answered."


def reply_column(preserved_filters):
    """The list's Reply column, its links leading back to the same filtered list."""

    @admin.display(description="Reply")
    def reply(comment):
        if not comment.is_public:
            return ""
        url = reverse("admin:comments_comment_reply", args=[comment.pk])
        if preserved_filters:
            url = f"{url}?{preserved_filters}"
        return format_html(
            '<a class="comment-reply-admin-link" href="{}" aria-label="Reply to {}">Reply</a>',
            url,
            comment.author_name,
        )

    return reply


class ReplyAdminMixin:
    """For CommentAdmin: a Reply column for editors and the reply page at <id>/reply/."""

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if is_editor(request.user):
            columns.append(reply_column(self.get_preserved_filters(request)))
        return columns

    def get_urls(self):
        reply = self.admin_site.admin_view(self.reply_view)
        return [
            path("<int:object_id>/reply/", reply, name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def reply_view(self, request, object_id):
        """Show the comment and a text box; a POST publishes the editor's reply."""
        if not is_editor(request.user):
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=object_id)
        back = add_preserved_filters(
            {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
            reverse("admin:comments_comment_changelist"),
        )
        refusal, form, status = reply_refusal(comment), EditorCommentForm(), 200
        if request.method == "POST":
            text, status = request.POST.get("comment", ""), 400
            if refusal:
                # Kept in the box, so nothing typed is lost.
                form = EditorCommentForm(initial={"comment": text})
            else:
                result = post_comment(reply_data(comment, text), Client.from_request(request))
                if result.comment is not None:
                    self.message_user(request, published_message(comment, result.comment),
                                      messages.SUCCESS)  # fmt: skip
                    return HttpResponseRedirect(back)
                form = result.form
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reply to {comment.author_name}",
            "opts": self.opts,
            "comment": comment,
            "form": form,
            "refusal": refusal,
            "show_form": not refusal or request.method == "POST",
            "back_url": back,
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context,
                                status=status)  # fmt: skip


def published_message(parent, reply):
    return format_html(
        'Your reply to {} is published. <a href="{}">View it on the site</a>.',
        parent.author_name,
        reply.get_absolute_url(),
    )
