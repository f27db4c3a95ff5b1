"""Posting a comment: the one multi-step write of the discussion.

`post_comment` validates, refuses duplicates and floods, sanitises, decides
the moderation status (trusting a verified author only by their browser's
key), saves, follows the comment for its author when they asked (or mails a
confirmation link), and asks for the editors to be told once the
transaction has committed (of a held comment, all of them; of a published
one, those who asked). The view, the tests and the benchmarks all call it.
"""

import logging
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import pluralize
from django.utils import timezone

from articles.models import Article
from guard.clientaddr import client_address, limit_address
from guard.siteurl import site_url

from .editors import author_fields, is_editor
from .forms import CommentForm, EditorCommentForm, comparable_name
from .models import MAX_USER_AGENT_LENGTH, Comment, DiscussionSettings
from .moderation import decide
from .signals import author_vouched_for, comment_posted
from .tasks import announce_published, notify_editors

logger = logging.getLogger(__name__)

DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you’ve already said that!"
FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Client:
    """Who is posting, as far as the server can tell."""

    ip_address: str | None = None
    user_agent: str = ""
    user: object = None
    site_url: str = ""

    @classmethod
    def from_request(cls, request, *, stranger=False):
        """The posting client; `stranger` ignores a logged-in editor (a confirmed post).

        A post confirmed from the "Confirm your comment" page may have been
        started by another site; it gets no editor's privileges.
        """
        user = request.user if not stranger and request.user.is_authenticated else None
        return cls(
            ip_address=client_address(request),
            user_agent=printable(request.META.get("HTTP_USER_AGENT", ""))[:MAX_USER_AGENT_LENGTH],
            user=user,
            site_url=site_url(request),
        )

    @property
    def is_editor(self):
        return is_editor(self.user)

    @property
    def form_class(self):
        """An editor's form asks for the comment alone; everyone else's for name and email too."""
        return EditorCommentForm if self.is_editor else CommentForm

    @property
    def network(self):
        """The address as limits count it (an IPv6 client's /64)."""
        return limit_address(self.ip_address) if self.ip_address else ""


def printable(header):
    """A header value with control characters (NUL included) turned into spaces.

    Headers come from anyone; PostgreSQL cannot store NUL, and moderation
    word matching should see what an editor would see.
    """
    return _CONTROL_CHARACTERS.sub(" ", header)


@dataclass
class PostResult:
    form: CommentForm
    comment: Comment | None = None
    discarded: bool = False
    retry_after: int = 0  # seconds, when refused for posting too soon

    @property
    def error_code(self):
        """The most telling reason the post was refused, for the HTTP status."""
        codes = self.form.error_codes()
        for code in ("flood", "duplicate"):
            if code in codes:
                return code
        return "invalid" if self.form.errors else None


def is_duplicate(comment):
    """Has the same client, or someone of the same name, already said exactly this here?

    Never keyed on the email address: whether an address has commented must
    not change any answer. Names compare after NFKC, case folding and
    collapsed whitespace, so "Ａｌｉｃｅ" repeats "alice".
    """
    name = comparable_name(comment.author_name)
    earlier = (
        Comment.objects.filter(article=comment.article, parent=comment.parent, body=comment.body)
        .exclude(status=Comment.Status.TRASH)
        .values_list("author_name", "client_network")
    )
    return any(
        comparable_name(author) == name or (network and network == comment.client_network)
        for author, network in earlier
    )


def flood_wait(comment, now=None):
    """How many seconds the same client (an IPv6 client's /64) must still wait to post: its
    last post was less than COMMENT_FLOOD_SECONDS ago. 0 when it may post now."""
    seconds = settings.COMMENT_FLOOD_SECONDS
    if seconds <= 0 or not comment.client_network:
        return 0
    now = now or timezone.now()
    since = now - timedelta(seconds=seconds)
    last = Comment.objects.filter(
        client_network=comment.client_network, created_at__gte=since
    ).aggregate(last=Max("created_at"))["last"]
    if last is None:
        return 0
    return max(1, math.ceil(seconds - (now - last).total_seconds()))


def is_flooding(comment, now=None):
    """Did the same client (an IPv6 client's /64) post within COMMENT_FLOOD_SECONDS?"""
    return flood_wait(comment, now) > 0


def flood_message(wait):
    """WordPress's words, then how long to wait."""
    return (
        f"{FLOOD_MESSAGE} Please wait {wait} second{pluralize(wait)}, "
        "then press “Post Comment” again."
    )


def vouched_author(email, key):
    """Who vouches for the author of a post (a receiver of author_vouched_for), or None."""
    for _, voucher in author_vouched_for.send(sender=Comment, email=email, key=key):
        if voucher is not None:
            return voucher
    return None


def post_comment(data, client):
    """Validate and store a comment; return the form (with any errors) and the comment.

    A signed-in editor's comment is signed with their public name and
    flagged `is_by_editor`, whatever name the request sent.
    """
    form = client.form_class(data)
    if form.is_trap_filled:
        # Whatever else it sent, a robot gets no error messages to learn from.
        logger.info("Discarded a comment that filled the robot trap.")
        return PostResult(form, discarded=True)
    if not form.is_valid():
        return PostResult(form)
    values = form.cleaned_data
    if client.is_editor:
        values = {**values, **author_fields(client.user)}
    comment = Comment(
        article=values["article"],
        parent=values["parent"],
        author_name=values["author"],
        author_email=values["email"],
        author_url=values["url"],
        body=values["comment"],
        ip_address=client.ip_address,
        client_network=client.network,
        user_agent=client.user_agent,
        user=client.user,
        is_by_editor=client.is_editor,
    )
    # Sanitising is the costly step: done before the article's write lock is
    # taken, so a long comment never makes the posts behind it wait.
    comment.sanitize()  # the link count rule reads the HTML
    # Trust comes from the key this browser got by confirming the address, never
    # from the typed address: without a valid key, nobody is looked up by it.
    voucher = vouched_author(values["email"], values["commenter_key"])
    decision = decide(
        comment,
        DiscussionSettings.load(),
        by_editor=client.is_editor,
        verified_author=voucher is not None,
    )
    with transaction.atomic():
        # One writer per article at a time (SQLite's IMMEDIATE transactions
        # already queue writers), so two identical posts cannot both pass.
        Article.objects.select_for_update().filter(pk=comment.article.pk).exists()
        if is_duplicate(comment):
            form.add_error(None, ValidationError(DUPLICATE_MESSAGE, code="duplicate"))
            return PostResult(form)
        wait = 0 if client.is_editor else flood_wait(comment)
        if wait:
            form.add_error(None, ValidationError(flood_message(wait), code="flood"))
            return PostResult(form, retry_after=wait)
        comment.status = decision.status
        comment.save()
        comment_posted.send(
            sender=Comment, comment=comment, voucher=voucher, notify=values["notify"],
            site_url=client.site_url,
        )  # fmt: skip
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(partial(notify_editors.enqueue, comment.pk, client.site_url))
        elif comment.status == Comment.Status.APPROVED:
            # Only editors who asked for it hear of these (EditorMailPreference).
            transaction.on_commit(partial(announce_published, comment.pk, client.site_url))
    logger.info(
        "Comment %s on article %s is %s: %s.", comment.pk, comment.article_id, comment.status,
        decision.reason,
    )  # fmt: skip
    return PostResult(form, comment)
