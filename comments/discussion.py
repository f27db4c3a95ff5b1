"""The discussion under an article: what the article page shows of comments.

The article template asks for it with `{% get_discussion article as discussion %}`
(comments/templatetags/discussion.py). It costs one query whatever the number
of comments (all the approved comments of a short discussion, those of the
page's threads in a long one, flat); the counts come with the article, the
discussion rules from the shared cache.
"""

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from .forms import CommentForm, EditorCommentForm, parse_id
from .models import Comment, DiscussionSettings
from .moderation import comments_open
from .paging import Page, Pages
from .thread import card_schema, flatten

_BLANK_LINES = re.compile(r"\n\s*\n")
THREAD_FIELDS = (
    "pk", "parent_id", "thread_id", "author_name", "author_url", "body_html",
    "created_at", "edited_at", "is_by_editor", "import_id",
)  # fmt: skip
# Up to this many public comments, a page reads them all and picks its threads
# itself: one plain query, cheaper than finding its threads in SQL. Past it, a
# page reads its own threads' comments alone (Comment.objects.in_threads()).
READ_ALL_COMMENTS = 300


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
    def comments_schema(self):
        """This page's public comments as JSON-LD Comments."""
        return [card_schema(card) for card in self.cards if not card.is_pending]

    @property
    def schema(self):
        """What the discussion adds to the article's JSON-LD: this page's public comments."""
        return {"commentCount": self.count, "comment": self.comments_schema}

    @property
    def page_title(self):
        """A comment page's own title (comment-page-N): the article's discussion, not a
        second copy of the article."""
        return f"Comments, page {self.page.number} – {self.article.title}"

    @property
    def page_description(self):
        return (
            f"Comments, page {self.page.number} of {self.page.count}, on "
            f"“{self.article.title}”: {self.count} thoughts in all."
        )


def load_discussion(article, *, page=None, reply_to_id=None, pending=None, own=None):
    """One page of the article's discussion; `pending` is shown too (to its author alone).

    `page` is the number asked for (None: the page the article URL shows);
    past the last page it is the last. `own` ({"comment", "html"}, from
    editing.author_tools) is the comment of the reader of an uncached
    author's page: its card gets their tools. The author's page shows the
    page their comment is on (for a pending one, where it will be once
    approved).

    `article` comes from Article.objects.for_page(), which brings the
    discussion's counts. One query reads the comments, as rows (named tuples
    with the fields a card prints), not model instances: all of them up to
    READ_ALL_COMMENTS, past it the page's threads' alone.
    """
    rules = DiscussionSettings.load()
    is_open = comments_open(article, rules)
    count, thread_count = article.comment_count, article.comment_threads
    public = Comment.objects.public().filter(article=article)
    focus = pending if pending is not None else own and own["comment"]
    rows, order = None, None
    if count <= READ_ALL_COMMENTS:
        rows = list(public.values_list(*THREAD_FIELDS, named=True))
        order = thread_order(rows)
    elif focus is not None:
        order = list(public.threads().values_list("first", "key"))
    if order is None:
        # A long discussion, as any reader sees it: its page's threads found in SQL.
        pages = Pages.for_rules(article, thread_count, rules)
        number = pages.default if page is None else pages.clamp(page)
        if pages.count > 1:
            public = public.in_threads(public.threads().values("key")[pages.slice(number)])
        rows = list(public.values_list(*THREAD_FIELDS, named=True))
    else:
        keys = [key for _, key in order]
        if focus is not None and thread_key(focus) not in keys:
            # A held comment that starts a thread: where it will be once approved.
            at = bisect.bisect(order, (focus.created_at, thread_key(focus)))
            keys.insert(at, thread_key(focus))
        pages = Pages.for_rules(article, len(keys), rules)
        if focus is not None:
            number = pages.number_of(keys.index(thread_key(focus)))
        else:
            number = pages.default if page is None else pages.clamp(page)
        shown = set(keys[pages.slice(number)])
        if rows is None:
            rows = list(public.in_threads(shown).values_list(*THREAD_FIELDS, named=True))
        elif pages.count > 1:
            rows = [row for row in rows if thread_key(row) in shown]
    if pending is not None:
        rows.append(pending)
    cards = flatten(
        rows,
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
            if card.comment.pk == own["comment"].pk:
                card.author_tools = own["html"]
    return Discussion(article=article, count=count, is_open=is_open, cards=cards,
                      reply_to=reply_to, page=Page(pages, number))  # fmt: skip


def thread_key(comment):
    """The thread a comment (a row or an instance) belongs to: its top-level comment's pk."""
    return comment.thread_id or comment.pk


def thread_order(rows):
    """(first, key) of each thread among `rows` (oldest first), as threads() gives them."""
    first = {}
    for row in rows:
        first.setdefault(thread_key(row), row.created_at)
    return sorted((moment, key) for key, moment in first.items())


def comment_url(comment):
    """Where a public comment lives now: its page's URL and its anchor.

    One query (the article's threads, oldest first) besides the rules.
    """
    rules = DiscussionSettings.load()
    public = Comment.objects.public().filter(article_id=comment.article_id)
    keys = list(public.threads().values_list("key", flat=True))
    pages = Pages.for_rules(comment.article, len(keys), rules)
    return f"{pages.url(pages.number_of(keys.index(thread_key(comment))))}#comment-{comment.pk}"


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
