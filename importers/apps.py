from django.apps import AppConfig


class ImportersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "importers"
    verbose_name = "Imports from WordPress and Disqus"

    def ready(self):
        from . import signals  # noqa: F401
