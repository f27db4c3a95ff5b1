"""Shared pages and followers follow every change to the discussion, whichever path made it.

Saves and deletes of single comments (the posting function, the admin's
change form, its stock delete action and view, a cascade from an article)
reach these receivers; `QuerySet.update()` sends no signal, so the functions
that use it (moderation.set_status, privacy.erase_commenter) purge themselves,
and set_status announces the comments it approves.

The discussion also tells other apps what happens to it, through the
signals below, as django-contrib-comments does (`comment_will_be_posted`).
The comments app depends on none of them; the verified-commenters app
(subscriptions/receivers.py) listens.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from pagecache.tags import COMMENTS, DISCUSSION, comments_tag, purge

from .models import Comment, DiscussionSettings

# Before a posted comment is judged. A receiver may vouch for its author by
# returning who they are (a commenter whose browser key matches the address);
# then "publish authors with an earlier approved comment" may apply.
# Arguments: email, key.
author_vouched_for = Signal()
# A comment was saved by posting, inside its transaction. Arguments: comment,
# voucher (what a receiver returned above, or None), notify (the author asked
# to hear about replies), site_url.
comment_posted = Signal()
# Comments became public, whichever path approved them. Arguments: ids, held
# (they waited for an editor first).
comments_published = Signal()
# A commenter's data is exported: each receiver returns a (name, data) pair
# for the document. Argument: email.
commenter_exported = Signal()
# A commenter is erased; receivers forget what they keep. Argument: email.
commenter_erased = Signal()


def purge_discussions(article_ids):
    """Once the transaction commits, refresh the pages showing these articles' discussions.

    Those are each article's page and comments feed (`comments-<id>`) and the
    pages that show comments or counts across articles (`comments`: the home
    and tag pages' counts, the site's comments feed). The save and delete
    signals call it, and so do changes made with QuerySet.update(), which
    sends no signal.
    """
    article_ids = set(article_ids)
    if article_ids:
        purge(COMMENTS, *(comments_tag(article_id) for article_id in article_ids))


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, **kwargs):
    # Only a comment that is, or was, public changes what readers see.
    loaded = getattr(instance, "_loaded_status", None)
    if Comment.Status.APPROVED in {instance.status, loaded}:
        purge_discussions({instance.article_id})
    if instance.status == Comment.Status.APPROVED and loaded != Comment.Status.APPROVED:
        # Like a purge, a comment becoming public must be heard from every path.
        comments_published.send(
            sender=Comment, ids=[instance.pk], held=not kwargs.get("created", False)
        )
    instance._loaded_status = instance.status


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, **kwargs):
    # Its replies moved up to its parent: the thread changed whatever its status.
    purge_discussions({instance.article_id})


@receiver(post_save, sender=DiscussionSettings)
def discussion_settings_saved(sender, **kwargs):
    # Reply links, thread depth and open or closed forms follow these rules.
    purge(DISCUSSION)
