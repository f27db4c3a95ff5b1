from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Discussion"

    def ready(self):
        from . import signals  # noqa: F401  (connects the page cache's purges)
