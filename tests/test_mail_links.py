"""Every mail the site sends links to the site with absolute addresses, in every mode.

`make run` sets no DJANGO_SITE_URL: links then start with the address it
serves on. Notices carry `List-Unsubscribe`, and RFC 8058's one-click
`List-Unsubscribe-Post` only where the site is https.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, TestCase

from comments.models import EditorMailPreference, PrivacyRequest
from comments.tasks import notify_editors, notify_editors_published, send_privacy_link
from guard.tasks import send_password_reset
from subscriptions.models import Notice, Subscription
from subscriptions.tasks import _mail_notice, send_confirmation, send_digest
from tests.factories import make_comment, make_editor
from tests.subscriptions.helpers import make_verified

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT = "http://127.0.0.1:8000"
EMAIL = "flora@example.com"
LINK = re.compile(r"""(?:https?://|href=["']?)[^\s"'<>]+|(?<![\w/.:])/[a-z][\w/.-]*/""")


def links(mail):
    """Every address-looking thing in a mail's text and HTML, relative ones too."""
    texts = [mail.body] + [content for content, _ in getattr(mail, "alternatives", [])]
    found = []
    for text in texts:
        for match in LINK.findall(text):
            found.append(match.removeprefix("href=").strip("\"'"))
    return found


@pytest.fixture
def development(settings):
    """What `make run` gives: debug on and the settings' own site address."""
    settings.DEBUG = True
    settings.SITE_URL = DEVELOPMENT


@pytest.fixture
def https_site(settings):
    settings.SITE_URL = "https://blog.example.org"


@pytest.fixture
def every_mail(seed_article, run_tasks, mailoutbox):
    """One mail of every kind the site sends; the outbox delivers them."""
    editor = make_editor(email="ed@example.org")
    EditorMailPreference.objects.create(user=editor, published_comments=True)
    comment = make_comment(seed_article, author_name="Flora", author_email=EMAIL)
    commenter, _ = make_verified(EMAIL, comment=comment)
    reply = make_comment(seed_article, parent=comment, author_name="Ravi")
    Notice.objects.create(commenter=commenter, comment=reply, kind=Notice.Kind.REPLY)
    request = PrivacyRequest.objects.create(kind=PrivacyRequest.Kind.EXPORT, email=EMAIL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify_editors.call(reply.pk)
        notify_editors_published.call(reply.pk)
        send_privacy_link.call(request.pk)
        send_password_reset.call("ed@example.org")
        send_confirmation.call(comment.pk)
        _mail_notice(commenter, Notice.Kind.REPLY, reply)
        _mail_notice(commenter, Notice.Kind.APPROVED, comment)
        send_digest.call(commenter.pk)
    run_tasks()
    return mailoutbox


def test_settings_default_the_site_url_to_the_development_server_when_debug_is_on():
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SITE_URL", "DJANGO_DEBUG"}}
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "immunoblog.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == DEVELOPMENT


def test_every_kind_of_mail_links_to_the_development_site_with_absolute_links(
    development, every_mail
):
    kinds = {mail.subject.split("] ", 1)[-1].split(" ")[0] for mail in every_mail}
    assert len(every_mail) == 8, kinds
    for mail in every_mail:
        found = links(mail)
        assert found, mail.subject
        assert all(link.startswith(DEVELOPMENT + "/") for link in found), (mail.subject, found)


def test_every_kind_of_mail_links_to_the_https_site_with_absolute_links(https_site, every_mail):
    for mail in every_mail:
        found = links(mail)
        assert all(link.startswith("https://blog.example.org/") for link in found), found


def notices(mails):
    return [mail for mail in mails if "/subscriptions/unsubscribe/" in mail.body]


def test_notices_over_http_carry_list_unsubscribe_without_one_click(development, every_mail):
    sent = notices(every_mail)
    subjects = " ".join(mail.subject for mail in sent)
    assert all(kind in subjects for kind in ("replied", "was approved", "new notice")), subjects
    for mail in sent:
        assert re.fullmatch(
            rf"<{re.escape(DEVELOPMENT)}/subscriptions/unsubscribe/[^/>]+/>",
            mail.extra_headers["List-Unsubscribe"],
        )
        assert "List-Unsubscribe-Post" not in mail.extra_headers


def test_notices_over_https_offer_one_click_unsubscribe(https_site, every_mail):
    for mail in notices(every_mail):
        assert mail.extra_headers["List-Unsubscribe"].startswith("<https://blog.example.org/")
        assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def unsubscribe_path(mail):
    return (
        mail.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("https://blog.example.org")
    )


def test_a_one_click_post_unsubscribes_without_a_token_or_a_confirmation(https_site, every_mail):
    path = unsubscribe_path(notices(every_mail)[0])
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_the_unsubscribe_link_opened_in_a_browser_asks_before_it_unsubscribes(
    https_site, every_mail
):
    path = unsubscribe_path(notices(every_mail)[0])
    page = Client().get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Subscription.objects.exists()
