"""What the comments app asks of verified commenters, through a few plain functions.

- `verified_commenter(email, key)`: the commenter whose browser holds this
  key for this address, or None. The trust rule in comments.moderation.decide
  reads it; a typed address alone never finds anyone.
- `follow(comment, commenter)`: the author ticked "Notify me of follow-up
  replies by email". With a valid key the comment is followed at once;
  otherwise a confirmation mail is queued, whatever the address (no answer
  says whether it is known).
- `comments_published(ids, held=...)`: the one way to say that comments
  became public, whichever path approved them; subscribers are told by the
  task worker after the commit.
- `confirm(verification)`: the button on the confirmation page.
"""

import hashlib
import secrets
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from outbox.addresses import mailbox_key_or_blank

from .models import Commenter, CommenterKey, Notice, Subscription
from .tasks import send_confirmation, tell_subscribers

KEY_BYTES = 32
# Anything longer is not a key we issued; it is not even hashed.
MAX_KEY_LENGTH = 100
# Browsers (devices) one address may be trusted on; the oldest key goes first.
KEYS_PER_COMMENTER = 10
# Comments per notification task, so one bulk approval is many small tasks.
BATCH = 100


def key_digest(key):
    """Keys are 256 random bits: a plain SHA-256 is enough, and stored instead of the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def verified_commenter(email, key):
    """The verified commenter whose browser sent `key` along with `email`, or None.

    Looked up by the key's digest, never by the address, so a post without a
    valid key costs the same whatever address it names.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not email:
        return None
    found = CommenterKey.objects.select_related("commenter").filter(digest=key_digest(key)).first()
    if found is None:
        return None
    commenter = found.commenter
    if not commenter.is_verified or commenter.email_key != mailbox_key_or_blank(email):
        return None
    return commenter


def follow(comment, commenter, site_url=""):
    """The author of `comment` asked to be told about replies (call inside its transaction)."""
    if comment.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        return
    if commenter is not None:
        Subscription.objects.get_or_create(comment=comment, commenter=commenter)
        return
    transaction.on_commit(partial(send_confirmation.enqueue, comment.pk, site_url))


def comments_published(comment_ids, *, held):
    """These comments became public; `held` when they waited for an editor first.

    Called by every path that makes a comment public: the comments app's
    post_save receiver (posting, the admin's change form) and set_status
    (the admin's actions, any bulk update). The task runs after the commit
    and reads the comments again, so one that is no longer public is skipped.
    """
    ids = sorted(set(comment_ids))
    for start in range(0, len(ids), BATCH):
        transaction.on_commit(partial(_announce, ids[start : start + BATCH], held))


def _announce(comment_ids, held):
    """Queue the notices' task if anyone follows these comments or their parents (one query)."""
    if not DiscussionSettings.load().notify_commenters:
        return
    followed = Q(comment__in=Comment.objects.filter(pk__in=comment_ids).values("parent_id"))
    if held:
        followed |= Q(comment_id__in=comment_ids)
    if Subscription.objects.filter(followed).exists():
        tell_subscribers.enqueue(comment_ids, held)


def confirm(verification):
    """Verify the address, follow the comment the mail was about, and issue a browser key.

    Returns the key, which is shown once (to be kept in the browser's
    localStorage) and stored only as its digest.
    """
    now = timezone.now()
    key = secrets.token_urlsafe(KEY_BYTES)
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().get(pk=verification.commenter_id)
        if commenter.verified_at is None:
            commenter.verified_at = now
            commenter.save(update_fields=["verified_at"])
        verification.confirmed_at = now
        verification.save(update_fields=["confirmed_at"])
        comment = verification.comment
        if (
            comment is not None
            and comment.status in (Comment.Status.PENDING, Comment.Status.APPROVED)
            and comment.author_email_key == commenter.email_key
        ):
            Subscription.objects.get_or_create(comment=comment, commenter=commenter)
        CommenterKey.objects.create(commenter=commenter, digest=key_digest(key))
        stale = list(commenter.keys.values_list("pk", flat=True)[KEYS_PER_COMMENTER:])
        CommenterKey.objects.filter(pk__in=stale).delete()
    return key


def unsubscribe(commenter_id):
    """Stop every notice to this address, the digest waiting included; how many follows ended.

    The address stays verified and its keys stay trusted: ticking the box
    again follows that comment again.
    """
    with transaction.atomic():
        Notice.objects.filter(commenter_id=commenter_id).delete()
        deleted, _ = Subscription.objects.filter(commenter_id=commenter_id).delete()
    return deleted
