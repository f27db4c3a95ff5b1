"""Editors hear about every comment that waits for them; a broken mail server loses nothing."""

import logging
import re
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from outbox.models import Mail
from outbox.tasks import retry_delay
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_editor, make_user
from tests.servers import PYTHON, ROOT, clean_env

pytestmark = pytest.mark.django_db


def test_pending_comment_emails_the_editors(client, seed_article, mailoutbox, run_tasks):
    make_editor(email="ed@example.org")
    make_editor(email="second-ed@example.org")
    make_user(email="reader@example.org")
    post_comment(client, comment_data(seed_article, author="Rosa", comment="Held for review."))
    assert mailoutbox == []  # the post never waits on the mail server
    run_tasks()
    # One message per editor: no editor's address is shown to another.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "ed@example.org",
        "second-ed@example.org",
    ]
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
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


def test_the_editors_notice_reaches_a_real_mail_server(
    client, seed_article, mail_server, run_tasks
):
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article, author="Rosa", comment="Over SMTP."))
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == ["ed@example.org"]
    assert "Please moderate" in received.subject
    assert "Over SMTP." in received.text()


def test_a_mail_server_that_is_down_delays_the_notice_and_loses_none(
    client, seed_article, caplog, mail_server, run_tasks
):
    make_editor(email="ed@example.org")
    mail_server.down()
    response = post_comment(client, comment_data(seed_article, comment="Worth keeping."))
    assert response.status_code == 302
    assert Comment.objects.get().body == "Worth keeping."
    with caplog.at_level(logging.WARNING, logger="outbox"):
        run_tasks()
    assert "Could not send mail" in caplog.text
    assert mail_server.received == []
    mail_server.up()
    with time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)):
        run_tasks()
    (received,) = mail_server.wait_for(1)
    assert "Worth keeping." in received.text()


def test_notices_are_given_up_after_the_give_up_time(
    client, seed_article, settings, caplog, mail_server, run_tasks
):
    settings.COMMENT_MAIL_GIVE_UP_SECONDS = 60
    make_editor(email="ed@example.org")
    mail_server.down()
    post_comment(client, comment_data(seed_article))
    run_tasks()
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)),
        caplog.at_level(logging.ERROR, logger="outbox"),
    ):
        run_tasks()
    assert "Gave up sending mail" in caplog.text
    assert not DBTaskResult.objects.ready().exists()
    (mail,) = Mail.objects.all()
    assert (mail.status, mail.attempts, mail.text) == (Mail.Status.GAVE_UP, 2, "")


# --- Links in mail come from DJANGO_SITE_URL ---------------------------------------
# The attack: links in the editors' mail were built from the poster's Host
# header, any port included.


def test_links_in_mail_come_from_the_site_url_not_the_posters_host(
    client, seed_article, mailoutbox, run_tasks, settings
):
    settings.SITE_URL = "https://blog.example.org"
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article), HTTP_HOST="testserver:6666")
    run_tasks()
    links = re.findall(r"https?://\S+", mailoutbox[0].body)
    assert links
    assert all(link.startswith("https://blog.example.org/") for link in links), links
    assert "6666" not in mailoutbox[0].body


def test_without_a_site_url_production_mail_carries_no_host_from_the_request(
    client, seed_article, mailoutbox, run_tasks, settings
):
    settings.SITE_URL = ""
    settings.DEBUG = False
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article), HTTP_HOST="testserver:6666")
    run_tasks()
    assert "testserver" not in mailoutbox[0].body
    assert "/admin/comments/comment/" in mailoutbox[0].body


def test_in_development_the_requests_host_stands_in_for_the_site_url(
    client, seed_article, mailoutbox, run_tasks, settings
):
    settings.SITE_URL = ""
    settings.DEBUG = True
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article))
    run_tasks()
    assert "http://testserver/admin/comments/comment/" in mailoutbox[0].body


# --- With debug off and no mail host, mail waits instead of being printed --------


def test_without_a_mail_host_mail_waits_in_the_queue_and_is_never_printed(
    client, seed_article, mailoutbox, run_tasks, settings, capsys
):
    settings.EMAIL_BACKEND = "guard.mail.UnconfiguredBackend"
    make_editor(email="ed@example.org")
    post_comment(client, comment_data(seed_article, comment="Private words, not for logs."))
    capsys.readouterr()
    run_tasks()
    printed = capsys.readouterr()
    assert "Private words" not in printed.out + printed.err
    assert "ed@example.org" not in printed.out + printed.err
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 1
    # A mail host is configured; the retry sends the notice.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)):
        run_tasks()
    assert len(mailoutbox) == 1
    assert "Private words" in mailoutbox[0].body


def test_production_without_a_mail_host_does_not_print_mail():
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.EMAIL_BACKEND)"
    env = clean_env(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    result = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert result.stdout.strip() == "guard.mail.UnconfiguredBackend", result.stderr
