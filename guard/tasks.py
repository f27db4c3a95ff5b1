"""Mail about editors' accounts, written by the task worker and sent through the outbox."""

import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from outbox.sending import send

from .ratelimit import hit

logger = logging.getLogger(__name__)

# Reset mails one account may receive a day, however many clients ask. Each
# carries a working link, so the limit never keeps the editor from a reset:
# it only stops a flood of them.
RESET_MAILS_PER_ACCOUNT = 5
RESET_MAIL_WINDOW_SECONDS = 24 * 3600


def staff_with_address(email):
    """Active staff accounts with this address and a password to reset."""
    return (user for user in PasswordResetForm().get_users(email) if user.is_staff)


def reset_mail_allowed(user, now=None):
    """Count one more reset mail for this account (by id, not address); False past the limit."""
    count = hit(
        "password-reset-account", str(user.pk), window_seconds=RESET_MAIL_WINDOW_SECONDS, now=now
    )
    return count <= RESET_MAILS_PER_ACCOUNT


def reset_link(user, base_url):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@task()
def send_password_reset(email, site_url=""):
    """Queue a reset link for each staff account with this address; how many.

    The accounts are looked up here, in the worker, so the page that asked
    answers the same whether or not the address belongs to anyone, or has
    had its RESET_MAILS_PER_ACCOUNT for the day. The outbox delivers the
    mail and tries again while the mail server is down. Links start with
    DJANGO_SITE_URL.
    """
    base_url = settings.SITE_URL or site_url
    sent = 0
    for user in staff_with_address(email):
        if not reset_mail_allowed(user):
            logger.info("No password-reset mail for user %s: enough were sent today.", user.pk)
            continue
        context = {
            "user": user,
            "site_name": settings.SITE_NAME,
            "reset_url": reset_link(user, base_url),
            "valid_days": round(settings.PASSWORD_RESET_TIMEOUT / 86400),
        }
        body = render_to_string("guard/email/password_reset.txt", context)
        subject = f"[{settings.SITE_NAME}] Reset your password"
        sent += len(send("password-reset", user.email, subject, body))
    return sent
