"""A discussion as the page shows it: the public comments, threaded, in one flat list.

All approved comments of an article come in one query; the tree is built
here in one pass and flattened in display order, each entry knowing how
deep it sits and which list tags close after it, so the template prints the
nested <ol>/<li> markup in one flat loop (no include per comment). Cards,
dates, Reply links and JSON-LD are rendered at request time from the rows:
a template change needs no data change.
"""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .sanitize import is_safe_url

AVATAR_HUES = 12
CLOSE_REPLIES = SafeString("</ol></li>")


def initials(name):
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or name.strip()[:1] or "?"
    return letters.upper()


def avatar_hue(email, name):
    """A colour for the initials avatar, from a keyed hash nobody can reverse.

    The key is the site's secret, so the colour says nothing about the email
    address to anyone who does not hold it (unlike a Gravatar hash).
    """
    identity = (email or name).strip().lower()
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).digest()
    return digest[0] % AVATAR_HUES


def display_datetime(moment):
    """A comment's date as readers see it: "March 4, 2026 at 3:07 p.m.".

    The same text as Django's date format "F j, Y \\a\\t g:i a", written out:
    a page shows one per comment, and parsing the format string each time
    cost ten times as much.
    """
    months, am, pm = _date_words(get_language())
    hour = moment.hour % 12 or 12
    meridiem = pm if moment.hour >= 12 else am
    date = f"{months[moment.month]} {moment.day}, {moment.year}"
    return f"{date} at {hour}:{moment.minute:02d} {meridiem}"


@lru_cache(maxsize=8)
def _date_words(language):
    """Month names and "a.m."/"p.m." in the active language, translated once."""
    return {number: str(name) for number, name in MONTHS.items()}, _("a.m."), _("p.m.")


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


class Entry:
    """One comment's card in the flat list: what the template prints, worked out once.

    Every entry is printed, so its fields are plain attributes computed here
    rather than properties the template would resolve one by one.
    """

    def __init__(self, comment, *, depth, parent, can_reply, is_pending=False):
        self.comment = comment
        self.pk = comment.pk
        self.depth = depth
        self.parent = parent
        self.can_reply = can_reply
        self.is_pending = is_pending
        self.has_replies = False
        self.closing = SafeString("")
        self.author_name = comment.author_name
        url = comment.author_url
        self.author_url = url if url and is_safe_url(url) else ""
        self.initials = initials(comment.author_name)
        self.hue = avatar_hue(comment.author_email, comment.author_name)
        created_at = timezone.localtime(comment.created_at).replace(microsecond=0)
        self.created_iso = created_at.isoformat()
        self.created_display = display_datetime(created_at)
        self.body_html = SafeString(comment.body_html)

    def schema(self):
        data = {
            "@type": "Comment",
            "@id": f"#comment-{self.pk}",
            "url": f"#comment-{self.pk}",
            "author": {"@type": "Person", "name": self.author_name},
            "dateCreated": self.created_iso,
            "text": self.comment.body,
        }
        if self.parent is not None:
            data["parentItem"] = {"@id": f"#comment-{self.parent.pk}"}
        return data


def flatten(comments, *, max_depth, can_reply, pending=None):
    """The entries of a thread in display order (oldest first, replies under their parent).

    `comments` are the public ones, oldest first; `pending` is a comment
    shown to its author alone, marked as awaiting moderation.
    """
    comments = list(comments)
    if pending is not None:
        comments.append(pending)
    by_pk = {comment.pk: comment for comment in comments}
    children = {}
    for comment in comments:
        parent_id = comment.parent_id if comment.parent_id in by_pk else None
        children.setdefault(parent_id, []).append(comment)

    entries = []
    stack = [(iter(children.get(None, ())), 1)]
    while stack:
        comment = next(stack[-1][0], None)
        if comment is None:
            stack.pop()
            continue
        depth = stack[-1][1]
        is_pending = comment is pending
        entries.append(
            Entry(
                comment,
                depth=depth,
                parent=by_pk.get(comment.parent_id),
                can_reply=can_reply and not is_pending and depth < max_depth,
                is_pending=is_pending,
            )
        )
        if comment.pk in children:
            stack.append((iter(children[comment.pk]), depth + 1))

    next_depths = [entry.depth for entry in entries[1:]] + [1]
    for entry, next_depth in zip(entries, next_depths, strict=False):
        if next_depth > entry.depth:
            entry.has_replies = True
        else:
            entry.closing = SafeString(CLOSE_REPLIES * (entry.depth - next_depth))
    return entries
