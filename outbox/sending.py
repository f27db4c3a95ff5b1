"""Sending mail: the one way the site does it.

`send()` stores a Mail row per recipient and, once the transaction commits,
asks the task worker to deliver it; the request never waits on a mail
server. `deliver` (outbox/tasks.py) tries, and tries again with a growing
delay while the server is down, until COMMENT_MAIL_GIVE_UP_SECONDS have
passed: a mail server that is down delays mail and loses none.
"""

from django.db import transaction

from .addresses import mailbox_key_or_blank
from .models import Mail
from .tasks import deliver


def send(kind, to, subject, text, *, html="", headers=None):
    """Queue one message to each address in `to`; return the Mail rows."""
    addresses = [to] if isinstance(to, str) else list(to)
    mails = [
        Mail.objects.create(
            kind=kind, to=address, subject=subject, text=text, html=html, headers=headers or {}
        )
        for address in dict.fromkeys(addresses)
    ]
    for mail in mails:
        transaction.on_commit(lambda pk=mail.pk: deliver.enqueue(pk))
    return mails


def mails_to(email):
    """The record of mail sent or waiting for this address's mailbox (outbox.addresses)."""
    key = mailbox_key_or_blank(email)
    return Mail.objects.filter(to_key=key) if key else Mail.objects.none()
