"""Signed, expiring links that show a pending comment to its author only."""

from django.conf import settings
from django.core import signing

SALT = "comments.pending"


def pending_token(comment):
    return signing.dumps(comment.pk, salt=SALT, compress=False)


def comment_id_from_token(token):
    """The comment id a token was made for.

    Raises signing.SignatureExpired once COMMENT_PENDING_LINK_SECONDS have
    passed, and signing.BadSignature for anything tampered with.
    """
    value = signing.loads(token, salt=SALT, max_age=settings.COMMENT_PENDING_LINK_SECONDS)
    if not isinstance(value, int):
        raise signing.BadSignature("Not a comment id.")
    return value
