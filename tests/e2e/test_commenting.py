"""Commenters post and reply through the real form; an editor moderates in the admin."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.e2e.conftest import save_screenshot
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
AWAITING = "Your comment is awaiting moderation."
SAVE_DETAILS = "Save my name, email, and website in this browser for the next time I comment."


def field(scope, label):
    """A form field found by its label ("Name", read out as "Name (required)" when required)."""
    return scope.get_by_label(re.compile(rf"^\s*{label}\*?(\s*\(required\))?\s*$"))


def fill_comment_form(scope, *, comment, name, email, website=""):
    """Type into the fields the way a reader finds them: by their labels."""
    field(scope, "Comment").press_sequentially(comment)
    field(scope, "Name").press_sequentially(name)
    field(scope, "Email").press_sequentially(email)
    if website:
        field(scope, "Website").press_sequentially(website)


def post_button(page):
    return page.get_by_role("button", name="Post Comment")


def test_comment_waits_for_an_editor_then_appears_for_everyone(new_context, seed_article):
    make_editor(username="moderator", first_name="Mo")
    commenter = new_context().new_page()
    commenter.goto(ARTICLE)
    fill_comment_form(
        commenter,
        comment="Does immunotherapy help with food allergies too?",
        name="Hannah Berg",
        email="hannah@example.com",
    )
    post_button(commenter).click()

    expect(commenter.get_by_text(AWAITING)).to_be_visible()
    mine = commenter.locator("li.comment.is-pending")
    expect(mine).to_contain_text("Does immunotherapy help with food allergies too?")
    expect(mine.locator(".comment-awaiting-moderation")).to_have_attribute("role", "status")

    reader = new_context().new_page()
    reader.goto(ARTICLE)
    expect(reader.locator("#respond")).to_be_visible()
    expect(reader.get_by_text("food allergies")).to_have_count(0)
    expect(reader.locator("#comments-title")).to_have_count(0)

    editor = new_context().new_page()
    editor.goto("/admin/")
    editor.get_by_label("Username").fill("moderator")
    editor.get_by_label("Password").fill("correct horse battery")
    editor.get_by_role("button", name="Log in").click()
    expect(editor.get_by_role("heading", name="Articles and discussion")).to_be_visible()
    editor.goto(reverse("admin:comments_comment_changelist") + "?status__exact=pending")
    pending = Comment.objects.get(author_name="Hannah Berg")
    row = editor.locator("#result_list tr", has_text="food allergies")
    row.get_by_role("checkbox").check()
    editor.locator("select[name=action]").select_option("approve")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("1 comment approved.")
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED

    reader.reload()
    expect(reader.locator("#comments-title")).to_have_text(f"One thought on “{seed_article.title}”")
    approved = reader.locator(f"#comment-{pending.pk}")
    expect(approved).to_contain_text("Does immunotherapy help with food allergies too?")
    expect(approved.locator(".comment-author")).to_have_text("Hannah Berg")
    expect(reader.get_by_text(AWAITING)).to_have_count(0)


@pytest.fixture
def marie(seed_article):
    return make_comment(seed_article, author_name="Marie Curie", body="Radium was a cure-all.")


def test_reply_moves_the_form_under_the_comment_and_cancel_puts_it_back(page, marie):
    page.goto(ARTICLE)
    respond = page.locator("#respond")
    title = page.locator("#reply-title-text")
    cancel = page.get_by_role("link", name="Cancel reply")
    expect(cancel).to_be_hidden()

    page.get_by_role("link", name="Reply to Marie Curie").click()
    expect(page.locator(f"#comment-{marie.pk} > #respond")).to_have_count(1)
    expect(title).to_have_text("Reply to Marie Curie")
    expect(cancel).to_be_visible()
    expect(page.locator("#comment_parent")).to_have_value(str(marie.pk))
    expect(page).to_have_url(re.compile(re.escape(ARTICLE) + "$"))

    cancel.click()
    expect(page.locator("#respond-home + #respond")).to_have_count(1)
    expect(title).to_have_text("Leave a Reply")
    expect(cancel).to_be_hidden()
    expect(page.locator("#comment_parent")).to_have_value("")

    page.get_by_role("link", name="Reply to Marie Curie").click()
    fill_comment_form(
        respond, comment="And now it is a cautionary tale.", name="Pierre", email="p@example.com"
    )
    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    reply = Comment.objects.get(author_name="Pierre")
    assert reply.parent_id == marie.pk
    nested = page.locator(f"#comment-{marie.pk} ol.children #comment-{reply.pk}")
    expect(nested).to_contain_text("And now it is a cautionary tale.")


def test_reply_without_javascript_confirms_then_posts(new_context, marie):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ARTICLE)
    page.get_by_role("link", name="Reply to Marie Curie").click()
    expect(page).to_have_url(re.compile(rf"\?replytocom={marie.pk}#respond$"))
    expect(page.locator("#reply-title-text")).to_have_text("Reply to Marie Curie")
    expect(page.get_by_role("link", name="Cancel reply")).to_be_visible()

    fill_comment_form(
        page, comment="Posted without any script.", name="Irène", email="irene@example.com"
    )
    post_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your comment")
    expect(field(page, "Comment")).to_have_value("Posted without any script.")
    expect(page.locator("#comment_parent")).to_have_value(str(marie.pk))

    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    reply = Comment.objects.get(author_name="Irène")
    assert reply.parent_id == marie.pk
    expect(page.locator(f"#comment-{marie.pk} #comment-{reply.pk}")).to_be_visible()


def test_saved_details_fill_the_form_next_time_until_unticked(new_context, seed_article):
    page = new_context().new_page()
    page.goto(ARTICLE)
    fill_comment_form(
        page,
        comment="Saving my details for next time.",
        name="Noor Haddad",
        email="noor@example.com",
        website="https://noor.example.org/",
    )
    page.get_by_label(SAVE_DETAILS).check()
    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()

    page.goto(ARTICLE)
    expect(field(page, "Name")).to_have_value("Noor Haddad")
    expect(field(page, "Email")).to_have_value("noor@example.com")
    expect(field(page, "Website")).to_have_value("https://noor.example.org/")
    expect(page.get_by_label(SAVE_DETAILS)).to_be_checked()
    expect(field(page, "Comment")).to_have_value("")

    page.get_by_label(SAVE_DETAILS).uncheck()
    assert page.evaluate("localStorage.getItem('immunoblog.commenter')") is None
    page.goto(ARTICLE)
    expect(field(page, "Name")).to_have_value("")
    expect(field(page, "Email")).to_have_value("")
    expect(page.get_by_label(SAVE_DETAILS)).not_to_be_checked()


def test_validation_error_keeps_everything_typed(page, seed_article):
    page.goto(ARTICLE)
    fill_comment_form(
        page,
        comment="A careful comment\nover two lines.",
        name="Ada Lovelace",
        email="not-an-address",
        website="https://ada.example.org/",
    )
    post_button(page).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your comment needs a change")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your comment was not posted yet.")
    expect(summary).to_be_focused()
    email = field(page, "Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + email.get_attribute("aria-describedby"))).to_have_text(
        "Please enter a valid email address, such as name@example.com."
    )
    expect(field(page, "Comment")).to_have_value("A careful comment\nover two lines.")
    expect(field(page, "Name")).to_have_value("Ada Lovelace")
    expect(email).to_have_value("not-an-address")
    expect(field(page, "Website")).to_have_value("https://ada.example.org/")
    save_screenshot(page, "comment-form-errors")

    summary.get_by_role("link", name=re.compile("^Email")).click()
    expect(email).to_be_focused()
    email.fill("ada@example.org")
    post_button(page).click()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    assert Comment.objects.filter(author_email="ada@example.org").count() == 1
