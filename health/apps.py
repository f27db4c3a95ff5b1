from django.apps import AppConfig


class HealthConfig(AppConfig):
    """What an operator watches: /healthz, /readyz, the metrics, the task worker's heartbeat."""

    name = "health"
    verbose_name = "Health"
    default_auto_field = "django.db.models.BigAutoField"
