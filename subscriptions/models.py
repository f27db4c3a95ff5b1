"""Verified commenters: addresses proved by a link, the keys their browsers hold, what they follow.

An address is verified when its owner presses the button on the page a
confirmation link opens. Only then does it receive mail beyond that one
confirmation, and only the browser that confirmed (it keeps a key) is
trusted under it: typing the address earns nothing.
"""

from django.db import models
from django.utils import timezone

from outbox.addresses import KeyedModel, KeyedQuerySet, MailboxKeyField, mailbox_key_or_blank


class CommenterQuerySet(KeyedQuerySet):
    def verified(self):
        """Addresses whose owner confirmed a link: the only ones that receive notices."""
        return self.filter(verified_at__isnull=False)

    def by_email(self, email):
        """The commenter of this address's mailbox (outbox.addresses), if any."""
        key = mailbox_key_or_blank(email)
        return self.filter(email_key=key) if key else self.none()


class Commenter(KeyedModel):
    # Where its mail goes: the address as stored with the comment that first asked.
    email = models.EmailField(max_length=254)
    # One commenter per mailbox.
    email_key = MailboxKeyField(address_field="email", unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    # When the mail held back by the hourly cap goes out as one digest.
    digest_at = models.DateTimeField(null=True, blank=True)

    objects = CommenterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "commenter"

    def __str__(self):
        return self.email

    @property
    def is_verified(self):
        return self.verified_at is not None


class Verification(models.Model):
    """One confirmation mail: its link confirms the address (and follows the comment it names)."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="verifications")
    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["commenter", "created_at"], name="verification_sent_idx"),
            models.Index(fields=["created_at"], name="verification_age_idx"),
        ]

    def __str__(self):
        return f"Confirmation {self.pk}"


class CommenterKey(models.Model):
    """A browser's proof of a verified address, kept as a SHA-256 digest, never as the key."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="keys")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "commenter key"

    def __str__(self):
        return f"Key {self.pk}"


class Subscription(models.Model):
    """A comment whose verified author asked to be told about it: its approval, replies to it."""

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="subscriptions")
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "commenter"], name="one_subscription"),
        ]

    def __str__(self):
        return f"Subscription {self.pk}"


class Notice(models.Model):
    """A notice the hourly cap held back; the next digest carries it."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        APPROVED = "approved", "Approved"

    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="notices")
    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} notice {self.pk}"
