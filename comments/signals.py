"""Shared pages and followers follow every change to the discussion, whichever path made it.

Saves and deletes of single comments (the posting function, the admin's
change form, its stock delete action and view, a cascade from an article)
reach these receivers; `QuerySet.update()` sends no signal, so the functions
that use it (moderation.set_status, privacy.erase_commenter) purge themselves,
and set_status announces the comments it approves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pagecache.tags import DISCUSSION, comments_tag, purge
from subscriptions.services import comments_published

from .models import Comment, DiscussionSettings


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, **kwargs):
    # Only a comment that is, or was, public changes what readers see.
    loaded = getattr(instance, "_loaded_status", None)
    if Comment.Status.APPROVED in {instance.status, loaded}:
        purge(comments_tag(instance.article_id))
    if instance.status == Comment.Status.APPROVED and loaded != Comment.Status.APPROVED:
        # Like a purge, a comment becoming public must be heard from every path.
        comments_published([instance.pk], held=not kwargs.get("created", False))
    instance._loaded_status = instance.status


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, **kwargs):
    # Its replies moved up to its parent: the thread changed whatever its status.
    purge(comments_tag(instance.article_id))


@receiver(post_save, sender=DiscussionSettings)
def discussion_settings_saved(sender, **kwargs):
    # Reply links, thread depth and open or closed forms follow these rules.
    purge(DISCUSSION)
