"""What this app hears from the discussion (comments/signals.py), and what it does.

The comments app sends; this app listens, so it depends on the comments app
and never the other way round.
"""

from django.dispatch import receiver

from comments.models import Comment
from comments.signals import (
    author_vouched_for,
    comment_posted,
    commenter_erased,
    commenter_exported,
    comments_published,
)

from .privacy import erase_address, export_address
from .services import comments_published as announce
from .services import follow, verified_commenter


@receiver(author_vouched_for, sender=Comment)
def vouch_with_key(sender, email, key, **kwargs):
    """The verified commenter whose browser sent this key for this address, or None."""
    return verified_commenter(email, key)


@receiver(comment_posted, sender=Comment)
def follow_when_asked(sender, comment, voucher, notify, site_url, **kwargs):
    if notify:
        follow(comment, voucher, site_url)


@receiver(comments_published, sender=Comment)
def tell_followers(sender, ids, held, **kwargs):
    announce(ids, held=held)


@receiver(commenter_exported, sender=Comment)
def export_notifications(sender, email, **kwargs):
    # Confirmed address, browser keys, follows: null when the address never asked for mail.
    return "notifications", export_address(email)


@receiver(commenter_erased, sender=Comment)
def erase_notifications(sender, email, **kwargs):
    erase_address(email)
