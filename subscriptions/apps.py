from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Commenters who proved their address: their keys, and the mail they asked for."""

    name = "subscriptions"
    verbose_name = "Verified commenters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the discussion's signals)
