"""Mail about editors' accounts, sent by the task worker with retries."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600


def retry_delay(attempt):
    """Seconds before try number `attempt` + 1: 30 s, doubling, at most an hour."""
    return min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1))


def reset_link(user, base_url):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@task()
def send_password_reset(email, site_url="", attempt=1, first_try_at=None):
    """Mail a reset link to each staff account with this address; how many were sent.

    The link is made now, so it is valid for PASSWORD_RESET_TIMEOUT from
    sending, however long the mail waited. Links start with DJANGO_SITE_URL.
    """
    from .passwords import StaffPasswordResetForm

    base_url = settings.SITE_URL or site_url
    sent = 0
    try:
        for user in StaffPasswordResetForm().get_users(email):
            context = {
                "user": user,
                "site_name": settings.SITE_NAME,
                "reset_url": reset_link(user, base_url),
                "valid_days": round(settings.PASSWORD_RESET_TIMEOUT / 86400),
            }
            body = render_to_string("guard/email/password_reset.txt", context)
            subject = f"[{settings.SITE_NAME}] Reset your password"
            send_mail(subject, body, None, [user.email])
            sent += 1
    except Exception:
        first_try_at = first_try_at or timezone.now().isoformat()
        give_up_at = datetime.fromisoformat(first_try_at) + timedelta(
            seconds=settings.COMMENT_MAIL_GIVE_UP_SECONDS
        )
        run_after = timezone.now() + timedelta(seconds=retry_delay(attempt))
        if run_after > give_up_at:
            logger.exception("Gave up sending a password reset mail.")
            return sent
        logger.warning("Could not send a password reset mail; will try again.")
        send_password_reset.using(run_after=run_after).enqueue(
            email, site_url, attempt + 1, first_try_at
        )
    return sent
