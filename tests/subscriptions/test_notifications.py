"""Reply notices: mailed when a reply becomes public, by every path, to verified followers only.

Against a real SMTP server (tests/smtp.py); links start with DJANGO_SITE_URL.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import set_status
from comments.privacy import erase_commenter
from outbox.tasks import retry_delay
from subscriptions.models import Commenter, Notice, Subscription
from tests.comments.helpers import post_comment
from tests.factories import comment_data, make_comment, make_editor
from tests.subscriptions.helpers import SITE, ask_for_notices, link_path, make_reply, make_verified

pytestmark = pytest.mark.django_db

EMAIL = "follower@example.com"


@pytest.fixture
def followed(seed_article):
    """An approved comment whose verified author follows it."""
    comment = make_comment(seed_article, author_name="Flora", author_email=EMAIL)
    make_verified(EMAIL, comment=comment)
    return comment


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


def approve_with_action(editor_client, *comments):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "approve", ACTION_CHECKBOX_NAME: [comment.pk for comment in comments]},
        )
    assert response.status_code == 302


def approve_with_change_form(editor_client, comment):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = editor_client.post(
            reverse("admin:comments_comment_change", args=[comment.pk]),
            {
                "status": "approved",
                "author_name": comment.author_name,
                "author_email": comment.author_email,
                "author_url": "",
                "body": comment.body,
            },
        )
    assert response.status_code == 302


def approve_with_set_status(editor_client, comment):
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)


@pytest.mark.parametrize(
    "approve", [approve_with_action, approve_with_change_form, approve_with_set_status]
)
def test_a_pending_reply_sends_nothing_and_its_approval_sends_one_mail(
    followed, editor_client, mail_server, run_tasks, approve
):
    reply = make_reply(followed, author_name="Ravi", body="Thank you, <em>Flora</em>.")
    run_tasks()
    assert mail_server.received == []
    approve(editor_client, reply)
    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.APPROVED
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == [EMAIL]
    title = followed.article.title
    assert received.subject.strip() == f"[Immunoblog] Ravi replied to your comment on “{title}”"
    assert "Thank you, <em>Flora</em>." in received.text()  # the text as typed
    assert "Thank you, <em>Flora</em>." in received.html()  # the sanitised HTML
    assert f"{SITE}{reply.get_absolute_url()}" in received.text()
    unsubscribe = f"{SITE}{link_path(received.text(), 'unsubscribe')}"
    # Long headers are folded; a reader unfolds them.
    assert received.message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    run_tasks()
    assert len(mail_server.received) == 1  # once only


def test_a_reply_published_at_once_is_mailed_at_once(
    client, followed, discussion_rules, mail_server, run_tasks
):
    discussion_rules(manual_approval=False)
    data = comment_data(followed.article, parent=str(followed.pk), comment="Published at once.")
    assert post_comment(client, data).status_code == 302
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert "Published at once." in received.text()


def test_the_authors_own_reply_is_not_mailed_to_them(
    followed, editor_client, mail_server, run_tasks
):
    own = make_reply(followed, author_email=" Follower@Example.com")
    approve_with_action(editor_client, own)
    run_tasks()
    assert mail_server.received == []


def test_an_address_that_was_never_confirmed_is_never_mailed(
    client, seed_article, editor_client, mail_server, run_tasks
):
    ask_for_notices(client, seed_article, EMAIL)
    run_tasks()
    mail_server.wait_for(1)
    assert len(mail_server.to(EMAIL)) == 1  # the confirmation, nothing more
    asked = Comment.objects.get()
    set_status(Comment.objects.filter(pk=asked.pk), Comment.Status.APPROVED)
    reply = make_reply(asked)
    approve_with_action(editor_client, reply)
    run_tasks()
    assert len(mail_server.to(EMAIL)) == 1
    assert Commenter.objects.get().verified_at is None


def test_unsubscribe_get_changes_nothing_and_one_click_post_unsubscribes(
    followed, editor_client, mail_server, run_tasks
):
    approve_with_action(editor_client, make_reply(followed))
    run_tasks()
    path = link_path(mail_server.wait_for(1)[0].text(), "unsubscribe")
    page = Client().get(path)
    assert page.status_code == 200
    assert "Unsubscribe" in page.content.decode()
    assert not page.cookies  # a page without a token, so a mail client needs none either
    assert Subscription.objects.count() == 1
    # As a mail provider sends it: no cookie, no token.
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert not Subscription.objects.exists()
    approve_with_action(editor_client, make_reply(followed))
    run_tasks()
    assert len(mail_server.received) == 1
    assert Client().post(path[:-3] + "x/").status_code == 404


def test_a_burst_of_fifty_replies_sends_the_hourly_cap_then_one_digest(
    followed, editor_client, settings, mail_server, run_tasks
):
    settings.COMMENT_NOTIFY_PER_HOUR = 4
    replies = [make_reply(followed, body=f"Reply number {n}.") for n in range(50)]
    approve_with_action(editor_client, *replies)
    run_tasks()
    assert len(mail_server.wait_for(4)) == 4
    assert Notice.objects.count() == 46
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        run_tasks()
    assert len(mail_server.received) == 4
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=5)):
        run_tasks()
    received = mail_server.wait_for(5)
    assert len(received) == 5
    digest = received[-1]
    assert digest.subject == "[Immunoblog] 46 new notices about your comments"
    assert "Reply number 4." in digest.text()
    assert "Reply number 24." not in digest.text()
    assert "…and 26 more." in digest.text()
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notice.objects.exists()


def test_a_mail_server_down_during_approval_delays_the_notice_and_loses_none(
    followed, editor_client, mail_server, run_tasks
):
    mail_server.down()
    approve_with_action(editor_client, make_reply(followed, body="Worth the wait."))
    run_tasks()
    mail_server.up()
    assert mail_server.received == []
    with time_machine.travel(timezone.now() + timedelta(seconds=retry_delay(1) + 1)):
        run_tasks()
    (received,) = mail_server.wait_for(1)
    assert "Worth the wait." in received.text()


def test_a_verified_authors_held_comment_is_announced_when_approved(
    seed_article, editor_client, mail_server, run_tasks
):
    held = make_comment(seed_article, author_email=EMAIL, status=Comment.Status.PENDING)
    make_verified(EMAIL, comment=held)
    approve_with_action(editor_client, held)
    run_tasks()
    (received,) = mail_server.wait_for(1)
    title = seed_article.title
    assert received.subject.strip() == f"[Immunoblog] Your comment on “{title}” was approved"
    assert f"{SITE}{held.get_absolute_url()}" in received.text()
    assert received.message["List-Unsubscribe"].strip().startswith(f"<{SITE}/subscriptions/")


def test_editors_can_turn_the_notices_off_for_the_whole_site(
    followed, editor_client, discussion_rules, mail_server, run_tasks
):
    discussion_rules(notify_commenters=False)
    approve_with_action(editor_client, make_reply(followed))
    run_tasks()
    assert mail_server.received == []


def test_an_erased_commenter_gets_nothing(followed, editor_client, mail_server, run_tasks):
    reply = make_reply(followed)
    erase_commenter(EMAIL)
    approve_with_action(editor_client, reply)
    run_tasks()
    assert mail_server.received == []
    assert not Commenter.objects.exists()


def test_a_replys_markup_reaches_the_html_mail_sanitised(
    followed, editor_client, mail_server, run_tasks
):
    reply = make_reply(
        followed,
        author_name="<b>Mallory</b>",
        body='<script>alert(1)</script><a href="javascript:x">go</a>',
    )
    approve_with_action(editor_client, reply)
    run_tasks()
    (received,) = mail_server.wait_for(1)
    html = received.html()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "<b>Mallory</b>" not in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
