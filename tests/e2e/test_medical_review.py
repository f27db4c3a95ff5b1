"""An editor adds a medical reviewer and references in the admin; the page, its print
view and its JSON-LD show them."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot
from tests.factories import make_article, make_editor, make_person

pytestmark = pytest.mark.e2e

BODY = (
    "## Checkpoint inhibitors\n\n"
    "Anti-PD-1 antibodies shrank tumours in some patients[^topalian]. "
    "CAR-T cells are another approach[^june], and PD-1 blockade is now common[^topalian].\n"
)
TOPALIAN = (
    "Topalian SL, et al. Safety, activity, and immune correlates of anti-PD-1 antibody in "
    "cancer. N Engl J Med. 2012;366:2443-54."
)
JUNE = "June CH, et al. CAR T cell immunotherapy for human cancer. Science. 2018;359:1361-5."


def log_in(page, username):
    page.goto("/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and discussion")).to_be_visible()


def choose(page, field, typed, option):
    """Pick a person in an admin autocomplete field, as an editor does."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def add_reference(page, index, *, key, citation, doi="", pmid=""):
    page.get_by_text("Add another Reference").click()
    page.locator(f"[name=references-{index}-key]").fill(key)
    page.locator(f"[name=references-{index}-citation]").fill(citation)
    page.locator(f"[name=references-{index}-doi]").fill(doi)
    page.locator(f"[name=references-{index}-pmid]").fill(pmid)


def json_ld(page):
    return json.loads(page.locator("script[type='application/ld+json']").text_content())


def test_editor_adds_a_reviewer_and_references_and_readers_and_printers_see_them(new_context, site):
    make_editor(username="editor")
    make_person("Rita Reviewer", slug="rita-reviewer", credentials="MD, medical oncologist")
    article = make_article(
        title="Checkpoint inhibitors, explained",
        author=make_person("Mei Chen", credentials="PhD, immunologist"),
        body="## Checkpoint inhibitors\n\nAnti-PD-1 antibodies shrank tumours.\n",
    )

    editor = new_context().new_page()
    log_in(editor, "editor")
    editor.goto(reverse("admin:articles_article_change", args=[article.pk]))
    choose(editor, "reviewer", "Rita", "Rita Reviewer")
    editor.get_by_label("Date of review").fill("2026-03-02")
    editor.get_by_label("Body").fill(BODY)
    add_reference(
        editor,
        0,
        key="topalian",
        citation=TOPALIAN,
        doi="https://doi.org/10.1056/NEJMoa1200690",
        pmid="22658127",
    )
    add_reference(editor, 1, key="june", citation=JUNE, doi="10.1126/science.aar4060")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".medical-review")).to_have_text(
        "Medically reviewed by Rita Reviewer, MD, medical oncologist, on March 2, 2026"
    )
    expect(reader.locator(".byline a[rel=author]")).to_have_text("Mei Chen")
    references = reader.locator(".article-references ol > li")
    expect(references).to_have_count(2)
    expect(references.nth(0)).to_contain_text("Topalian SL")
    expect(
        references.nth(0).get_by_role("link", name="doi:10.1056/NEJMoa1200690")
    ).to_have_attribute("href", "https://doi.org/10.1056/NEJMoa1200690")
    expect(references.nth(1)).to_contain_text("June CH")

    # The marker takes the reader to the reference, its back link back to the text.
    markers = reader.get_by_role("link", name="Reference 1", exact=True)
    expect(markers).to_have_count(2)
    markers.first.click()
    assert reader.url.endswith("#fn:topalian")
    reader.get_by_role("link", name="Back to citation 1 of reference 1 in the text").click()
    assert reader.url.endswith("#fnref:topalian")
    reader.get_by_role("link", name="Reference 2", exact=True).click()
    expect(reader.locator("#fn\\:june")).to_be_in_viewport()

    data = json_ld(reader)
    web_page, posting = data["@graph"]
    assert web_page["@type"] == "MedicalWebPage"
    assert web_page["reviewedBy"]["name"] == "Rita Reviewer"
    assert web_page["lastReviewed"] == "2026-03-02"
    assert [citation["sameAs"] for citation in posting["citation"]] == [
        "https://doi.org/10.1056/NEJMoa1200690",
        "https://doi.org/10.1126/science.aar4060",
    ]
    assert posting["author"]["jobTitle"] == "PhD, immunologist"

    reader.emulate_media(media="print")
    for shown in (".medical-review", ".article-references", ".medical-disclaimer", ".byline"):
        expect(reader.locator(shown)).to_be_visible()
    expect(reader.locator(".site-header")).to_be_hidden()
    expect(reader.locator(".article-references .footnote-backref").first).to_be_hidden()
    pdf = reader.pdf()
    assert pdf.startswith(b"%PDF")
    save_screenshot(reader, "medical-review-print")
