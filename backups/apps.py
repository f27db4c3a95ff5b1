from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = "Backups"

    def ready(self):
        from . import checks, receivers  # noqa: F401  (deploy checks; the erasure log's copy)
