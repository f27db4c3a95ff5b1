"""Discussion rules: whether comments are open, what happens to a new one, and moderation.

Each rule is a small function of its inputs, so each can be tested alone. The
posting function calls `decide`; every editor's move (the admin's bulk
actions and row buttons, the links in the moderation mail) calls
`set_status`; housekeeping calls `empty_trash`.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import Comment, DiscussionSettings
from .signals import comments_published, purge_discussions

_LINK = re.compile(r"<a\s", re.IGNORECASE)
# The sanitiser writes every link as <a href="..." ...>, the target always quoted so.
_LINK_TARGET = re.compile(r"<a\s[^>]*?\bhref=\"([^\"]*)\"", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def comments_open(article, rules, now=None):
    """Comments are open unless the article, its close date or its age closes them."""
    now = now or timezone.now()
    if not article.allow_comments:
        return False
    if article.comments_close_at and now >= article.comments_close_at:
        return False
    if rules.close_after_days and article.published_at:
        return now < article.published_at + timedelta(days=rules.close_after_days)
    return True


def matching_word(words, comment):
    """The first listed word found in any part of the comment, WordPress-style.

    Like WordPress, it looks in the text, name, email, website, IP address and
    user agent, case-insensitively, also inside longer words.
    """
    haystack = "\n".join(
        str(part or "")
        for part in (
            comment.body,
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.ip_address,
            comment.user_agent,
        )
    ).lower()
    return next((word for word in words if word in haystack), None)


def link_count(body_html):
    return len(_LINK.findall(body_html))


def link_targets(body_html):
    """The addresses the links of a sanitised text point to."""
    return set(_LINK_TARGET.findall(body_html))


def has_approved_history(email):
    """Has this email address had a comment approved before?

    Erased commenters have no email left on their old comments, so erasure
    also ends their trust.
    """
    return Comment.objects.public().by_email(email).exists()


def decide(comment, rules, *, by_editor=False, verified_author=False, approved_html=None):
    """The status a new or edited comment gets, and why (the reason goes to the log).

    A typed email address changes nothing here: that would let anyone test
    whether an address belongs to a commenter. Only `verified_author` (the
    post carried the key a browser got by confirming this address) lets the
    address's history count, and the history is looked up only then, so a
    post without a key costs the same queries whatever address it names.
    The reason names no word, as the word may be part of an address.

    `by_editor` is for an editor's own comment, written signed in, never for
    a text an editor's browser saves for someone else. `approved_html` is
    the text an editor approved, when an approved comment is edited: an edit
    with no listed word that links nowhere that text did not stays approved
    (a typo fix waits for nobody, whatever links were approved with it); a
    new link is counted and waits as in a new comment.
    """
    if by_editor:
        return Decision(Comment.Status.APPROVED, "posted by an editor")
    word = matching_word(DiscussionSettings.word_list(rules.disallowed_words), comment)
    if word:
        return Decision(Comment.Status.SPAM, "a disallowed word")
    word = matching_word(DiscussionSettings.word_list(rules.moderation_words), comment)
    if word:
        return Decision(Comment.Status.PENDING, "a moderation word")
    if approved_html is not None and link_targets(comment.body_html) <= link_targets(approved_html):
        return Decision(Comment.Status.APPROVED, "an approved comment's edit with no new link")
    links = link_count(comment.body_html)
    if rules.hold_link_count and links >= rules.hold_link_count:
        return Decision(Comment.Status.PENDING, f"{links} links")
    if not rules.manual_approval:
        return Decision(Comment.Status.APPROVED, "manual approval is off")
    if (
        verified_author
        and rules.auto_approve_verified_authors
        and has_approved_history(comment.author_email)
    ):
        return Decision(Comment.Status.APPROVED, "a verified author with an approved comment")
    return Decision(Comment.Status.PENDING, "manual approval")


# How each way of moderating is named in the admin's history.
VIA_ACTION = "with a bulk action"
VIA_ROW = "with the row's button"
VIA_MAIL = "from the moderation mail"

# What happened to a comment moved to each status, in the admin's messages and history.
DONE = {
    Comment.Status.APPROVED: "approved",
    Comment.Status.PENDING: "moved back to pending",
    Comment.Status.SPAM: "marked as spam",
    Comment.Status.TRASH: "moved to the trash",
}


def record_moderation(user, comments, status, via):
    """Write the admin's history (LogEntry) for comments an editor moved to `status`.

    `comments` are (comment, status it had) pairs; one row per comment, in one query.
    """
    content_type = ContentType.objects.get_for_model(Comment)
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=user.pk,
            content_type=content_type,
            object_id=str(comment.pk),
            object_repr=str(comment)[:200],
            action_flag=CHANGE,
            change_message=f"{DONE[status].capitalize()} {via} (was {old}).",
        )
        for comment, old in comments
    )


def set_status(comments, status, *, by=None, via=VIA_ACTION):
    """Move comments to a status; pages that showed or will show them are refreshed.

    The admin's actions and row buttons, the links in the moderation mail
    and anything else that moderates call this; the change form saves one
    comment, which the page cache and the notices hear about by themselves.
    Comments approved here are announced to their followers
    (comments_published). The editor `by` (if any) gets a line in the
    admin's history per comment, naming `via`. Returns how many changed.
    """
    with transaction.atomic():
        changing = [
            (comment, comment.status)
            for comment in comments.exclude(status=status)
            .select_related(None)
            .select_related("article")
            .only("pk", "status", "author_name", "article_id", "article__title")
        ]
        if not changing:
            return 0
        changed_ids = [comment.pk for comment, _ in changing]
        Comment.objects.filter(pk__in=changed_ids).update(status=status, updated_at=timezone.now())
        purge_discussions(
            {
                comment.article_id
                for comment, old in changing
                if Comment.Status.APPROVED in (old, status)
            }
        )
        if by is not None:
            record_moderation(by, changing, status, via)
        if status == Comment.Status.APPROVED:
            comments_published.send(sender=Comment, ids=changed_ids, held=True)
    return len(changing)


def empty_trash(now=None, batch_size=500):
    """Delete for good the comments in the trash for `trash_days`; how many.

    Their time in the trash counts from their last change (moving to the
    trash is one). Deleted in batches, through the model's delete, so the
    replies move up and the pages are purged as with any delete.
    """
    days = DiscussionSettings.load().trash_days
    if not days:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = Comment.objects.filter(status=Comment.Status.TRASH, updated_at__lt=cutoff)
    deleted = 0
    while batch := list(expired.values_list("pk", flat=True)[:batch_size]):
        Comment.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted
