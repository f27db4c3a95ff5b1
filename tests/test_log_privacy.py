"""No log line, at any level, names a commenter's or editor's IP address or email.

The attack surface: the comments logger wrote commenters' IPs at INFO
("robot trap (from 127.0.16.176)"), axes named the client of every failed
login, and the console mail backend printed moderation mails into the
server log. Every posting path runs here with logging at DEBUG everywhere;
the comment's id is what the logs may name.
"""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import set_status
from subscriptions.models import Subscription
from tests import smtp
from tests.comments.helpers import post_comment, soup
from tests.factories import comment_data, make_comment, make_editor
from tests.subscriptions.helpers import SITE, confirm, link_path
from tests.test_security import log_in_through_the_admin_form

pytestmark = pytest.mark.django_db

EMAIL = "secret.person@example.org"
IPV4 = "198.51.100.123"
IPV6 = "2001:db8:77::5"
PERSONAL = [EMAIL, IPV4, IPV6, "2001:db8:77::", "secret.person"]


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(logging.Formatter("%(name)s %(levelname)s %(message)s").format(record))


@pytest.fixture
def log_lines():
    """Every record of every logger at DEBUG, non-propagating ones included.

    The test mail server's own log (what it received) is not the site's.
    """
    recorder = Recorder()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
        and not logger.propagate
        and logger.name != smtp.SERVER_LOGGER
    ]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.addHandler(recorder)
        logger.setLevel(logging.DEBUG)
    yield recorder.lines
    for logger in loggers:
        logger.removeHandler(recorder)
        logger.setLevel(levels[logger])


def assert_nothing_personal(lines):
    assert lines, "nothing was logged: the test would prove nothing"
    leaks = [line for line in lines if any(value in line for value in PERSONAL)]
    assert leaks == []


@pytest.mark.usefixtures("one_rate_window")
@pytest.mark.parametrize("address", [IPV4, IPV6])
def test_every_posting_path_logs_nothing_personal(
    client, seed_article, settings, discussion_rules, mailoutbox, run_tasks, log_lines, address
):
    settings.COMMENT_FLOOD_SECONDS = 15
    settings.COMMENT_RATE_PER_MINUTE = 6
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    discussion_rules(moderation_words="secret.person", disallowed_words=address)
    make_editor(email="editor@example.org")
    send = {"REMOTE_ADDR": address}
    held = comment_data(seed_article, email=EMAIL, comment="Held for a word.")
    post_comment(client, held, **send)  # spam: the disallowed word is the address
    post_comment(client, held, **send)  # duplicate
    post_comment(client, comment_data(seed_article, email=EMAIL), **send)  # flood
    post_comment(client, comment_data(seed_article, email="bad", phone="robot"), **send)  # trap
    post_comment(client, comment_data(seed_article, email="not an address"), **send)  # invalid
    post_comment(Client(enforce_csrf_checks=True), comment_data(seed_article), **send)  # confirm
    post_comment(client, comment_data(seed_article), HTTP_ORIGIN="https://evil.example", **send)
    for _ in range(3):
        post_comment(client, comment_data(seed_article, email=EMAIL), **send)  # rate limited
    discussion_rules(disallowed_words="")
    settings.COMMENT_RATE_PER_MINUTE = 0
    settings.COMMENT_FLOOD_SECONDS = 0
    post_comment(client, comment_data(seed_article, email=EMAIL, author="Secret Person"), **send)
    run_tasks()
    assert mailoutbox  # the notice was sent, and its log lines are in
    assert_nothing_personal(log_lines)


def test_mail_that_fails_and_is_given_up_logs_nothing_personal(
    client, seed_article, settings, run_tasks, log_lines, mail_server
):
    # The server's refusal quotes the address; the log must not repeat it.
    mail_server.refuse_recipients()
    settings.COMMENT_MAIL_GIVE_UP_SECONDS = 60
    make_editor(email=EMAIL)
    post_comment(client, comment_data(seed_article, email=EMAIL), REMOTE_ADDR=IPV4)
    run_tasks()
    with time_machine.travel(timezone.now() + timedelta(seconds=120)):
        run_tasks()
    assert any("Gave up" in line for line in log_lines)
    assert_nothing_personal(log_lines)


def test_failed_logins_lockouts_and_resets_log_nothing_personal(
    settings, run_tasks, mailoutbox, log_lines
):
    editor = make_editor(username="secret.person", email=EMAIL)
    client = Client()
    for _ in range(6):
        log_in_through_the_admin_form(client, editor.username, "guess", REMOTE_ADDR=IPV4)
    Client().post(reverse("admin_password_reset"), {"email": EMAIL}, REMOTE_ADDR=IPV4)
    run_tasks()
    assert mailoutbox
    other = Client()
    log_in_through_the_admin_form(other, editor.username, "correct horse battery", REMOTE_ADDR=IPV6)
    assert any("AXES" in line for line in log_lines)
    assert_nothing_personal(log_lines)


def test_confirmations_notices_digests_and_unsubscribing_log_nothing_personal(
    client, seed_article, settings, mail_server, run_tasks, log_lines
):
    settings.SITE_URL = SITE
    settings.COMMENT_NOTIFY_PER_HOUR = 1
    for n in range(2):  # the second asks again too soon
        data = comment_data(seed_article, email=EMAIL, notify="on", comment=f"Follow {n}.")
        post_comment(client, data, REMOTE_ADDR=IPV4)
    run_tasks()
    key = confirm(client, link_path(mail_server.wait_for(1)[0].text(), "confirm"))
    assert key
    followed = Subscription.objects.get().comment
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        set_status(Comment.objects.filter(pk=followed.pk), Comment.Status.APPROVED)
    for n in range(2):
        make_comment(seed_article, parent=followed, author_email=EMAIL.upper() + "x", body=f"R{n}")
    run_tasks()
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        run_tasks()
    received = mail_server.wait_for(3)
    assert len(received) == 3  # confirmation, approval, then one digest of both replies
    Client().post(link_path(received[-1].text(), "unsubscribe"))
    assert any("digest" in line for line in log_lines)


@pytest.mark.usefixtures("one_rate_window")
def test_editing_and_privacy_requests_log_nothing_personal(
    client, seed_article, settings, discussion_rules, run_tasks, log_lines, mail_server
):
    settings.SITE_URL = "https://blog.example.org"
    settings.COMMENT_RATE_PER_MINUTE = 5
    discussion_rules(manual_approval=False, hold_link_count=1)
    send = {"REMOTE_ADDR": IPV4}
    posted = post_comment(client, comment_data(seed_article, email=EMAIL), **send)
    landing = client.get(posted["Location"], **send)
    edit_url = soup(landing).select_one("a.comment-edit-link")["href"]
    edits = [
        (edit_url, "Edited once."),
        (edit_url, "Now with https://example.org/ in it."),  # back to pending
        (edit_url, ""),  # invalid
        (edit_url.rstrip("/") + "x/", "Forged."),  # refused
        (edit_url, "Too fast."),  # rate limited
    ]
    statuses = []
    for url, text in edits:
        with TestCase.captureOnCommitCallbacks(execute=True):
            statuses.append(client.post(url, {"comment": text}, **send).status_code)
    assert statuses == [302, 302, 400, 403, 429]
    for kind, address in (("export", EMAIL), ("erase", EMAIL), ("erase", "no.one@example.org")):
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("comments:privacy"), {"email": address, "kind": kind}, **send)
    run_tasks()
    links = [
        re.search(r"https://blog\.example\.org(\S+)", mail.text()).group(1)
        for mail in mail_server.wait_for(2)
    ]
    assert len(links) == 2
    for link in links:
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(link, **send).status_code == 200
    assert any("Privacy request" in line for line in log_lines)
    assert any("was edited" in line for line in log_lines)
    assert_nothing_personal(log_lines)
