from django.db import models

from .addresses import KeyedModel, KeyedQuerySet, MailboxKeyField


class Mail(KeyedModel):
    """One message to one address: waiting, sent, or given up.

    The text waits here (not in the task queue) until it is sent, then is
    cleared: what stays is who got what kind of mail, and when, until
    housekeeping removes the record (OUTBOX_RECORD_DAYS).
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENT = "sent", "Sent"
        GAVE_UP = "gave_up", "Gave up"

    kind = models.CharField(max_length=40, help_text="What the mail is for.")
    to = models.EmailField(max_length=254)
    to_key = MailboxKeyField(address_field="to")
    subject = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = KeyedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["to_key", "created_at"], name="outbox_mail_to_key_idx"),
            models.Index(fields=["created_at"], name="outbox_mail_created_idx"),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to}"
