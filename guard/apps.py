from django.apps import AppConfig


class GuardConfig(AppConfig):
    """What stands between the site and abuse: the client's address, limits, the way back in."""

    name = "guard"
    verbose_name = "Abuse limits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
