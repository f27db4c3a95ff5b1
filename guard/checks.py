"""Deploy checks for what production needs and development does without."""

from django.conf import settings
from django.core.checks import Error, Tags, register

UNCONFIGURED_MAIL_BACKEND = "guard.mail.UnconfiguredBackend"


@register(Tags.security, deploy=True)
def mail_is_configured(app_configs, **kwargs):
    """Without a mail host, mail waits in the task queue; say so before it gives up."""
    if settings.EMAIL_BACKEND != UNCONFIGURED_MAIL_BACKEND:
        return []
    return [
        Error(
            "No mail server is configured, so no mail (moderation notices, password resets) "
            "can be sent; it waits in the task queue until COMMENT_MAIL_GIVE_UP_SECONDS.",
            hint="Set DJANGO_EMAIL_HOST (and DJANGO_EMAIL_HOST_USER, "
            "DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_PORT as needed).",
            id="guard.E001",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_is_configured(app_configs, **kwargs):
    """Links in mail come from DJANGO_SITE_URL, never from a request's Host header."""
    if settings.SITE_URL or settings.DEBUG:
        return []
    return [
        Error(
            "DJANGO_SITE_URL is not set, so mail cannot carry links to the site "
            "(nor the unsubscribe header notices need).",
            hint="Set DJANGO_SITE_URL to the site's public address, e.g. https://blog.example.org",
            id="guard.E002",
        )
    ]
