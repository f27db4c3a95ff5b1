"""Editors hear about every comment that waits for them; a broken mail server loses nothing."""

import logging

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from comments.models import Comment
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_editor, make_user

pytestmark = pytest.mark.django_db


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_pending_comment_emails_the_editors(client, seed_article, mailoutbox):
    make_editor(email="ed@example.org")
    make_editor(email="second-ed@example.org")
    make_user(email="reader@example.org")
    post_comment(client, comment_data(seed_article, author="Rosa", comment="Held for review."))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["ed@example.org", "second-ed@example.org"]
    assert message.subject == f"[Immunoblog] Please moderate: “{seed_article.title}”"
    comment = Comment.objects.get()
    assert "Rosa" in message.body
    assert "Held for review." in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body


def test_superusers_are_told_as_well(client, seed_article, mailoutbox):
    make_user(email="root@example.org", is_superuser=True, is_staff=True)
    post_comment(client, comment_data(seed_article))
    assert mailoutbox[0].to == ["root@example.org"]


def test_approved_comment_sends_no_email(client, seed_article, mailoutbox, discussion_rules):
    discussion_rules(manual_approval=False)
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article))
    assert mailoutbox == []


def test_failing_mail_server_keeps_the_comment_and_logs(client, seed_article, settings, caplog):
    settings.EMAIL_BACKEND = "tests.comments.test_notifications.BrokenEmailBackend"
    make_editor(email="ed@example.org")
    with caplog.at_level(logging.ERROR, logger="comments"):
        response = post_comment(client, comment_data(seed_article, comment="Worth keeping."))
    assert response.status_code == 302
    assert Comment.objects.get().body == "Worth keeping."
    assert "Could not email the editors" in caplog.text
    assert "SMTP server unreachable" in caplog.text
    assert client.get(response["Location"]).status_code == 200
