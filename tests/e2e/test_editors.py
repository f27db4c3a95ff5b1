"""An editor replies on the article, signed in, with and without JavaScript: no name or
email to type, published at once with the Editor badge; readers see the badge, never the
editor's Edit links."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.e2e.conftest import ARTIFACTS, AXE_SCRIPT
from tests.e2e.support import axe_violations
from tests.e2e.test_commenting import field, post_button
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"


@pytest.fixture
def marie(seed_article):
    return make_comment(seed_article, author_name="Marie Curie", body="Radium was a cure-all.")


def signed_in_editor(new_context, **options):
    """A browser signed in to the admin as a non-superuser editor named Eda Moderna."""
    make_editor(username="eda", first_name="Eda", last_name="Moderna")
    return log_in(new_context(**options).new_page())


def log_in(page):
    page.goto("/admin/")
    page.get_by_label("Username").fill("eda")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and discussion")).to_be_visible()
    return page


def expect_editors_form(page):
    form = page.locator("#commentform")
    expect(form.get_by_text("Signed in as an editor")).to_contain_text("Eda Moderna")
    for label in ("Name", "Email", "Website"):
        expect(field(form, label)).to_have_count(0)


def expect_badged_reply(page, parent, reply):
    card = page.locator(f"#comment-{parent.pk} ol.children #comment-{reply.pk}")
    expect(card.locator(".comment-author")).to_have_text("Eda Moderna Editor")
    expect(card.locator(".comment-badge")).to_be_visible()
    return card


def test_with_javascript_an_editor_replies_under_the_comment_and_is_published_as_editor(
    new_context, marie
):
    editor = signed_in_editor(new_context)
    editor.goto(ARTICLE)
    expect_editors_form(editor)
    edit = editor.locator(f"#comment-{marie.pk} .comment-admin-link")
    expect(edit).to_have_attribute("href", f"/admin/comments/comment/{marie.pk}/change/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    editor.locator("#comments").screenshot(path=str(ARTIFACTS / "editor-discussion.png"))

    editor.get_by_role("link", name="Reply to Marie Curie").click()
    expect(editor.locator(f"#comment-{marie.pk} > #respond")).to_have_count(1)
    field(editor.locator("#respond"), "Comment").press_sequentially("Only in the 1920s, mind you.")
    post_button(editor).click()

    reply = Comment.objects.get(parent=marie)
    assert (reply.author_name, reply.status, reply.is_by_editor) == (
        "Eda Moderna", Comment.Status.APPROVED, True,
    )  # fmt: skip
    expect(editor).to_have_url(re.compile(rf"/comments/posted/[^/]+/#comment-{reply.pk}$"))
    expect(editor.get_by_text("Your comment is published.")).to_be_visible()
    expect(editor.locator("#comment-announcer")).to_have_text("Your comment has been posted.")
    expect_badged_reply(editor, marie, reply)

    reader = new_context().new_page()
    reader.goto(ARTICLE)
    card = expect_badged_reply(reader, marie, reply)
    expect(card).to_contain_text("Only in the 1920s, mind you.")
    expect(reader.locator(".comment-admin-link")).to_have_count(0)
    expect(field(reader.locator("#commentform"), "Name")).to_be_visible()
    reader.locator(".comment-list").screenshot(path=str(ARTIFACTS / "editor-reply-badge.png"))

    # On the landing page the editor's own tools carry the one Edit link; the article has
    # the admin's.
    expect(editor.locator(f"#comment-{reply.pk}").get_by_text("Edit", exact=True)).to_have_count(1)
    editor.goto(ARTICLE)
    editor.get_by_role("link", name="Edit the comment by Eda Moderna in the admin").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Change comment")


def test_without_javascript_an_editor_replies_in_one_click(new_context, marie):
    editor = signed_in_editor(new_context, java_script_enabled=False)
    editor.goto(ARTICLE)
    editor.get_by_role("link", name="Reply to Marie Curie").click()
    expect(editor).to_have_url(re.compile(rf"\?replytocom={marie.pk}#respond$"))
    expect(editor.locator("#reply-title-text")).to_have_text("Reply to Marie Curie")
    expect_editors_form(editor)
    field(editor, "Comment").fill("Posted with no script, as the editors.")
    post_button(editor).click()

    reply = Comment.objects.get(parent=marie)
    assert (reply.status, reply.is_by_editor) == (Comment.Status.APPROVED, True)
    expect(editor).to_have_url(re.compile(rf"/comments/posted/[^/]+/#comment-{reply.pk}$"))
    expect_badged_reply(editor, marie, reply)

    reader = new_context(java_script_enabled=False).new_page()
    reader.goto(ARTICLE)
    expect_badged_reply(reader, marie, reply)
    expect(reader.locator(".comment-admin-link")).to_have_count(0)


def test_the_badge_and_the_editors_page_have_no_serious_accessibility_violations(
    new_context, marie
):
    make_comment(
        marie.article, parent=marie, author_name="Eda Moderna", is_by_editor=True,
        body="Only in the 1920s.",
    )  # fmt: skip
    make_editor(username="eda", first_name="Eda", last_name="Moderna")
    axe_source = AXE_SCRIPT.read_text()
    found = {}
    for scheme in ("light", "dark"):
        # The site's CSP rightly blocks injected scripts; only axe runs bypass it.
        reader = new_context(bypass_csp=True, color_scheme=scheme).new_page()
        editor = log_in(new_context(bypass_csp=True, color_scheme=scheme).new_page())
        for who, page in (("reader", reader), ("editor", editor)):
            page.goto(ARTICLE)
            expect(page.locator(".comment-badge")).to_have_count(1)
            violations = axe_violations(page, axe_source)
            if violations:
                found[f"{who}, {scheme}"] = violations
    assert not found, found
