"""A way back in for editors: reset the password by email, which also lifts a lock-out.

Django's password-reset views under /admin/, with the admin's templates. Two
changes: the mail is sent by the task worker (queued with the address typed,
so the page does the same work whether or not the address belongs to an
editor, and says the same), and only staff accounts get one. Choosing a new
password through the link lifts that account's lock-out (django-axes) and
trusts that browser, as signing in does (guard.lockout).
"""

from axes.utils import reset as reset_lockouts
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy

from .clientaddr import client_limit_address
from .lockout import trust_this_browser
from .ratelimit import hit
from .siteurl import site_url
from .tasks import send_password_reset, staff_with_address

# Reset requests one client may make per hour; each may send mail to an editor.
RESET_REQUESTS_PER_HOUR = 5
# What the admin's templates show in the header and title.
ADMIN_CONTEXT = {"site_header": "Immunoblog editors", "site_title": "Immunoblog editors"}


class StaffPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return staff_with_address(email)

    def save(self, request=None, **kwargs):
        """Queue the mail; the task finds the accounts and makes the link."""
        send_password_reset.enqueue(self.cleaned_data["email"], site_url(request))


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    extra_context = ADMIN_CONTEXT

    def form_valid(self, form):
        address = client_limit_address(self.request)
        if hit("password-reset", address, window_seconds=3600) > RESET_REQUESTS_PER_HOUR:
            # On the field: the admin's template shows no form-wide errors.
            form.add_error(
                "email",
                ValidationError(
                    "Too many password resets were asked for from your address. "
                    "Please try again in an hour.",
                    code="rate_limited",
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
    extra_context = ADMIN_CONTEXT

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockouts(username=self.user.get_username())
        # The way in that guessing cannot close (guard.lockout).
        trust_this_browser(response, self.user)
        return response


def admin_login(request, **kwargs):
    """The admin's sign-in; a browser that signs in is trusted for that account (guard.lockout)."""
    response = admin.site.login(request, **kwargs)
    if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
        trust_this_browser(response, request.user)
    return response
