"""What this app keeps about one address: in the commenter's export, gone when they are erased."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Commenter, Verification


def _iso(moment):
    return moment.isoformat() if moment else None


def export_address(email):
    """The verification, keys (their dates only), follows and waiting notices of an address."""
    commenter = Commenter.objects.by_email(email).first()
    if commenter is None:
        return None
    return {
        "email": commenter.email,
        "created_at": _iso(commenter.created_at),
        "verified_at": _iso(commenter.verified_at),
        "confirmation_mails": [
            {
                "sent_at": _iso(verification.created_at),
                "confirmed_at": _iso(verification.confirmed_at),
                "comment": verification.comment_id,
            }
            for verification in commenter.verifications.order_by("created_at", "pk")
        ],
        "browser_keys": [
            {"created_at": _iso(key.created_at)} for key in commenter.keys.order_by("created_at")
        ],
        "reply_notices_for_comments": list(
            commenter.subscriptions.order_by("comment_id").values_list("comment_id", flat=True)
        ),
        "notices_waiting_for_a_digest": [
            {
                "kind": notice.kind,
                "comment": notice.comment_id,
                "created_at": _iso(notice.created_at),
            }
            for notice in commenter.notices.all()
        ],
    }


def erase_address(email):
    """Forget the address: its verification, keys, follows and waiting notices; True if known."""
    deleted, _ = Commenter.objects.by_email(email).delete()
    return bool(deleted)


def purge_expired_verifications(now=None):
    """Remove confirmation records past their link's life, and addresses never confirmed.

    The newest day of records stays whatever the link's life, as the resend
    limits count it. Returns how many confirmation records were removed.
    """
    now = now or timezone.now()
    lifetime = max(settings.COMMENT_VERIFY_LINK_SECONDS, 24 * 3600)
    cutoff = now - timedelta(seconds=lifetime)
    removed, _ = Verification.objects.filter(created_at__lt=cutoff).delete()
    Commenter.objects.filter(verified_at__isnull=True, verifications__isnull=True).delete()
    return removed
