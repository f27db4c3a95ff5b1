"""The discussion under an article: what the article page shows of comments.

The article template asks for it with `{% get_discussion article as discussion %}`
(comments/templatetags/discussion.py). It costs one query (all approved
comments, flat) whatever the number of comments; the discussion rules come
from the shared cache.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from .forms import CommentForm
from .models import Comment, DiscussionSettings
from .moderation import comments_open
from .thread import entry_schema, flatten

_BLANK_LINES = re.compile(r"\n\s*\n")
THREAD_FIELDS = (
    "pk", "parent_id", "author_name", "author_email", "author_url", "body", "body_html",
    "created_at", "edited_at", "import_id",
)  # fmt: skip


@dataclass(frozen=True)
class Discussion:
    article: object
    count: int
    is_open: bool
    entries: list = field(default_factory=list)
    reply_to: object = None  # the entry's comment (a row) the form replies to

    @property
    def heading(self):
        """WordPress's count heading: "One thought on “…”", "N thoughts on “…”"."""
        if self.count == 1:
            return f"One thought on “{self.article.title}”"
        return f"{self.count} thoughts on “{self.article.title}”"

    @property
    def form_html(self):
        return blank_form_html()

    @property
    def urls(self):
        return discussion_urls()

    @property
    def schema(self):
        """What the discussion adds to the article's JSON-LD: its public comments."""
        public = [entry_schema(entry) for entry in self.entries if not entry["is_pending"]]
        return {"commentCount": self.count, "comment": public}


def thread_comments(article):
    """All approved comments of an article, oldest first: one query.

    Rows (named tuples with the fields a card prints), not model instances:
    the page only reads them, and building a row costs a tenth as much.
    """
    return Comment.objects.public().filter(article=article).values_list(*THREAD_FIELDS, named=True)


def load_discussion(article, *, reply_to_id=None, pending=None, own=None):
    """The article's discussion; `pending` is shown too (to its author alone).

    `own` ({"pk", "html"}, from editing.author_tools) is the comment of the
    reader of an uncached author's page: its card gets their tools.
    """
    rules = DiscussionSettings.load()
    is_open = comments_open(article, rules)
    entries = flatten(
        thread_comments(article),
        max_depth=rules.thread_depth,
        can_reply=is_open and pending is None,
        pending=pending,
    )
    reply_to = next(
        (
            entry["comment"]
            for entry in entries
            if entry["can_reply"] and entry["pk"] == reply_to_id
        ),
        None,
    )
    if own is not None:
        for entry in entries:
            if entry["pk"] == own["pk"]:
                entry["author_tools"] = own["html"]
    count = len(entries) - (pending is not None)
    return Discussion(article=article, count=count, is_open=is_open, entries=entries,
                      reply_to=reply_to)  # fmt: skip


@lru_cache(maxsize=1)
def discussion_urls():
    """Where the form posts and fetches its token: fixed, so reversed once."""
    return {
        "post": reverse("comments:post"),
        "csrf": reverse("comments:csrf"),
        "privacy": reverse("comments:privacy"),
    }


@lru_cache(maxsize=1)
def blank_form_html():
    """The empty form's fields, the same for every reader, so rendered once per process."""
    html = render_to_string("comments/includes/form_fields.html", {"form": CommentForm()})
    return SafeString(_BLANK_LINES.sub("\n", html))
