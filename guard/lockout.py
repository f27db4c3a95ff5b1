"""Password guessing from many addresses: a cap per account that cannot lock its editor out.

django-axes locks a (username, address) pair after AXES_FAILURE_LIMIT
failures, so nobody can aim a lock-out at an editor from elsewhere; but
someone with many addresses gets that many guesses from each. On top of
it, ACCOUNT_FAILURE_LIMIT failures against one account, from all addresses
together within the cool-off, close that account to every browser that has
not signed in to it before.

A browser that signs in, or sets a new password through a reset link, gets
a signed cookie naming the account (the "device cookie" OWASP describes),
and the cap does not apply to it; the per-address lock still does. So
others can never lock an editor out: on a browser they have used, they sign
in as usual; on a new one, they reset the password by email (each reset
mail carries a working link), and that browser is trusted from then on.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Sum

# Failures against one account from all addresses together, within the
# cool-off (AXES_COOLOFF_TIME), before browsers it does not know are refused.
ACCOUNT_FAILURE_LIMIT = 20
DEVICE_COOKIE = "editor_device"
DEVICE_SALT = "guard.lockout.device"
DEVICE_MAX_AGE = 180 * 24 * 3600


def account_failures(username, since):
    """Failed sign-ins against this account from every address since `since`."""
    attempts = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def trusted_username(request):
    """The account this browser has signed in to before (its device cookie), or None."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        return signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None


def trust_this_browser(response, user):
    """Give the browser that signed in as `user` its device cookie."""
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(user.get_username(), salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        path="/admin/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class AccountCapHandler(AxesDatabaseHandler):
    """axes' database handler, plus the per-account cap for browsers the account does not know.

    is_locked refuses the password check; user_login_failed marks the
    request, so axes' middleware answers with the lock-out page.
    """

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.capped(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        locked = request is None or getattr(request, "axes_locked_out", False)
        if not locked and self.capped(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def capped(self, request, credentials):
        username = get_client_username(request, credentials)
        if not username or trusted_username(request) == username:
            return False
        since = get_cool_off_threshold(request)
        return account_failures(username, since) >= ACCOUNT_FAILURE_LIMIT
