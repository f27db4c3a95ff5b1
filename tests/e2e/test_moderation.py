"""An editor moderates the queue row by row in a real browser, and reads it whole at 1280 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from comments.signing import moderation_token
from tests.e2e.conftest import AXE_SCRIPT, DESKTOP, save_screenshot
from tests.e2e.support import axe_violations
from tests.e2e.test_accessibility import SCHEMES
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.e2e

QUEUE = reverse("admin:comments_comment_changelist")


def sign_in(context, username="moderator"):
    make_editor(username=username, first_name="Mo")
    page = context.new_page()
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and discussion")).to_be_visible()
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_row_buttons_moderate_and_come_back_to_the_same_filtered_list(
    new_context, seed_article, javascript
):
    hannah = make_comment(
        seed_article, author_name="Hannah Berg", body="Food allergies too?", status="pending"
    )
    spammer = make_comment(
        seed_article, author_name="Cheap Pills", body="Buy now!", status="pending"
    )
    make_comment(seed_article, author_name="Already Public")
    editor = sign_in(new_context(java_script_enabled=javascript))
    expect(editor.locator("#content-main .model-comment .pending-badge")).to_contain_text("2")
    editor.get_by_role("link", name="2 comments awaiting moderation").click()
    expect(editor.locator("#changelist-filter li.selected", has_text="Pending")).to_have_count(1)

    editor.locator("#result_list tr", has_text="Food allergies too?").get_by_role(
        "button", name="Approve"
    ).click()
    expect(editor.locator(".messagelist")).to_have_text("The comment by Hannah Berg was approved.")
    assert editor.url.endswith(f"{QUEUE}?status=pending")
    expect(editor.locator("#result_list tbody tr")).to_have_count(1)
    expect(editor.locator("#nav-sidebar .pending-badge")).to_contain_text("1")

    editor.locator("#result_list tr", has_text="Buy now!").get_by_role(
        "button", name="Spam"
    ).click()
    expect(editor.locator(".messagelist")).to_have_text(
        "The comment by Cheap Pills was marked as spam."
    )
    expect(editor.locator("#result_list")).to_have_count(0)  # nothing left waiting
    expect(editor.locator("#nav-sidebar .pending-badge")).to_have_count(0)
    hannah.refresh_from_db()
    spammer.refresh_from_db()
    assert (hannah.status, spammer.status) == (Comment.Status.APPROVED, Comment.Status.SPAM)

    reader = new_context().new_page()
    reader.goto(seed_article.get_absolute_url())
    expect(reader.locator(f"#comment-{hannah.pk}")).to_contain_text("Food allergies too?")
    expect(reader.get_by_text("Buy now!")).to_have_count(0)


def test_the_queues_columns_are_readable_at_1280_px_without_scrolling_sideways(
    new_context, seed_article
):
    long_word = "https://example.org/" + "very-long-path-segment-" * 8
    parent = make_comment(seed_article, author_name="Marie Skłodowska-Curie")
    for n in range(12):
        make_comment(
            seed_article,
            parent=parent if n % 2 else None,
            author_name=f"Maximilian Alexander von Habsburg-Lothringen {n}",
            author_email=f"maximilian.alexander.habsburg.lothringen{n}@very-long-domain.example",
            ip_address="2001:db8:85a3:1234:5678:8a2e:370:7334",
            body=f"{long_word} and then a long comment about checkpoint inhibitors. " * 3,
            status="pending" if n % 3 else "approved",
        )
    editor = sign_in(new_context(viewport=DESKTOP))
    editor.goto(QUEUE)
    expect(editor.locator("#result_list tbody tr")).to_have_count(13)
    widths = editor.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {
                page: document.documentElement.scrollWidth,
                results: results.scrollWidth,
                resultsVisible: results.clientWidth,
            };
        }"""
    )
    assert widths["page"] <= DESKTOP["width"], widths
    assert widths["results"] <= widths["resultsVisible"], widths
    for column in ("Author", "Comment", "In response to", "Status", "Submitted on"):
        header = editor.locator("#result_list thead th", has_text=column).first
        box = header.bounding_box()
        assert box["x"] >= 0, column
        assert box["x"] + box["width"] <= DESKTOP["width"], column
    save_screenshot(editor, "admin-queue-desktop")


def test_the_navigations_quick_filter_keeps_comments_and_its_badge(new_context, seed_article):
    make_comment(seed_article, status="pending")
    editor = sign_in(new_context())
    editor.goto(QUEUE)
    editor.locator("#nav-filter").fill("comm")
    comments = editor.locator("#nav-sidebar tr.model-comment")
    expect(comments).to_be_visible()
    expect(comments.locator(".pending-badge")).to_have_text("1 awaiting moderation")
    expect(editor.locator("#nav-sidebar tr.model-article")).to_be_hidden()


def test_the_queue_and_a_mailed_links_page_have_no_serious_accessibility_violations(
    new_context, seed_article
):
    held = make_comment(seed_article, status="pending", body="Held for a look.")
    reply = make_comment(seed_article, parent=held, status="pending")
    pages = [
        f"{QUEUE}?status=pending",
        reverse("admin:comments_comment_moderate", args=[moderation_token(reply, "approved")]),
        reverse("admin:comments_comment_preview", args=[held.pk]),
    ]
    found = {}
    for scheme in SCHEMES:
        editor = sign_in(new_context(bypass_csp=True, color_scheme=scheme), username=scheme)
        for path in pages:
            editor.goto(path)
            violations = axe_violations(editor, AXE_SCRIPT.read_text())
            if violations:
                found[(scheme, path)] = violations
    assert not found, found
