"""Authors edit their comment in the browser: with JavaScript from the article's own
card, without it from the page they land on after posting."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.e2e.test_commenting import field, fill_comment_form, post_button

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"


def edit_the_text(page, new_text):
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")
    field(page, "Comment").fill(new_text)
    page.get_by_role("button", name="Save changes").click()


def test_with_javascript_only_the_posting_browser_sees_edit_on_its_card(
    new_context, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    author = new_context().new_page()
    author.goto(ARTICLE)
    fill_comment_form(
        author, comment="Is CAR-T used for lymphoma?", name="Tomas", email="tomas@example.com"
    )
    post_button(author).click()
    expect(author.get_by_text("Your comment is published.")).to_be_visible()
    comment = Comment.objects.get(author_name="Tomas")
    other = Comment.objects.create(
        article=seed_article, author_name="Vera", author_email="vera@example.com",
        body="Someone else's comment.", status=Comment.Status.APPROVED,
    )  # fmt: skip

    author.goto(ARTICLE)
    mine = author.locator(f"#comment-{comment.pk}")
    expect(mine.get_by_role("link", name="Edit your comment")).to_be_visible()
    expect(author.locator(f"#comment-{other.pk} .comment-edit-link")).to_have_count(0)
    expect(author.locator(".comment-edit-link")).to_have_count(1)

    reader = new_context().new_page()
    reader.goto(ARTICLE)
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("lymphoma")
    expect(reader.locator(".comment-edit-link")).to_have_count(0)

    mine.get_by_role("link", name="Edit your comment").click()
    expect(field(author, "Comment")).to_have_value("Is CAR-T used for lymphoma?")
    edit_the_text(author, "Is CAR-T used for lymphoma, and for myeloma?")

    card = author.locator(f"#comment-{comment.pk}")
    expect(card.locator(".comment-content")).to_have_text(
        "Is CAR-T used for lymphoma, and for myeloma?"
    )
    expect(card.locator(".comment-edited")).to_have_text("(edited)")
    reader.reload()
    expect(reader.locator(f"#comment-{comment.pk} .comment-content")).to_have_text(
        "Is CAR-T used for lymphoma, and for myeloma?"
    )
    expect(reader.locator(".comment-edit-link")).to_have_count(0)


def test_without_javascript_the_landing_page_carries_the_edit_link(
    new_context, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(ARTICLE)
    fill_comment_form(page, comment="Posted with no script.", name="Ines", email="i@example.com")
    post_button(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your comment")
    post_button(page).click()

    comment = Comment.objects.get(author_name="Ines")
    expect(page).to_have_url(re.compile(rf"/comments/posted/[^/]+/#comment-{comment.pk}$"))
    tools = page.locator(f"#comment-{comment.pk} .comment-author-tools")
    expect(tools).to_contain_text("Your comment is published.")
    article_link = tools.get_by_role("link", name="Your comment on the article")
    expect(article_link).to_have_attribute("href", f"/comments/{comment.pk}/")
    article_link.click()
    expect(page).to_have_url(re.compile(rf"{ARTICLE}#comment-{comment.pk}$"))
    page.go_back()
    tools.get_by_role("link", name="Edit your comment").click()

    edit_the_text(page, "Posted with no script, then corrected.")

    expect(page).to_have_url(
        re.compile(rf"/comments/posted/[^/]+/\?note=saved#comment-{comment.pk}$")
    )
    card = page.locator(f"#comment-{comment.pk}")
    expect(card.locator(".comment-content")).to_have_text("Posted with no script, then corrected.")
    expect(card.locator(".comment-edited")).to_have_text("(edited)")
    page.goto(ARTICLE)
    expect(page.locator(f"#comment-{comment.pk} .comment-content")).to_have_text(
        "Posted with no script, then corrected."
    )
