"""Commenters download or erase their own data in the browser, through the link mailed to them."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
EMAIL = "rosa.reader@example.com"


def ask_for_a_link(page, kind):
    page.goto(ARTICLE)
    page.get_by_role("link", name=re.compile("Your data")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data: download or erase it")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(re.compile("Erase" if kind == "erase" else "Download")).check()
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")


def mailed_link(mail_server, run_tasks, site):
    run_tasks()
    (received,) = mail_server.wait_for(1)
    assert received.recipients == [EMAIL]
    match = re.search(
        re.escape(site.base) + r"(/comments/privacy/confirm/\S+?/)\s", received.text()
    )
    assert match, received.text()
    return match.group(1)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_commenter_downloads_their_data_by_the_mailed_link(
    new_context, site, settings, seed_article, mail_server, run_tasks, javascript
):
    settings.SITE_URL = site.base
    make_comment(seed_article, author_name="Rosa", author_email=EMAIL, body="Rosa's question.")
    page = new_context(java_script_enabled=javascript, accept_downloads=True).new_page()
    ask_for_a_link(page, "download")

    page.goto(mailed_link(mail_server, run_tasks, site))
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["email"] == EMAIL
    assert [comment["text"] for comment in document["comments"]] == ["Rosa's question."]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_commenter_erases_their_data_by_the_mailed_link(
    new_context, site, settings, seed_article, mail_server, run_tasks, javascript
):
    settings.SITE_URL = site.base
    comment = make_comment(seed_article, author_name="Rosa", author_email=EMAIL, body="Erase me.")
    page = new_context(java_script_enabled=javascript).new_page()
    ask_for_a_link(page, "erase")

    page.goto(mailed_link(mail_server, run_tasks, site))
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your data")
    page.get_by_role("button", name="Erase my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data is erased")
    comment.refresh_from_db()
    assert (comment.author_name, comment.author_email) == ("Anonymous", "")

    page.goto(ARTICLE)
    card = page.locator(f"#comment-{comment.pk}")
    expect(card).to_contain_text("Erase me.")
    expect(card.locator(".comment-author")).to_have_text("Anonymous")
    assert Comment.objects.filter(author_email=EMAIL).count() == 0
