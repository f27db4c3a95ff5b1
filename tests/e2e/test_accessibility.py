"""Accessibility: axe-core on every kind of page, in light and dark, and what gets announced."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import SEED_SLUG
from tests.e2e.conftest import AXE_SCRIPT, DESKTOP, PHONE
from tests.e2e.support import (
    AXE_ALL_TAGS,
    AXE_WCAG22_TAGS,
    axe_violations,
    make_discussion,
)
from tests.e2e.test_commenting import fill_comment_form, post_button

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make test` (npm ci --prefix tests/e2e)")
    return AXE_SCRIPT.read_text()


def check_page(new_context, axe_source, open_page, *, every_rule=False, viewports=(DESKTOP,)):
    """Open a page in both colour schemes and collect serious or critical violations
    of WCAG 2.2 AA (target sizes included).

    `every_rule`: every violation of any impact, best practices included, as
    Lighthouse's accessibility audits count them.
    """
    options = {"tags": AXE_ALL_TAGS, "impacts": None} if every_rule else {"tags": AXE_WCAG22_TAGS}
    found = {}
    for viewport in viewports:
        for scheme in SCHEMES:
            # The site's CSP rightly blocks injected scripts; only axe runs bypass it.
            context = new_context(bypass_csp=True, color_scheme=scheme, viewport=viewport)
            page = context.new_page()
            open_page(page)
            violations = axe_violations(page, axe_source, **options)
            if violations:
                found[f"{scheme} {viewport['width']}px"] = violations
    assert not found, found


def test_home_page_has_no_serious_violations(new_context, axe_source, seed_article):
    check_page(new_context, axe_source, lambda page: page.goto("/"))


def test_article_with_comments_has_no_serious_violations(new_context, axe_source, seed_article):
    make_discussion(seed_article)

    def open_article(page):
        page.goto(ARTICLE)
        expect(page.locator("li.comment")).to_have_count(8)

    check_page(new_context, axe_source, open_article)


@pytest.mark.parametrize("path", [ARTICLE, f"{ARTICLE}comment-page-2/"], ids=["article", "page-2"])
def test_long_article_and_its_comment_pages_have_no_violations_at_all(
    new_context, axe_source, long_article, path
):
    def open_page(page):
        page.goto(path)
        expect(page.locator(".article-references li").first).to_be_visible()

    check_page(new_context, axe_source, open_page, every_rule=True, viewports=(DESKTOP, PHONE))


def test_home_profile_and_search_pages_have_no_violations_at_all(
    new_context, axe_source, long_article
):
    author = long_article.author.get_absolute_url()
    for path in ("/", author, "/search/?q=checkpoint+inhibitors"):
        check_page(
            new_context,
            axe_source,
            lambda page, path=path: page.goto(path),
            every_rule=True,
            viewports=(DESKTOP, PHONE),
        )


def test_comment_form_with_errors_has_no_serious_violations(new_context, axe_source, seed_article):
    def post_badly(page):
        page.goto(ARTICLE)
        fill_comment_form(page, comment="Hello", name="", email="not-an-address")
        post_button(page).click()
        expect(page.get_by_role("alert")).to_be_visible()

    check_page(new_context, axe_source, post_badly)


def test_tag_page_has_no_serious_violations(new_context, axe_source, seed_article):
    check_page(new_context, axe_source, lambda page: page.goto("/tag/immunotherapy/"))


def test_search_results_have_no_serious_violations(new_context, axe_source, seed_article):
    def search(page):
        page.goto("/")
        page.get_by_role("searchbox", name="Search articles").fill("checkpoint inhibitors")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("checkpoint inhibitors")
        expect(page.locator(".article-summary")).to_have_count(1)

    check_page(new_context, axe_source, search)


def test_posted_comment_is_announced_without_changing_the_page(
    page, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    page.goto(ARTICLE)
    announcer = page.locator("#comment-announcer")
    expect(announcer).to_have_attribute("role", "status")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_be_empty()

    fill_comment_form(page, comment="Clear and careful, thank you.", name="Rosa", email="r@x.org")
    post_button(page).click()
    comment = Comment.objects.get(author_name="Rosa")
    assert comment.status == Comment.Status.APPROVED
    expect(page).to_have_url(re.compile(rf"/comments/posted/[^/]+/#comment-{comment.pk}$"))
    expect(announcer).to_have_text("Your comment has been posted.")
    expect(page.locator(f"#comment-{comment.pk}")).to_have_class(re.compile("is-just-posted"))

    # The server's page is the same for everyone: the announcement lives in this tab only.
    html = page.request.get(ARTICLE).text()
    assert re.search(r'<div id="comment-announcer"[^>]*></div>', html)
    page.reload()
    expect(announcer).to_be_empty()


def test_comment_awaiting_moderation_is_announced(page, seed_article):
    page.goto(ARTICLE)
    fill_comment_form(page, comment="Waiting my turn.", name="Theo", email="theo@example.org")
    post_button(page).click()
    expect(page.locator("#comment-announcer")).to_have_text(
        "Your comment has been sent. It is awaiting moderation."
    )
    expect(page.get_by_role("status").filter(has_text="awaiting moderation")).to_have_count(2)


def test_comment_tree_is_nested_lists_naming_each_reply_parent(page, seed_article):
    comments = make_discussion(seed_article)
    page.goto(ARTICLE)
    maria, james = comments["maria"], comments["james"]
    reply = page.locator(f"#comment-{maria.pk} > ol.children > li#comment-{james.pk}")
    expect(reply).to_have_count(1)
    expect(page.locator("#comments ol.comment-list > li.comment")).to_have_count(3)
    hidden = reply.locator(":scope > article .visually-hidden")
    expect(hidden).to_have_text(", in reply to Maria Okafor")
    box = hidden.bounding_box()
    assert box["width"] <= 1
    assert box["height"] <= 1


def test_authors_page_and_edit_page_have_no_serious_violations(
    new_context, axe_source, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    texts = iter(f"Thank you for part {n} of this." for n in range(10))

    def post(page):
        page.goto(ARTICLE)
        fill_comment_form(page, comment=next(texts), name="Rosa", email="r@x.org")
        post_button(page).click()
        expect(page.get_by_text("Your comment is published.")).to_be_visible()

    def post_then_edit(page):
        post(page)
        page.locator(".comment-author-tools").get_by_role("link", name="Edit").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit your comment")

    check_page(new_context, axe_source, post)
    check_page(new_context, axe_source, post_then_edit)


def test_your_data_page_has_no_serious_violations(new_context, axe_source, seed_article):
    def open_form(page):
        page.goto("/")
        page.get_by_role("link", name="Your data").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your data: download or erase it")

    check_page(new_context, axe_source, open_form)
