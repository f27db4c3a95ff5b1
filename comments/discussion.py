"""The discussion under an article: what the article page shows of comments.

`article_page_context` is listed in ARTICLE_PAGE_EXTENSIONS; the articles app
calls it without importing this app. It costs one query (all approved
comments, flat) whatever the number of comments; the discussion rules come
from the shared cache.
"""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from immunoblog.jsonld import RawList

from .forms import CommentForm, parse_id
from .models import Comment, DiscussionSettings
from .moderation import comments_open
from .thread import Node, render_thread

_BLANK_LINES = re.compile(r"\n\s*\n")
THREAD_COLUMNS = ("pk", "parent_id", "author_name", "depth", "card_html", "reply_html",
                  "schema_json")  # fmt: skip


@dataclass(frozen=True)
class ReplyTarget:
    pk: int
    author_name: str


@dataclass(frozen=True)
class Discussion:
    article: object
    count: int
    is_open: bool
    max_depth: int
    nodes: list = field(default_factory=list)
    schema_fragments: list = field(default_factory=list)
    reply_to: ReplyTarget | None = None
    can_reply: bool = True

    @property
    def heading(self):
        """WordPress's count heading: "One thought on “…”", "N thoughts on “…”"."""
        if self.count == 1:
            return f"One thought on “{self.article.title}”"
        return f"{self.count} thoughts on “{self.article.title}”"

    @property
    def thread_html(self):
        return render_thread(self.nodes, max_depth=self.max_depth, can_reply=self.can_reply)

    @property
    def form_html(self):
        return blank_form_html()

    @property
    def urls(self):
        return discussion_urls()

    @property
    def schema(self):
        return {"commentCount": self.count, "comment": RawList(self.schema_fragments)}

    def with_pending(self, comment):
        """The discussion as the author of a pending comment sees it."""
        node = Node(comment.pk, comment.parent_id, comment.card_html, "", is_pending=True)
        return replace(self, nodes=[*self.nodes, node], can_reply=False)


@lru_cache(maxsize=4)
def _thread_query(vendor):
    """The thread's SQL, compiled once per process and database kind.

    The page runs it on every uncached view; Django would otherwise build and
    compile the same query each time, which costs more than running it.
    """
    placeholder = -987654321
    queryset = (
        Comment.objects.public()
        .filter(article_id=placeholder)
        .order_by("created_at", "pk")
        .values_list(*THREAD_COLUMNS)
    )
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params), params.index(placeholder)


def thread_rows(article_id):
    """All approved comments of an article, oldest first: one query, plain tuples."""
    sql, params, position = _thread_query(connection.vendor)
    params = (*params[:position], article_id, *params[position + 1 :])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load_discussion(article, *, reply_to_id=None):
    rules = DiscussionSettings.load()
    rows = thread_rows(article.pk)
    is_open = comments_open(article, rules)
    reply_to = None
    if is_open and reply_to_id is not None:
        reply_to = next(
            (
                ReplyTarget(pk, name)
                for pk, _, name, depth, *_ in rows
                if pk == reply_to_id and depth < rules.thread_depth
            ),
            None,
        )
    return Discussion(
        article=article,
        count=len(rows),
        is_open=is_open,
        max_depth=rules.thread_depth,
        nodes=[Node(pk, parent_id, card, reply) for pk, parent_id, _, _, card, reply, _ in rows],
        schema_fragments=[row[-1] for row in rows],
        reply_to=reply_to,
        can_reply=is_open,
    )


@lru_cache(maxsize=1)
def discussion_urls():
    """Where the form posts and fetches its token: fixed, so reversed once."""
    return {"post": reverse("comments:post"), "csrf": reverse("comments:csrf")}


@lru_cache(maxsize=1)
def blank_form_html():
    """The empty form's fields, the same for every reader, so rendered once per process."""
    html = render_to_string("comments/includes/form_fields.html", {"form": CommentForm()})
    return SafeString(_BLANK_LINES.sub("\n", html))


def article_page_context(request, article):
    reply_param = request.GET.get("replytocom")
    discussion = load_discussion(article, reply_to_id=parse_id(reply_param))
    context = {"discussion": discussion, "schema": discussion.schema}
    if reply_param is not None:
        # A reply URL is the same article: never a separate page for search engines.
        context["robots"] = "noindex, follow"
    return context
