from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Every mail the site sends: queued with a record, delivered by the task worker."""

    name = "outbox"
    verbose_name = "Mail"
    default_auto_field = "django.db.models.BigAutoField"
