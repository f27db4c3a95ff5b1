"""Mail with nowhere to go: production without a mail host.

Django's console backend would print every message (addresses, IPs, the
comment) into the server's log. This backend refuses to send instead, so the
task that sends the mail fails and is tried again later, until the operator
configures a mail host or the task gives up; `check --deploy` reports it.
"""

from django.core.mail.backends.base import BaseEmailBackend


class MailNotConfigured(ConnectionError):
    pass


class UnconfiguredBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        if self.fail_silently:
            return 0
        raise MailNotConfigured("No mail server is configured (DJANGO_EMAIL_HOST).")
