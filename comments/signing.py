"""Signed, expiring links: a comment's page for its author, its edit link, privacy links,
the moderation links mailed to editors.

Each kind of link has its own salt, so a token made for one never opens another.
"""

from django.conf import settings
from django.core import signing

SALT = "comments.pending"
EDIT_SALT = "comments.edit"
PRIVACY_SALT = "comments.privacy"


def pending_token(comment):
    return signing.dumps(comment.pk, salt=SALT, compress=False)


def _loads_id(token, *, salt, max_age):
    value = signing.loads(token, salt=salt, max_age=max_age)
    if not isinstance(value, int) or isinstance(value, bool):
        raise signing.BadSignature("Not an id.")
    return value


def comment_id_from_token(token):
    """The comment id a token was made for.

    Raises signing.SignatureExpired once COMMENT_PENDING_LINK_SECONDS have
    passed, on every page the token opens, and signing.BadSignature for
    anything tampered with.
    """
    return _loads_id(token, salt=SALT, max_age=settings.COMMENT_PENDING_LINK_SECONDS)


def edit_token(comment):
    """The token that lets the browser that posted a comment edit it (kept in its localStorage)."""
    return signing.dumps(comment.pk, salt=EDIT_SALT, compress=False)


def comment_id_from_edit_token(token, max_age):
    """The comment id an edit token was made for; signing.BadSignature if forged or too old."""
    return _loads_id(token, salt=EDIT_SALT, max_age=max_age)


def privacy_token(privacy_request):
    return signing.dumps(privacy_request.pk, salt=PRIVACY_SALT, compress=False)


def privacy_request_id_from_token(token):
    """The privacy request a mailed link names; SignatureExpired after PRIVACY_LINK_SECONDS."""
    return _loads_id(token, salt=PRIVACY_SALT, max_age=settings.PRIVACY_LINK_SECONDS)


MODERATE_SALT = "comments.moderate"


def moderation_token(comment, action):
    """A mailed link's token: move this comment, as it is now, to the status `action`."""
    payload = {"c": comment.pk, "from": comment.status, "to": action}
    return signing.dumps(payload, salt=MODERATE_SALT, compress=False)


def moderation_from_token(token):
    """(comment id, status it had when mailed, status asked for) from a mailed link's token.

    Raises signing.SignatureExpired after COMMENT_MODERATION_LINK_SECONDS and
    signing.BadSignature for anything tampered with.
    """
    value = signing.loads(
        token, salt=MODERATE_SALT, max_age=settings.COMMENT_MODERATION_LINK_SECONDS
    )
    if not isinstance(value, dict) or not all(
        isinstance(value.get(key), kind) for key, kind in (("c", int), ("from", str), ("to", str))
    ):
        raise signing.BadSignature("Not a moderation link.")
    return value["c"], value["from"], value["to"]
