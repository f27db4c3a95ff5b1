"""Commenters ask for reply notices in the browser, confirm by mail, are trusted by their key."""

import json
import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from comments.moderation import set_status
from subscriptions.models import Subscription
from tests.conftest import SEED_SLUG
from tests.e2e.test_commenting import AWAITING, fill_comment_form, post_button
from tests.subscriptions.helpers import make_verified

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
NOTIFY = "Notify me of follow-up replies by email"
EMAIL = "lin.verified@example.com"


def confirm_link(mail_server, site):
    (received,) = mail_server.wait_for(1)
    assert received.recipients == [EMAIL]
    match = re.search(re.escape(site.base) + r"(/subscriptions/confirm/\S+?/)\s", received.text())
    assert match, received.text()
    return match.group(1)


def test_a_confirmed_browser_keeps_its_key_and_its_next_comment_appears_at_once(
    new_context, site, settings, mail_server, run_tasks
):
    settings.SITE_URL = site.base
    page = new_context().new_page()
    page.goto(ARTICLE)
    fill_comment_form(page, comment="Please tell me about replies.", name="Lin", email=EMAIL)
    page.get_by_label(NOTIFY).check()
    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()

    run_tasks()
    page.goto(confirm_link(mail_server, site))
    assert page.evaluate("localStorage.getItem('immunoblog.commenterKeys')") is None
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your address is confirmed")
    keys = json.loads(page.evaluate("localStorage.getItem('immunoblog.commenterKeys')"))
    assert list(keys) == [EMAIL]
    expect(page.get_by_text("This browser now remembers you")).to_be_visible()
    expect(page.get_by_text("that takes JavaScript")).to_be_hidden()

    first = Comment.objects.get()
    set_status(Comment.objects.filter(pk=first.pk), Comment.Status.APPROVED)
    page.goto(ARTICLE)
    fill_comment_form(page, comment="Back again, trusted.", name="Lin", email=EMAIL.upper())
    post_button(page).click()
    second = page.locator("li.comment", has_text="Back again, trusted.")
    expect(second).to_be_visible()
    expect(page.get_by_text(AWAITING)).to_have_count(0)
    assert Comment.objects.get(body="Back again, trusted.").status == Comment.Status.APPROVED

    stranger = new_context().new_page()
    stranger.goto(ARTICLE)
    expect(stranger.get_by_text("Back again, trusted.")).to_be_visible()
    fill_comment_form(stranger, comment="Typed the same address.", name="Lin", email=EMAIL)
    post_button(stranger).click()
    expect(stranger.get_by_text(AWAITING)).to_be_visible()


def test_without_javascript_the_box_still_sends_the_confirmation_mail(
    new_context, site, settings, mail_server, run_tasks
):
    settings.SITE_URL = site.base
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ARTICLE)
    fill_comment_form(page, comment="No scripts, but notices please.", name="Lin", email=EMAIL)
    page.get_by_label(NOTIFY).check()
    post_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your comment")
    expect(page.get_by_label(NOTIFY)).to_be_checked()
    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    run_tasks()
    page.goto(confirm_link(mail_server, site))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your address is confirmed")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_follower_reads_the_reply_notice_and_unsubscribes_from_its_link(
    new_context, site, settings, seed_article, mail_server, run_tasks, javascript
):
    settings.SITE_URL = site.base
    followed = Comment.objects.create(
        article=seed_article, author_name="Lin", author_email=EMAIL, body="Tell me of replies.",
        status=Comment.Status.APPROVED,
    )  # fmt: skip
    make_verified(EMAIL, comment=followed)
    reply = Comment.objects.create(
        article=seed_article, parent=followed, author_name="Omar", author_email="o@example.org",
        body="Here is a reply.",
    )  # fmt: skip
    set_status(Comment.objects.filter(pk=reply.pk), Comment.Status.APPROVED)
    run_tasks()
    (notice,) = mail_server.wait_for(1)
    assert notice.recipients == [EMAIL]
    assert "Here is a reply." in notice.text()

    page = new_context(java_script_enabled=javascript).new_page()
    # The reply's permanent link, which leads to the page where the reply is now.
    reply_link = re.search(re.escape(site.base) + rf"(/comments/{reply.pk}/)\s", notice.text())
    page.goto(reply_link.group(1))
    expect(page).to_have_url(re.compile(rf"/articles/{seed_article.slug}/#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text("Here is a reply.")

    unsubscribe = re.search(re.escape(site.base) + r"(/subscriptions/unsubscribe/\S+?/)\s",
                            notice.text())  # fmt: skip
    page.goto(unsubscribe.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop email about your comments")
    assert Subscription.objects.filter(comment=followed).exists()  # opening it changes nothing
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert not Subscription.objects.exists()
