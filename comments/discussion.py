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

from .forms import CommentForm, EditorCommentForm, parse_id
from .models import Comment, DiscussionSettings
from .moderation import comments_open
from .paging import Page, Pages, roots_of
from .thread import card_schema, flatten

_BLANK_LINES = re.compile(r"\n\s*\n")
THREAD_FIELDS = (
    "pk", "parent_id", "author_name", "author_email", "author_url", "body_html",
    "created_at", "edited_at", "is_by_editor", "import_id",
)  # fmt: skip


@dataclass(frozen=True)
class Discussion:
    article: object
    count: int
    is_open: bool
    cards: list = field(default_factory=list)  # thread.Card, in display order
    reply_to: object = None  # the card's comment (a row) the form replies to
    editor: object = None  # the signed-in editor viewing it (comments.editors.Editor)
    page: Page = None  # which page of the discussion this is

    @property
    def heading(self):
        """WordPress's count heading: "One thought on “…”", "N thoughts on “…”"."""
        if self.count == 1:
            return f"One thought on “{self.article.title}”"
        return f"{self.count} thoughts on “{self.article.title}”"

    @property
    def form_html(self):
        return blank_form_html(for_editor=self.editor is not None)

    @property
    def urls(self):
        return discussion_urls()

    @property
    def schema(self):
        """What the discussion adds to the article's JSON-LD: this page's public comments."""
        public = [card_schema(card) for card in self.cards if not card.is_pending]
        return {"commentCount": self.count, "comment": public}


def thread_comments(article):
    """All approved comments of an article, oldest first: one query.

    Rows (named tuples with the fields a card prints), not model instances:
    the page only reads them, and building a row costs a tenth as much.
    Every page of the discussion reads them all, to know which top-level
    comments come before its own.
    """
    return Comment.objects.public().filter(article=article).values_list(*THREAD_FIELDS, named=True)


def load_discussion(article, *, page=None, reply_to_id=None, pending=None, own=None):
    """One page of the article's discussion; `pending` is shown too (to its author alone).

    `page` is the number asked for (None: the page the article URL shows);
    past the last page it is the last. `own` ({"pk", "html"}, from
    editing.author_tools) is the comment of the reader of an uncached
    author's page: its card gets their tools. The author's page shows the
    page their comment is on (for a pending one, where it will be once
    approved).
    """
    rules = DiscussionSettings.load()
    is_open = comments_open(article, rules)
    rows = list(thread_comments(article))
    count = len(rows)
    if pending is not None:
        rows.append(pending)
    root_of = roots_of([(row.pk, row.parent_id) for row in rows])
    pages = Pages.for_rules(article, [row.pk for row in rows if root_of[row.pk] == row.pk], rules)
    focus = pending.pk if pending is not None else own and own["pk"]
    if focus in root_of:
        number = pages.number_of(root_of[focus])
    else:
        number = pages.default if page is None else pages.clamp(page)
    shown = pages.roots_on(number) if pages.count > 1 else None
    cards = flatten(
        rows if shown is None else [row for row in rows if root_of[row.pk] in shown],
        max_depth=rules.thread_depth,
        can_reply=is_open and pending is None,
        pending=pending,
        newest_first=rules.newest_first,
    )
    reply_to = next(
        (card.comment for card in cards if card.can_reply and card.comment.pk == reply_to_id), None
    )
    if own is not None:
        for card in cards:
            if card.comment.pk == own["pk"]:
                card.author_tools = own["html"]
    return Discussion(article=article, count=count, is_open=is_open, cards=cards,
                      reply_to=reply_to, page=Page(pages, number))  # fmt: skip


def comment_url(comment):
    """Where a public comment lives now: its page's URL and its anchor.

    One query (the article's public comments, ids only) besides the rules.
    """
    rules = DiscussionSettings.load()
    pairs = list(
        Comment.objects.public()
        .filter(article_id=comment.article_id)
        .values_list("pk", "parent_id")
    )
    root_of = roots_of(pairs)
    pages = Pages.for_rules(comment.article, [pk for pk, _ in pairs if root_of[pk] == pk], rules)
    return f"{pages.url(pages.number_of(root_of[comment.pk]))}#comment-{comment.pk}"


def reply_to_id(request):
    """The comment a reply link (`?replytocom=ID`) asks to answer, if the id is well formed."""
    return parse_id(request.GET.get("replytocom")) if request else None


@lru_cache(maxsize=1)
def discussion_urls():
    """Where the form posts and fetches its token: fixed, so reversed once."""
    return {
        "post": reverse("comments:post"),
        "csrf": reverse("comments:csrf"),
        "privacy": reverse("comments:privacy"),
    }


@lru_cache(maxsize=2)
def blank_form_html(for_editor=False):
    """The empty form's fields, the same for every reader (or editor): rendered once per process."""
    form = EditorCommentForm() if for_editor else CommentForm()
    html = render_to_string(form.fields_template, {"form": form})
    return SafeString(_BLANK_LINES.sub("\n", html))
