"""A discussion as the page shows it: the public comments, threaded, in one flat list.

The approved comments a page shows come in one query; the tree is built
here in one pass and flattened in display order, each card knowing how
deep it sits and which list tags close after it, so the template prints the
nested <ol>/<li> markup in one flat loop (no include per comment). Cards,
dates, Reply links and JSON-LD are rendered at request time from the rows:
a template change needs no data change.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import initials

from .editors import author_schema
from .sanitize import is_safe_url

AVATAR_HUES = 12
CLOSE_REPLIES = SafeString("</ol></li>")


def display_datetime(moment, words=None):
    """A comment's date as readers see it: "March 4, 2026 at 3:07 p.m.".

    The same text as Django's date format "F j, Y \\a\\t g:i a", written out:
    a page shows one per comment, and parsing the format string each time
    cost ten times as much. `words` are _date_words() of the active language,
    when the caller already holds them.
    """
    months, am, pm = words or _date_words(get_language())
    hour = moment.hour % 12 or 12
    meridiem = pm if moment.hour >= 12 else am
    date = f"{months[moment.month]} {moment.day}, {moment.year}"
    return f"{date} at {hour}:{moment.minute:02d} {meridiem}"


@lru_cache(maxsize=8)
def _date_words(language):
    """Month names and "a.m."/"p.m." in the active language, translated once."""
    return {number: str(name) for number, name in MONTHS.items()}, _("a.m."), _("p.m.")


def avatar_hue(name):
    """A colour for the initials avatar, from the name the card shows and from nothing else.

    Never from the address, not even through a keyed hash: a colour drawn
    from it would link the names one address writes under, and tell whoever
    posts candidate addresses a few bits of the right one. The name is on
    the card already; its colour tells nobody anything more.
    """
    return hashlib.blake2b(name.encode(), digest_size=1).digest()[0] % AVATAR_HUES


@lru_cache(maxsize=1)
def _permalink_prefix():
    return reverse("comments:permalink", kwargs={"pk": 0})[: -len("0/")]


def permalink(pk):
    """A comment's permanent link (comments:permalink), without reversing it for every card."""
    return f"{_permalink_prefix()}{pk}/"


def public_depth(pairs, pk):
    """How deep comment `pk` sits as readers see it, from the (pk, parent_id) pairs shown.

    A reply whose parent is not among the pairs (not public) stands on its
    own, at depth 1, as flatten() shows it.
    """
    parents = dict(pairs)
    depth = 0
    while pk in parents and depth <= len(parents):
        depth += 1
        pk = parents[pk]
    return depth


class Cards:
    """What every card of a page shares, looked up once per page rather than once per card.

    The reader's time zone, the month names and "a.m."/"p.m." of the active
    language: on a page of a hundred cards, fetching them for each card cost
    about as much as everything else a card needs.
    """

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.words = _date_words(get_language())
        self.avatars = {}  # name: (initials, hue); a page's authors often write again

    def local(self, moment):
        return moment.astimezone(self.zone)

    def display(self, moment):
        return display_datetime(moment, self.words)

    def avatar(self, name):
        """An author's initials and avatar colour, worked out once per page."""
        if name not in self.avatars:
            self.avatars[name] = (initials(name), avatar_hue(name))
        return self.avatars[name]

    def card(self, comment, *, depth, parent, can_reply, is_pending=False):
        """One comment's card in the flat list: what the template prints, worked out once."""
        url = comment.author_url
        created_at = self.local(comment.created_at)
        edited_at = comment.edited_at and self.local(comment.edited_at)
        letters, hue = self.avatar(comment.author_name)
        return Card(
            comment=comment,
            depth=depth,
            parent=parent,
            can_reply=can_reply,
            is_pending=is_pending,
            permalink=permalink(comment.pk),
            author_url=url if url and is_safe_url(url) else "",
            initials=letters,
            hue=hue,
            created_iso=created_at.isoformat(timespec="seconds"),
            created_display=self.display(created_at),
            body_html=SafeString(comment.body_html),
            edited_iso=edited_at.isoformat(timespec="seconds") if edited_at else "",
            edited_display=self.display(edited_at) if edited_at else "",
        )


@dataclass(slots=True)
class Card:
    """What the comment list (jinja2/comments/comment_list.html) prints of one comment,
    beside the comment's own fields (`comment`).

    Plain text is escaped by the template; `body_html` (sanitised at save),
    `closing` and `author_tools` are HTML already.
    """

    comment: object  # the row it was made from (discussion.thread_comments), or the pending comment
    depth: int
    parent: object  # the parent's row when the parent is shown, else None
    can_reply: bool
    is_pending: bool
    permalink: str
    author_url: str  # "" unless http(s)
    initials: str
    hue: int
    created_iso: str
    created_display: str
    body_html: SafeString
    edited_iso: str
    edited_display: str
    has_replies: bool = False  # a list of replies opens after it
    closing: SafeString = SafeString("")  # the reply lists that close after it
    author_tools: SafeString = SafeString("")  # the author's own tools, on their uncached page


def card_schema(card):
    """The card's JSON-LD Comment: who wrote it, when, and what it answers.

    Its `@id` is the card's anchor. The text is not repeated: it is on the
    page once, in the card. Repeated, it made up a third of a long
    discussion's bytes.
    """
    data = {
        "@type": "Comment",
        "@id": f"#comment-{card.comment.pk}",
        "author": (
            author_schema(card.comment.author_name)
            if card.comment.is_by_editor  # the "Editor" badge (comments.editors)
            else {"@type": "Person", "name": card.comment.author_name}
        ),
        "dateCreated": card.created_iso,
    }
    if card.parent is not None:
        data["parentItem"] = {"@id": f"#comment-{card.parent.pk}"}
    return data


def change_url(pk):
    """A comment's page in the admin, for the Edit link editors see on every card."""
    return reverse("admin:comments_comment_change", args=[pk])


def flatten(comments, *, max_depth, can_reply, pending=None, newest_first=False):
    """The cards of a thread in display order (oldest first, replies under their parent).

    `comments` are the public ones, oldest first, and `pending` (a comment
    shown to its author alone, marked as awaiting moderation) if among them.
    With `newest_first`, top-level comments come newest first; replies stay
    oldest first under their parent.
    """
    by_pk = {comment.pk: comment for comment in comments}
    children = {}
    for comment in comments:
        parent_id = comment.parent_id if comment.parent_id in by_pk else None
        children.setdefault(parent_id, []).append(comment)

    shared = Cards()
    cards = []
    top = children.get(None, [])
    stack = [(reversed(top) if newest_first else iter(top), 1)]
    while stack:
        comment = next(stack[-1][0], None)
        if comment is None:
            stack.pop()
            continue
        depth = stack[-1][1]
        is_pending = comment is pending
        cards.append(
            shared.card(
                comment,
                depth=depth,
                parent=by_pk.get(comment.parent_id),
                can_reply=can_reply and not is_pending and depth < max_depth,
                is_pending=is_pending,
            )
        )
        if comment.pk in children:
            stack.append((iter(children[comment.pk]), depth + 1))

    next_depths = [card.depth for card in cards[1:]] + [1]
    for card, next_depth in zip(cards, next_depths, strict=False):
        if next_depth > card.depth:
            card.has_replies = True
        elif next_depth < card.depth:
            card.closing = SafeString(CLOSE_REPLIES * (card.depth - next_depth))
    return cards
