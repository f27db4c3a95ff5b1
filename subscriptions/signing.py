"""Signed links in mail: one confirms an address (and expires), one unsubscribes (and does not)."""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def confirm_token(verification):
    return signing.dumps(verification.pk, salt=CONFIRM_SALT, compress=False)


def verification_id_from_token(token):
    """The Verification id a confirmation link was made for.

    Raises signing.SignatureExpired after COMMENT_VERIFY_LINK_SECONDS and
    signing.BadSignature for anything else that is not ours.
    """
    value = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.COMMENT_VERIFY_LINK_SECONDS)
    if not isinstance(value, int):
        raise signing.BadSignature("Not an id.")
    return value


def unsubscribe_token(commenter):
    return signing.dumps(commenter.pk, salt=UNSUBSCRIBE_SALT, compress=False)


def commenter_id_from_token(token):
    """The Commenter id of an unsubscribe link; it never expires, as RFC 8058 links must not."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(value, int):
        raise signing.BadSignature("Not an id.")
    return value
