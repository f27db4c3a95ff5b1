"""Article Markdown to HTML: what survives sanitising, and what does not."""

import pytest
from bs4 import BeautifulSoup

from articles.rendering import render_article


def rendered(source):
    return BeautifulSoup(render_article(source).html, "html.parser")


def test_script_elements_are_dropped_with_their_code():
    soup = rendered("<script>alert(1)</script>\n\nA paragraph.\n")
    assert soup.find("script") is None
    assert "alert" not in soup.get_text()
    assert soup.p.get_text() == "A paragraph."


def test_inline_script_in_a_paragraph_is_dropped_with_its_code():
    soup = rendered("Before <script>steal(document.cookie)</script> after.\n")
    assert soup.find("script") is None
    assert " ".join(soup.get_text().split()) == "Before after."


def test_style_elements_are_dropped_with_their_rules():
    soup = rendered("<style>body { display: none }</style>\n\nVisible.\n")
    assert soup.find("style") is None
    assert "display" not in soup.get_text()


def test_event_handler_attributes_are_dropped():
    soup = rendered('<img src="https://example.org/cell.png" onerror="alert(1)">\n')
    assert soup.img is not None
    assert "onerror" not in soup.img.attrs


def test_attribute_lists_cannot_add_event_handlers():
    soup = rendered('## Results {: onclick="alert(1)" }\n')
    assert soup.h2.attrs == {"id": "results"}


@pytest.mark.parametrize(
    "source",
    [
        "[Click me](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">Click me</a>',
        '<a href="vbscript:msgbox(1)">Click me</a>',
    ],
)
def test_script_links_lose_their_target_and_keep_their_text(source):
    soup = rendered(source + "\n")
    assert soup.a.get_text() == "Click me"
    assert "href" not in soup.a.attrs


def test_http_links_are_kept():
    soup = rendered("[The trial](https://example.org/trial)\n")
    assert soup.a["href"] == "https://example.org/trial"


def test_iframes_are_dropped():
    soup = rendered('<iframe src="https://video.example/embed/1">Watch</iframe>\n\nText.\n')
    assert soup.find("iframe") is None
    assert "video.example" not in str(soup)


def test_object_and_embed_elements_are_dropped():
    soup = rendered('<object data="https://example.org/x.swf"></object><embed src="x.swf">\n')
    assert soup.find(["object", "embed"]) is None


def test_html_comments_are_dropped():
    assert "<!--" not in render_article("Text <!-- private note -->\n").html


def test_markup_shown_as_code_stays_visible_as_text():
    soup = rendered("Never write `<script>alert(1)</script>` in a comment.\n")
    assert soup.code.get_text() == "<script>alert(1)</script>"


def test_headings_get_ids_from_their_text():
    soup = rendered("## Side effects\n\n### Skin reactions\n")
    assert soup.h2["id"] == "side-effects"
    assert soup.h3["id"] == "skin-reactions"


def test_tables_are_kept():
    soup = rendered("| Drug | Target |\n| --- | --- |\n| Nivolumab | PD-1 |\n")
    assert [th.get_text() for th in soup.select("table thead th")] == ["Drug", "Target"]
    assert [td.get_text() for td in soup.select("table tbody td")] == ["Nivolumab", "PD-1"]


@pytest.mark.parametrize("src", ["https://example.org/t-cell.png", "http://example.org/t-cell.png"])
def test_images_with_an_http_source_are_kept(src):
    soup = rendered(f"![A T cell]({src})\n")
    assert soup.img["src"] == src
    assert soup.img["alt"] == "A T cell"


@pytest.mark.parametrize(
    "src", ["javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="]
)
def test_images_with_other_sources_lose_them(src):
    soup = rendered(f'<img src="{src}" alt="x">\n')
    assert "src" not in soup.img.attrs


def test_table_of_contents_lists_headings_once_there_are_three():
    result = render_article("## One\n\n## Two\n\n### Two and a half\n")
    toc = BeautifulSoup(result.toc_html, "html.parser")
    assert [a["href"] for a in toc.find_all("a")] == ["#one", "#two", "#two-and-a-half"]


def test_short_article_has_no_table_of_contents():
    assert render_article("## One\n\n## Two\n\nText.\n").toc_html == ""


def test_word_count_ignores_markup():
    result = render_article("## Two words\n\n**Three more** words, here.\n")
    assert result.word_count == 6


# --- Heading anchors never take the discussion's ids ---------------------------


def heading_ids(source):
    result = render_article(source)
    toc = BeautifulSoup(result.toc_html, "html.parser")
    heading = [tag.get("id") for tag in rendered(source).find_all(["h2", "h3"])]
    return heading, [a["href"] for a in toc.find_all("a")]


def test_a_heading_called_comments_gets_an_anchor_of_its_own():
    ids, links = heading_ids("## Comments\n\n## Respond\n\n### Comment 12\n")
    assert ids == ["section-comments", "section-respond", "section-comment-12"]
    assert links == ["#section-comments", "#section-respond", "#section-comment-12"]


def test_other_headings_keep_the_anchors_they_always_had():
    ids, _ = heading_ids("## Comments on the trial\n\n## Introduction\n\n## Commentary\n")
    assert ids == ["section-comments-on-the-trial", "introduction", "section-commentary"]


@pytest.mark.parametrize(
    "typed_id", ["comments", "respond", "comment-3", "li-comment-3", "commentform", "Comments"]
)
def test_a_reserved_id_typed_after_a_heading_is_replaced(typed_id):
    ids, links = heading_ids(f"## Talk {{#{typed_id}}}\n\n## Two\n\n## Three\n")
    assert ids == ["talk", "two", "three"]
    assert links[0] == "#talk"


def test_a_reserved_id_in_a_raw_html_heading_is_removed():
    soup = rendered('<h2 id="comments">Raw</h2>\n\n<h2 id="methods">Raw too</h2>\n')
    assert [h2.get("id") for h2 in soup.find_all("h2")] == [None, "methods"]
