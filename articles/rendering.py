"""Markdown to safe HTML, done once when an article is saved."""

import math
import re
from dataclasses import dataclass

import bleach
import markdown
from django.utils.html import strip_tags
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "dl", "dt", "em",
        "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
        "p", "pre", "q", "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
# Ids the article page uses outside the article's text: the page's own parts
# and the discussion under the article, whose anchors travel in links
# (#comments, #respond, #comment-12, a form field's label). A heading never
# takes one, or such a link would land inside the article.
RESERVED_IDS = frozenset(
    {
        "main", "article-title", "toc-title", "site-search-q", "submit", "email-notes",
        "comments", "respond", "commentform",
    }
)  # fmt: skip
RESERVED_ID_PREFIXES = ("comment", "respond", "reply", "li-comment", "cancel-comment", "id_",
                        "div_id_", "summary-")  # fmt: skip
# What a heading's id starts with when its words would make a reserved one.
HEADING_ID_PREFIX = "section-"


def is_reserved_id(value):
    """Is this id, in any case, one the article page keeps for something else?"""
    value = value.lower()
    return value in RESERVED_IDS or value.startswith(RESERVED_ID_PREFIXES)


def heading_id(value, separator):
    """A heading's anchor from its words, as Python-Markdown makes it, never a reserved one.

    "Comments" becomes `section-comments`; every other heading keeps the id it
    always had, so links shared to it keep working.
    """
    slug = slugify(value, separator)
    return f"{HEADING_ID_PREFIX}{slug}" if is_reserved_id(slug) else slug


def _heading_attribute(tag, name, value):
    # An id typed into raw HTML (<h2 id="comments">) goes; the heading stays.
    return name == "id" and not is_reserved_id(value)


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class _ReservedHeadingIds(Treeprocessor):
    """Drop a reserved id given to a heading (`## Talk {#comments}`) before the
    table of contents gives every heading without one its own."""

    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS and is_reserved_id(element.get("id", "")):
                del element.attrib["id"]


class _ReservedHeadingIdsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        # After attr_list (8) sets typed ids, before toc (5) names the rest.
        md.treeprocessors.register(_ReservedHeadingIds(md), "reserved_heading_ids", 6)


HEADING_ATTRIBUTES = _heading_attribute
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "ol": ["start"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "code": ["class"],
    **{f"h{level}": HEADING_ATTRIBUTES for level in range(2, 7)},
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements whose content is code or another document, never article text:
# removed whole before sanitising, which would otherwise keep their text
# ("alert(1)", a stylesheet) as visible words. Markdown has already escaped
# any such markup shown inside code, so only real elements match.
DROPPED_ELEMENTS = re.compile(
    r"<(script|style|iframe|object|embed|noscript|template|textarea|select)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

WORDS_PER_MINUTE = 230
# A table of contents only helps once an article has a few sections.
TOC_MIN_HEADINGS = 3


@dataclass(frozen=True)
class RenderedArticle:
    html: str
    toc_html: str
    word_count: int

    @property
    def reading_minutes(self):
        return reading_minutes(self.word_count)


def reading_minutes(word_count):
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))


def sanitize_article_html(html):
    """Keep the article allow-list; drop other tags, keeping their text.

    Scripts, styles, frames and the like go with their content.
    """
    return bleach.clean(
        DROPPED_ELEMENTS.sub("", html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def _count_headings(toc_tokens):
    return sum(1 + _count_headings(token["children"]) for token in toc_tokens)


def render_article(source):
    """Render an article's Markdown source into sanitised HTML and a table of contents.

    Headings get stable ids (the table of contents and shared links point at
    them). Raw HTML in the source goes through the same allow-list as the
    Markdown output, so an editor's paste can never carry a script.
    """
    md = markdown.Markdown(
        extensions=[
            "toc",
            "tables",
            "fenced_code",
            "sane_lists",
            "attr_list",
            _ReservedHeadingIdsExtension(),
        ],  # fmt: skip
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": heading_id}},
        output_format="html",
    )
    html = sanitize_article_html(md.convert(source))
    toc_html = ""
    if _count_headings(md.toc_tokens) >= TOC_MIN_HEADINGS:
        toc_html = sanitize_article_html(md.toc)
    text = strip_tags(html)
    word_count = len(re.findall(r"[\w’'-]+", text))
    return RenderedArticle(html=html, toc_html=toc_html, word_count=word_count)
