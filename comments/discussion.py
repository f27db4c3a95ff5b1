"""The discussion under an article: what the article page shows of comments.

The article template asks for it with `{% get_discussion article as discussion %}`
(comments/templatetags/discussion.py). It costs one query (the approved
comments of the page's threads, flat) whatever the number of comments; the
counts come with the article, the discussion rules from the shared cache.
"""

import bisect
import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from .forms import CommentForm, EditorCommentForm, parse_id
from .models import THREAD, Comment, DiscussionSettings
from .moderation import comments_open
from .paging import Page, Pages
from .thread import card_schema, flatten

_BLANK_LINES = re.compile(r"\n\s*\n")
# The order a page lists comments in (the model's), kept after reading them in none.
ORDER = operator.attrgetter("created_at", "pk")
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


def discussion_counts(article):
    """How many public comments, and threads, the article has.

    The article page's query annotates them (Article.objects.for_page());
    any other article costs one query here.
    """
    if hasattr(article, "comment_threads"):
        return article.comment_count, article.comment_threads
    public = Comment.objects.public().filter(article=article)
    totals = public.aggregate(comments=Count("pk"), threads=Count(THREAD, distinct=True))
    return totals["comments"], totals["threads"]


def load_discussion(article, *, page=None, reply_to_id=None, pending=None, own=None):
    """One page of the article's discussion; `pending` is shown too (to its author alone).

    `page` is the number asked for (None: the page the article URL shows);
    past the last page it is the last. `own` ({"comment", "html"}, from
    editing.author_tools) is the comment of the reader of an uncached
    author's page: its card gets their tools. The author's page shows the
    page their comment is on (for a pending one, where it will be once
    approved).

    One query reads the page's comments: those of its threads alone, as
    rows (named tuples with the fields a card prints), not model instances.
    """
    rules = DiscussionSettings.load()
    is_open = comments_open(article, rules)
    count, thread_count = discussion_counts(article)
    focus = pending if pending is not None else own and own["comment"]
    if focus is not None:
        pages, number, keys = _page_of(focus, rules)
    else:
        pages = Pages.for_rules(article, thread_count, rules)
        number = pages.default if page is None else pages.clamp(page)
        threads = Comment.objects.filter(article=article).threads().values("pk")
        keys = None if pages.count == 1 else threads[pages.slice(number)]
    public = Comment.objects.public()
    shown = public.filter(article=article) if keys is None else public.in_threads(keys)
    rows = sorted(shown.values_list(*THREAD_FIELDS, named=True), key=ORDER)
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


def _page_of(comment, rules):
    """The pages, the number and the threads of the page `comment` is on, or will be on once
    approved: a held comment that starts a thread takes its place by its date."""
    threads = Comment.objects.filter(article_id=comment.article_id).threads()
    order = list(threads.values_list("created_at", "pk"))
    key = comment.thread_id or comment.pk
    keys = [pk for _, pk in order]
    if key not in keys:
        keys.insert(bisect.bisect(order, (comment.created_at, key)), key)
    pages = Pages.for_rules(comment.article, len(keys), rules)
    number = pages.number_of(keys.index(key))
    return pages, number, keys[pages.slice(number)]


def comment_url(comment):
    """Where a public comment lives now: its page's URL and its anchor.

    One query (its thread's place among the article's threads, and their
    number) besides the rules, and the thread's first comment if not at hand.
    """
    rules = DiscussionSettings.load()
    start = comment if comment.thread_id is None else comment.thread
    earlier = Q(created_at__lt=start.created_at) | Q(created_at=start.created_at, pk__lt=start.pk)
    threads = Comment.objects.filter(article_id=comment.article_id).threads()
    place = threads.aggregate(threads=Count("pk"), earlier=Count("pk", filter=earlier))
    pages = Pages.for_rules(comment.article, place["threads"], rules)
    return f"{pages.url(pages.number_of(place['earlier']))}#comment-{comment.pk}"


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
