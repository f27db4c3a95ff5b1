"""Posting a comment: the one multi-step write of the discussion.

`post_comment` validates, refuses duplicates and floods, sanitises, decides
the moderation status, saves, and asks for the editors to be told once the
transaction has committed. The view, the tests and the benchmarks all call it.
"""

import ipaddress
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article

from .forms import CommentForm
from .models import MAX_USER_AGENT_LENGTH, Comment, DiscussionSettings
from .moderation import decide
from .tasks import notify_editors

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
    def from_request(cls, request):
        user = request.user if request.user.is_authenticated else None
        return cls(
            ip_address=client_ip(request),
            user_agent=printable(request.META.get("HTTP_USER_AGENT", ""))[:MAX_USER_AGENT_LENGTH],
            user=user,
            site_url=f"{request.scheme}://{request.get_host()}",
        )

    @property
    def is_editor(self):
        return self.user is not None and self.user.has_perm("comments.change_comment")


def printable(header):
    """A header value with control characters (NUL included) turned into spaces.

    Headers come from anyone; PostgreSQL cannot store NUL, and moderation
    word matching should see what an editor would see.
    """
    return _CONTROL_CHARACTERS.sub(" ", header)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the proxy's last hop when configured."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.USE_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


@dataclass
class PostResult:
    form: CommentForm
    comment: Comment | None = None
    discarded: bool = False

    @property
    def error_code(self):
        """The most telling reason the post was refused, for the HTTP status."""
        codes = self.form.error_codes()
        for code in ("flood", "duplicate"):
            if code in codes:
                return code
        return "invalid" if self.form.errors else None


def is_duplicate(comment):
    return (
        Comment.objects.filter(article=comment.article, parent=comment.parent, body=comment.body)
        .exclude(status=Comment.Status.TRASH)
        .filter(Q(author_name=comment.author_name) | Q(author_email__iexact=comment.author_email))
        .exists()
    )


def is_flooding(comment, now=None):
    """Did the same address or email post within COMMENT_FLOOD_SECONDS?"""
    seconds = settings.COMMENT_FLOOD_SECONDS
    if seconds <= 0:
        return False
    same_author = Q(author_email__iexact=comment.author_email)
    if comment.ip_address:
        same_author |= Q(ip_address=comment.ip_address)
    since = (now or timezone.now()) - timedelta(seconds=seconds)
    return Comment.objects.filter(same_author, created_at__gte=since).exists()


def post_comment(data, client):
    """Validate and store a comment; return the form (with any errors) and the comment."""
    form = CommentForm(data)
    if form.is_trap_filled:
        # Whatever else it sent, a robot gets no error messages to learn from.
        logger.info("Discarded a comment that filled the robot trap (from %s).", client.ip_address)
        return PostResult(form, discarded=True)
    if not form.is_valid():
        return PostResult(form)
    values = form.cleaned_data
    comment = Comment(
        article=values["article"],
        parent=values["parent"],
        author_name=values["author"],
        author_email=values["email"],
        author_url=values["url"],
        body=values["comment"],
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        user=client.user,
    )
    with transaction.atomic():
        # One writer per article at a time (SQLite's IMMEDIATE transactions
        # already queue writers), so two identical posts cannot both pass.
        Article.objects.select_for_update().filter(pk=comment.article.pk).exists()
        if is_duplicate(comment):
            form.add_error(None, ValidationError(DUPLICATE_MESSAGE, code="duplicate"))
            return PostResult(form)
        if not client.is_editor and is_flooding(comment):
            form.add_error(None, ValidationError(FLOOD_MESSAGE, code="flood"))
            return PostResult(form)
        comment.sanitize()  # the link count rule reads the HTML
        decision = decide(comment, DiscussionSettings.load(), by_editor=client.is_editor)
        comment.status = decision.status
        comment.save()
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(partial(notify_editors.enqueue, comment.pk, client.site_url))
    logger.info(
        "Comment %s on %r is %s: %s.", comment.pk, comment.article.slug, comment.status,
        decision.reason,
    )  # fmt: skip
    return PostResult(form, comment)
