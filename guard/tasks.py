"""Mail about editors' accounts, written by the task worker and sent through the outbox."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from outbox.sending import send


def staff_with_address(email):
    """Active staff accounts with this address and a password to reset."""
    return (user for user in PasswordResetForm().get_users(email) if user.is_staff)


def reset_link(user, base_url):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@task()
def send_password_reset(email, site_url=""):
    """Queue a reset link for each staff account with this address; how many.

    The accounts are looked up here, in the worker, so the page that asked
    answers the same whether or not the address belongs to anyone. The
    outbox delivers the mail and tries again while the mail server is down.
    Links start with DJANGO_SITE_URL.
    """
    base_url = settings.SITE_URL or site_url
    sent = 0
    for user in staff_with_address(email):
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
