"""The site ships only the part of Bootstrap it uses (static/css/bootstrap.css,
built by `make css`), and every page looks exactly as it did with all of it.

Each kind of page is opened twice: as served, and with the trimmed stylesheet
answered by the whole of Bootstrap (static/vendor/bootstrap). Every element's
computed style must be the same in both, including what only an error, the
server's refusal or a script adds (crispy's `is-invalid`, the rate-limit page,
the classes comments.js sets).
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import PHONE, ROOT
from tests.e2e.support import make_discussion
from tests.e2e.test_commenting import fill_comment_form, post_button
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
TRIMMED = "**/static/css/bootstrap*.css"
WHOLE = ROOT / "static" / "vendor" / "bootstrap" / "bootstrap.min.css"
SCREEN_CSS_BUDGET = 60_000

# Every element's computed style (custom properties aside: a variable no rule
# reads changes nothing), and that of its ::before and ::after where drawn; as
# a hash per element, or in full for the elements named.
COMPUTED_STYLES = """
(named) => {
  const described = (style) => {
    const values = [];
    for (const name of style) {
      if (!name.startsWith("--")) values.push(`${name}: ${style.getPropertyValue(name)}`);
    }
    return values.join("; ");
  };
  const hash = (text) => {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  };
  const styles = {};
  document.querySelectorAll("*").forEach((element, index) => {
    const name = `${index} ${element.tagName.toLowerCase()}`
      + (element.id ? `#${element.id}` : "")
      + (element.classList.length ? `.${[...element.classList].join(".")}` : "");
    for (const pseudo of ["", "::before", "::after"]) {
      const style = getComputedStyle(element, pseudo || null);
      if (pseudo && style.content === "none") continue;
      const key = name + pseudo;
      if (named && !named.includes(key)) continue;
      const text = described(style);
      styles[key] = named ? text : hash(text);
    }
  });
  return styles;
}
"""


def computed_styles(page, named=None):
    return page.evaluate(COMPUTED_STYLES, named)


def differences(trimmed_page, whole_page):
    """The elements styled differently, with the properties that differ."""
    trimmed, whole = computed_styles(trimmed_page), computed_styles(whole_page)
    assert len(trimmed) > 30
    changed = sorted(set(trimmed.items()) ^ set(whole.items()))
    names = sorted({name for name, _ in changed})[:10]
    trimmed, whole = computed_styles(trimmed_page, names), computed_styles(whole_page, names)
    found = []
    for name in names:
        in_whole = set(whole.get(name, "missing").split("; "))
        in_trimmed = set(trimmed.get(name, "missing").split("; "))
        found.append(
            f"{name}: whole {sorted(in_whole - in_trimmed)[:4]}, "
            f"trimmed {sorted(in_trimmed - in_whole)[:4]}"
        )
    return found


def compare(new_context, open_page, **context_options):
    """Open the page as served and with the whole of Bootstrap; compare every element."""
    served = new_context(**context_options)
    trimmed_page = served.new_page()
    open_page(trimmed_page)

    whole_context = new_context(**context_options)
    whole_context.route(
        TRIMMED,
        lambda route: route.fulfill(body=WHOLE.read_bytes(), content_type="text/css"),
    )
    whole_page = whole_context.new_page()
    open_page(whole_page)

    assert differences(trimmed_page, whole_page) == []


def test_the_trimmed_bootstrap_styles_an_article_and_its_discussion_as_the_whole_one(
    new_context, seed_article
):
    make_discussion(seed_article)

    def open_article(page):
        page.goto(ARTICLE)
        expect(page.locator("li.comment")).to_have_count(8)

    compare(new_context, open_article)
    compare(new_context, open_article, viewport=PHONE, color_scheme="dark")


def test_the_trimmed_bootstrap_styles_the_form_with_errors_alike(new_context, seed_article):
    def post_badly(page):
        page.goto(ARTICLE)
        fill_comment_form(page, comment="Hello", name="", email="not-an-address")
        post_button(page).click()
        expect(page.locator(".is-invalid").first).to_be_visible()

    compare(new_context, post_badly)


def test_the_trimmed_bootstrap_styles_a_just_posted_comment_alike(
    new_context, seed_article, discussion_rules
):
    discussion_rules(manual_approval=False)
    poster = new_context().new_page()
    poster.goto(ARTICLE)
    fill_comment_form(poster, comment="First thoughts, thank you.", name="Rosa", email="r@x.org")
    post_button(poster).click()
    expect(poster.locator(".is-just-posted")).to_have_count(1)
    landed = poster.url

    def open_posted(page):
        # What comments.js remembers of the submit, in this tab (see announcePosted).
        page.add_init_script("sessionStorage.setItem('immunoblog.posted', String(Date.now()))")
        page.goto(landed)
        expect(page.locator(".is-just-posted")).to_have_count(1)

    compare(new_context, open_posted)


def test_the_trimmed_bootstrap_styles_the_confirmation_page_without_javascript_alike(
    new_context, seed_article
):
    def post_without_script(page):
        page.goto(ARTICLE)
        fill_comment_form(page, comment="No script here.", name="Nora", email="nora@example.org")
        post_button(page).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your comment")

    compare(new_context, post_without_script, java_script_enabled=False)


def test_the_trimmed_bootstrap_styles_the_not_found_page_alike(new_context, seed_article):
    def not_found(page):
        page.goto("/no-such-page/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    compare(new_context, not_found)


def test_the_trimmed_bootstrap_styles_the_too_many_comments_page_alike(
    new_context, seed_article, settings
):
    settings.COMMENT_RATE_PER_MINUTE = 1

    def post(page):
        page.goto(ARTICLE)
        fill_comment_form(page, comment="Once more.", name="Nora", email="nora@example.org")
        post_button(page).click()

    def too_many(page):
        post(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Please wait a moment")

    # The clock stands still, so all three posts fall in one minute's window:
    # the first is let through, the two after it are refused.
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        first = new_context(java_script_enabled=False).new_page()
        post(first)
        expect(first.get_by_role("heading", level=1)).to_have_text("Confirm your comment")
        compare(new_context, too_many, java_script_enabled=False)


def test_the_moderation_queue_keeps_the_admins_own_styles(new_context, seed_article):
    make_editor(username="moderator", first_name="Mo")
    make_comment(seed_article, status="pending", body="Held for a look.")

    def open_queue(page):
        page.goto(reverse("admin:login"))
        page.get_by_label("Username").fill("moderator")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.goto(reverse("admin:comments_comment_changelist"))
        expect(page.get_by_text("Held for a look.")).to_be_visible()

    compare(new_context, open_queue)


def test_a_reader_page_loads_at_most_60_kb_of_screen_css(page, seed_article):
    make_discussion(seed_article)
    page.goto(ARTICLE)
    screen = page.eval_on_selector_all(
        "link[rel=stylesheet]:not([media=print])", "links => links.map((link) => link.href)"
    )
    sizes = {url: len(page.request.get(url).body()) for url in screen}
    assert len(sizes) == 2
    assert sum(sizes.values()) <= SCREEN_CSS_BUDGET, sizes
