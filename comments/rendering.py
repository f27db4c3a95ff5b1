"""A comment's public HTML and JSON-LD, rendered once when the comment is saved.

The article page then only joins stored fragments (see thread.py). Changing
the card template, the date format or the sanitiser means running
`manage.py rerender_comments` (a migration does it when one ships with such a
change).
"""

import hashlib
import hmac

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from immunoblog import jsonld

from .sanitize import is_safe_url, sanitize_comment

AVATAR_HUES = 12


def initials(name):
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or name.strip()[:1] or "?"
    return letters.upper()


def avatar_hue(comment):
    """A colour for the initials avatar, from a keyed hash nobody can reverse.

    The key is the site's secret, so the colour says nothing about the email
    address to anyone who does not hold it (unlike a Gravatar hash).
    """
    identity = (comment.author_email or comment.author_name).strip().lower()
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256).digest()
    return digest[0] % AVATAR_HUES


def render_comment(comment):
    """Return (card_html, reply_html, schema_json) for a saved comment."""
    created_at = timezone.localtime(comment.created_at)
    created_iso = created_at.replace(microsecond=0).isoformat()
    # A reply names its parent only while the parent is public: a comment
    # withdrawn as spam must not live on in its replies.
    parent = comment.parent if comment.parent_id else None
    if parent is not None and parent.status != "approved":
        parent = None
    context = {
        "comment": comment,
        "author_url": comment.author_url if is_safe_url(comment.author_url or "") else "",
        "initials": initials(comment.author_name),
        "hue": avatar_hue(comment),
        "created_at": created_at,
        "created_iso": created_iso,
        "parent_name": parent.author_name if parent else "",
    }
    card_html = render_to_string("comments/card.html", context).strip()
    reply_html = (
        f'<a rel="nofollow" class="comment-reply-link" href="?replytocom={comment.pk}#respond" '
        f'data-comment-id="{comment.pk}" data-reply-to="{escape(comment.author_name)}" '
        f'aria-label="Reply to {escape(comment.author_name)}">Reply</a>'
    )
    schema = {
        "@type": "Comment",
        "@id": f"#comment-{comment.pk}",
        "url": f"#comment-{comment.pk}",
        "author": {"@type": "Person", "name": comment.author_name},
        "dateCreated": created_iso,
        "text": comment.body,
    }
    if parent:
        schema["parentItem"] = {"@id": f"#comment-{parent.pk}"}
    return card_html, reply_html, jsonld.dumps(schema)


def rerender_stored(comments, batch_size=500):
    """Re-sanitise and re-render stored comments; returns how many were updated.

    Works on a queryset of the real model or of a migration's historical one,
    so a migration that ships a new card template or sanitiser can call it.
    """
    model = comments.model
    batch, updated = [], 0
    for comment in comments.select_related("parent").order_by("pk").iterator(batch_size):
        comment.body_html = sanitize_comment(comment.body)
        comment.card_html, comment.reply_html, comment.schema_json = render_comment(comment)
        batch.append(comment)
        if len(batch) >= batch_size:
            updated += model.objects.bulk_update(batch, RERENDERED_FIELDS)
            batch = []
    if batch:
        updated += model.objects.bulk_update(batch, RERENDERED_FIELDS)
    return updated


RERENDERED_FIELDS = ["body_html", "card_html", "reply_html", "schema_json"]
