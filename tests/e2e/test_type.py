"""The type we ship is the type readers get: at a comfortable measure, on screen and paper.

The browser may have no fonts but the ones we serve (CI has only DejaVu), so
every check names the face that actually drew the text, as Chromium reports it.
"""

import pytest

from tests.conftest import SEED_SLUG
from tests.e2e.conftest import DESKTOP
from tests.e2e.support import characters_per_line, fonts_rendering, wait_for_fonts
from tests.factories import make_comment

pytestmark = pytest.mark.e2e

ARTICLE = f"/articles/{SEED_SLUG}/"
ARTICLE_TEXT = ".article-body p, .article-body p *"
SERIF = "Source Serif 4"
SANS = "Source Sans 3"
ARTICLE_FACE = "/static/fonts/source-serif-4-latin-wght-normal.woff2"
SMALL_PHONE = {"width": 360, "height": 740}
# A printed page lays out across the paper's width less the @page margins.
PRINTED_WIDTH = """
(paper) => {
  const page = [...document.styleSheets]
    .flatMap((sheet) => [...sheet.cssRules])
    .find((rule) => rule instanceof CSSPageRule);
  const probe = document.createElement("div");
  probe.style.width = `calc(${paper} - ${page.style.marginLeft} - ${page.style.marginRight})`;
  document.body.append(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width;
}
"""


def families(page, selector):
    """Families that drew the text, local fonts marked "(local)"; variable faces by family."""
    found = fonts_rendering(page, selector)
    assert found, f"no text drawn for {selector}"
    return {
        next((shipped for shipped in (SERIF, SANS) if name.startswith(shipped)), name)
        for name in found
    }


@pytest.mark.parametrize(
    ("viewport", "scheme", "fewest", "most"),
    [
        pytest.param(DESKTOP, "light", 60, 75, id="1280px-light"),
        pytest.param(DESKTOP, "dark", 60, 75, id="1280px-dark"),
        pytest.param(SMALL_PHONE, "light", 30, 45, id="360px-light"),
        pytest.param(SMALL_PHONE, "dark", 30, 45, id="360px-dark"),
    ],
)
def test_article_reads_at_a_comfortable_measure_on_screen(
    new_context, seed_article, viewport, scheme, fewest, most
):
    page = new_context(viewport=viewport, color_scheme=scheme).new_page()
    page.goto(ARTICLE)
    measure = characters_per_line(page)
    print(f"characters per line at {viewport['width']} px, {scheme}: {measure:.1f}")
    assert fewest <= measure <= most
    assert families(page, ARTICLE_TEXT) == {SERIF}


@pytest.mark.parametrize(
    "paper", [pytest.param("210mm", id="A4"), pytest.param("8.5in", id="Letter")]
)
def test_printed_article_reads_at_a_comfortable_measure(new_context, seed_article, paper):
    page = new_context(color_scheme="dark").new_page()
    page.goto(ARTICLE)
    page.emulate_media(media="print")
    width = page.evaluate(PRINTED_WIDTH, paper)
    page.set_viewport_size({"width": round(width), "height": 1000})
    measure = characters_per_line(page)
    print(f"characters per line printed on {paper} ({width:.0f} px wide): {measure:.1f}")
    assert 60 <= measure <= 80
    assert families(page, ARTICLE_TEXT) == {SERIF}


def test_interface_and_names_in_latin_extended_use_the_shipped_sans(
    new_context, site, seed_article
):
    make_comment(seed_article, author_name="Zoë Łukasiewicz-Dvořák", body="Dziękuję!")
    page = new_context().new_page()
    page.goto(ARTICLE)
    assert families(page, ".site-nav a, .byline, .article-body h2, label, .comment-author") == {
        SANS
    }
    # The name's Ł and ř came from the Latin Extended file, fetched for this page only.
    assert any("source-sans-3-latin-ext-wght-normal" in url for url in new_context.requests)
    page.goto("/")
    wait_for_fonts(page)
    assert not any("source-serif-4-latin-ext" in url for url in new_context.requests)


def test_preloaded_article_face_is_fetched_once_and_used(new_context, seed_article):
    page = new_context().new_page()
    page.goto(ARTICLE)
    wait_for_fonts(page)
    preload = page.locator("link[rel=preload][as=font]")
    assert preload.get_attribute("href") == ARTICLE_FACE
    fetched = [url for url in new_context.requests if url.endswith(ARTICLE_FACE)]
    assert len(fetched) == 1
    assert families(page, ARTICLE_TEXT) == {SERIF}


def test_text_keeps_its_lines_when_the_shipped_face_replaces_the_fallback(page, seed_article):
    page.goto(ARTICLE)
    with_font = characters_per_line(page)
    body = page.locator(".article-body")
    height_with_font = body.bounding_box()["height"]

    # What the reader sees before the font arrives: the stack without its first face.
    body.evaluate(
        "body => { body.style.fontFamily ="
        " getComputedStyle(body).fontFamily.split(',').slice(1).join(','); }"
    )
    fallback = characters_per_line(page)
    drawn_by = families(page, ARTICLE_TEXT)
    assert len(drawn_by) == 1
    assert drawn_by.pop().endswith("(local)")
    tuned = page.evaluate(
        "[...document.fonts].filter(f => f.family.startsWith('Source Serif 4 fallback')"
        " && f.status === 'loaded').length"
    )
    # One local family found: its regular face, and its bold one where bold text is drawn.
    assert tuned in (1, 2), "none of the tuned fallback faces found a local font"
    print(f"characters per line: {with_font:.1f} with the font, {fallback:.1f} before it")
    assert abs(fallback - with_font) / with_font < 0.04
    assert abs(body.bounding_box()["height"] - height_with_font) / height_with_font < 0.04
