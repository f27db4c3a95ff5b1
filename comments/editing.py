"""Editing your own comment: for a while after posting, by the browser that posted it.

Posting hands the author a signed edit token (comments.signing.edit_token):
on the page the post lands on, as a link, and from there in the browser's
localStorage, so the shared article page never carries anything about its
reader. `comment_for_edit` decides whether a token may edit a comment now;
`edit_comment` is the one function that changes the text: the same checks,
sanitiser and moderation rules as a post, the earlier text kept for editors.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from .forms import EditForm
from .models import Comment, CommentVersion, DiscussionSettings
from .moderation import decide
from .signing import comment_id_from_edit_token, edit_token
from .tasks import notify_editors
from .thread import change_url, display_datetime

logger = logging.getLogger(__name__)

# Statuses whose author may still change the text; spam and trash stay as they are.
EDITABLE = {Comment.Status.PENDING, Comment.Status.APPROVED}
# However often the rate limit allows, one comment keeps at most this many earlier texts.
MAX_EDITS = 20
TOO_MANY_EDITS = "This comment has been edited too many times; it stays as it is now."


class EditRefused(Exception):
    """Why a comment cannot be edited through this link; nothing was changed."""

    MESSAGES = {
        "invalid": "This edit link is not valid for this comment. A comment can only be "
        "edited from the browser that posted it, through the link it was given.",
        "expired": "Comments can be edited for %(minutes)s minutes after they are posted. "
        "This one was posted longer ago, so it stays as it is.",
        "closed": "This comment can no longer be edited.",
    }

    def __init__(self, code, minutes=0):
        self.code = code
        self.message = self.MESSAGES[code] % {"minutes": minutes}
        super().__init__(self.message)


def edit_deadline(comment, rules):
    """Until when the comment's author may edit it."""
    return comment.created_at + timedelta(minutes=rules.edit_window_minutes)


def is_editable(comment, rules, now=None):
    return (
        rules.edit_window_minutes > 0
        and comment.status in EDITABLE
        and (now or timezone.now()) < edit_deadline(comment, rules)
    )


def _check(comment, rules, now=None):
    if comment.status not in EDITABLE:
        raise EditRefused("closed")
    if not is_editable(comment, rules, now):
        raise EditRefused("expired", rules.edit_window_minutes)


def comment_for_edit(pk, token, now=None):
    """The comment this token may edit now, or EditRefused saying why not.

    The token must be signed by this site for this very comment (a token of
    another comment is refused, not followed), and the comment must still be
    within the editing window and not spam or trash.
    """
    rules = DiscussionSettings.load()
    try:
        # The window is checked against the comment's own time below; the
        # token's age only has to be no older than the longest window.
        token_pk = comment_id_from_edit_token(token, max_age=timedelta(days=1, minutes=1))
    except signing.BadSignature:
        raise EditRefused("invalid") from None
    if token_pk != pk:
        raise EditRefused("invalid")
    comment = Comment.objects.select_related("article").filter(pk=pk).first()
    if comment is None:
        raise EditRefused("invalid")
    _check(comment, rules, now)
    return comment


def edit_url(comment):
    return reverse("comments:edit", kwargs={"pk": comment.pk, "token": edit_token(comment)})


def author_tools(comment, now=None, *, for_editor=False):
    """What the author sees with their own comment on their uncached page: the edit link
    while the window is open, and the comment's place on the article once it is public.

    A signed-in editor (`for_editor`) is also told the comment's status as
    it is, spam included, where its author reads only "awaiting moderation".
    """
    rules = DiscussionSettings.load()
    context = {
        "comment": comment,
        "permalink": comment.get_absolute_url(),
        "change_url": change_url(comment.pk) if for_editor else "",
    }
    if is_editable(comment, rules, now):
        deadline = timezone.localtime(edit_deadline(comment, rules)).replace(microsecond=0)
        context.update(
            edit_url=edit_url(comment),
            deadline_iso=deadline.isoformat(),
            deadline_display=display_datetime(deadline),
        )
    html = render_to_string("comments/includes/author_tools.html", context)
    return {"comment": comment, "html": SafeString(html.strip())}


@dataclass
class EditResult:
    form: EditForm
    comment: Comment | None = None

    @property
    def error_code(self):
        if not self.form.errors:
            return None
        codes = {error.code for errors in self.form.errors.as_data().values() for error in errors}
        return "too_many_edits" if "too_many_edits" in codes else "invalid"


def edit_comment(comment, data, client, now=None):
    """Change a comment's text as its author; return the form (with any errors) and the comment.

    The new text passes the same validation, sanitiser and moderation rules
    as a new post (a link too many sends it back to the moderation queue;
    editors are told, as for a post); an approved comment whose edit passes
    them and adds no link stays approved. It is the author's edit whoever
    saves it: an editor's privilege counts only for the editor's own
    comment, and never for a `client` that is a stranger (saved from the
    "Please check your change" page, which another site may have led to).
    The earlier text is kept as a CommentVersion. Raises EditRefused if the
    window closed meanwhile.
    """
    form = EditForm(data)
    if not form.is_valid():
        return EditResult(form)
    body = form.cleaned_data["comment"]
    if body == comment.body:
        return EditResult(form, comment)
    rules = DiscussionSettings.load()
    # Sanitising is the costly step: before the row is locked, as for a post.
    comment.body = body
    comment.sanitize()
    now = now or timezone.now()
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        current.article = comment.article
        _check(current, rules, now)
        decision = decide(
            comment,
            rules,
            by_editor=client.is_editor and current.user_id == client.user.pk,
            approved_html=current.body_html if current.is_public else None,
        )
        if current.versions.count() >= MAX_EDITS:
            form.add_error("comment", ValidationError(TOO_MANY_EDITS, code="too_many_edits"))
            return EditResult(form)
        CommentVersion.objects.create(
            comment=current,
            body=current.body,
            status=current.status,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
        )
        was = current.status
        current.body, current.body_html, current._sanitized_body = body, comment.body_html, body
        current.status, current.edited_at = decision.status, now
        current.save(update_fields=["body", "status", "edited_at", "updated_at"])
        if current.status == Comment.Status.PENDING and was != Comment.Status.PENDING:
            transaction.on_commit(partial(notify_editors.enqueue, current.pk, client.site_url))
    logger.info("Comment %s was edited and is %s: %s.", current.pk, current.status, decision.reason)
    return EditResult(form, current)
