"""Shortcuts for the verified-commenter tests: ask for notices, confirm, follow like a reader."""

import re
import secrets

from django.test import TestCase
from django.utils import timezone

from comments.models import Comment
from subscriptions.models import Commenter, CommenterKey, Subscription
from subscriptions.services import key_digest
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data, make_comment

SITE = "https://blog.example.org"
NOTIFY = "Notify me of follow-up replies by email"


def ask_for_notices(client, article, email, **overrides):
    """Post a comment with "Notify me of follow-up replies by email" ticked."""
    return post_comment(client, comment_data(article, email=email, notify="on", **overrides))


def link_path(text, name):
    """The path of the /subscriptions/<name>/… link in a mail's text, checking its site."""
    match = re.search(rf"{re.escape(SITE)}(/subscriptions/{name}/[^/\s>]+/)", text)
    assert match, f"no {name} link in {text!r}"
    return match.group(1)


def confirm(client, path):
    """Open a confirmation link and press its button, as a browser does; the key handed out."""
    page = client.get(path)
    assert page.status_code == 200
    token = soup(page).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    return soup(response).find(id="commenter-key")["data-key"]


def make_verified(email, *, comment=None, key=None):
    """A commenter who confirmed `email`, with a browser key (returned) and following `comment`."""
    commenter = Commenter.objects.create(email=email, verified_at=timezone.now())
    key = key or secrets.token_urlsafe(32)
    CommenterKey.objects.create(commenter=commenter, digest=key_digest(key))
    if comment is not None:
        Subscription.objects.create(commenter=commenter, comment=comment)
    return commenter, key


def make_reply(parent, status=Comment.Status.PENDING, **overrides):
    return make_comment(parent.article, parent=parent, status=status, **overrides)
