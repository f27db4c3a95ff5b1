"""Editors hear about every comment that waits for them; a broken mail server loses nothing."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.tasks import retry_delay
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_editor, make_user

pytestmark = pytest.mark.django_db


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_pending_comment_emails_the_editors(client, seed_article, mailoutbox, run_tasks):
    make_editor(email="ed@example.org")
    make_editor(email="second-ed@example.org")
    make_user(email="reader@example.org")
    post_comment(client, comment_data(seed_article, author="Rosa", comment="Held for review."))
    assert mailoutbox == []  # the post never waits on the mail server
    run_tasks()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["ed@example.org", "second-ed@example.org"]
    assert message.subject == f"[Immunoblog] Please moderate: “{seed_article.title}”"
    comment = Comment.objects.get()
    assert "Rosa" in message.body
    assert "Held for review." in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body


def test_superusers_are_told_as_well(client, seed_article, mailoutbox, run_tasks):
    make_user(email="root@example.org", is_superuser=True, is_staff=True)
    post_comment(client, comment_data(seed_article))
    run_tasks()
    assert mailoutbox[0].to == ["root@example.org"]


def test_approved_comment_sends_no_email(
    client, seed_article, mailoutbox, discussion_rules, run_tasks
):
    discussion_rules(manual_approval=False)
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article))
    run_tasks()
    assert mailoutbox == []


def test_a_mail_server_that_is_down_delays_the_notice_and_loses_none(
    client, seed_article, settings, caplog, mailoutbox, run_tasks
):
    settings.EMAIL_BACKEND = "tests.comments.test_notifications.BrokenEmailBackend"
    make_editor(email="ed@example.org")
    response = post_comment(client, comment_data(seed_article, comment="Worth keeping."))
    assert response.status_code == 302
    assert Comment.objects.get().body == "Worth keeping."
    with caplog.at_level(logging.WARNING, logger="comments"):
        run_tasks()
    assert "Could not mail the editors" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)):
        run_tasks()
    assert len(mailoutbox) == 1
    assert "Worth keeping." in mailoutbox[0].body


def test_notices_are_given_up_after_the_give_up_time(
    client, seed_article, settings, caplog, run_tasks
):
    settings.EMAIL_BACKEND = "tests.comments.test_notifications.BrokenEmailBackend"
    settings.COMMENT_MAIL_GIVE_UP_SECONDS = 60
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article))
    run_tasks()
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)),
        caplog.at_level(logging.ERROR, logger="comments"),
    ):
        run_tasks()
    assert "Gave up mailing the editors" in caplog.text
    assert not DBTaskResult.objects.ready().exists()
