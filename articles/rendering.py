"""Markdown to safe HTML, done once when an article is saved."""

import math
import re
import secrets
from dataclasses import dataclass, field

import bleach
import markdown
from django.utils.html import strip_tags
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

from .references import doi_url, pubmed_url

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
        "comments", "respond", "commentform", "references-title", "corrections-title",
        "disclaimer-title",
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
    # Footnote markers and back links: their class, ARIA role and label.
    "a": ["href", "title", "class", "role", "aria-label"],
    "sup": ["id"],
    "li": ["id"],
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
    references_html: str = ""
    cited_keys: list = field(default_factory=list)

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


# Characters Markdown would read as markup inside generated link text.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def _escape_markdown(text):
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def _link(text, url):
    target = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{_escape_markdown(text)}](<{target}>)"


def reference_definition(reference):
    """A reference record as a Markdown footnote definition: citation, then its links."""
    parts = [" ".join(reference.citation.split())]
    if reference.doi:
        parts.append(_link(f"doi:{reference.doi}", doi_url(reference.doi)))
    if reference.pmid:
        parts.append(_link(f"PubMed {reference.pmid}", pubmed_url(reference.pmid)))
    if reference.url:
        parts.append(_link(reference.url, reference.url))
    return f"[^{reference.key}]: " + " ".join(parts)


class _References(Treeprocessor):
    """Drops uncited definitions, labels markers and back links, and marks the list.

    Runs after the footnotes extension has numbered the markers in order of
    first citation. A screen reader hears "Reference 3" on a marker and "Back
    to reference 3 in the text" on its back link; the list is moved out of the
    body by splitting the output at a marker nobody can type.
    """

    def __init__(self, md, footnotes, marker):
        super().__init__(md)
        self.footnotes, self.marker = footnotes, marker

    def run(self, root):
        order = self.footnotes.footnote_order
        for link in root.iter("a"):
            if link.get("class") == "footnote-ref":
                link.set("role", "doc-noteref")
                link.set("aria-label", f"Reference {link.text}")
        for div in root.iter("div"):
            if div.get("class") == "footnote":
                break
        else:
            return
        for child in list(div):
            if child.tag == "hr":
                div.remove(child)
        for ol in div.iter("ol"):
            for li in list(ol):
                key = li.get("id", "").split(":", 1)[-1]
                if key not in order:
                    ol.remove(li)
                    continue
                number = order.index(key) + 1
                backlinks = [a for a in li.iter("a") if a.get("class") == "footnote-backref"]
                for index, backlink in enumerate(backlinks, start=1):
                    backlink.set("role", "doc-backlink")
                    label = f"Back to reference {number} in the text"
                    if len(backlinks) > 1:
                        label = f"Back to citation {index} of reference {number} in the text"
                    backlink.set("aria-label", label)
                    backlink.set("title", label)
            break
        div.set("id", self.marker)


class _ReferencesExtension(Extension):
    def __init__(self, footnotes, marker):
        super().__init__()
        self.footnotes, self.marker = footnotes, marker

    def extendMarkdown(self, md):
        # After the footnotes' numbering (19) and duplicate back links (15).
        md.treeprocessors.register(_References(md, self.footnotes, self.marker), "references", 10)


def _split_references(html, marker):
    """The body, and the inside of the references list, split at the list's marker."""
    head, found, tail = html.partition(f' id="{marker}">')
    if not found:
        return html, ""
    body = head[: head.rindex("<div")]
    references = tail.strip()
    if references.endswith("</div>"):
        references = references[: -len("</div>")].strip()
    return body, references


def render_article(source, references=()):
    """Render an article's Markdown source into sanitised HTML and a table of contents.

    Headings get stable ids (the table of contents and shared links point at
    them). Raw HTML in the source goes through the same allow-list as the
    Markdown output, so an editor's paste can never carry a script.

    `references` (records with key, citation, doi, pmid, url) become the
    footnote definitions of the text's [^key] markers: numbered in order of
    first citation, listed apart (references_html), uncited ones left out.
    """
    references = list(references)
    marker = f"references-{secrets.token_hex(8)}"
    footnotes = FootnoteExtension(USE_DEFINITION_ORDER=False, BACKLINK_TEXT="↩")
    md = markdown.Markdown(
        extensions=[
            "toc", "tables", "fenced_code", "sane_lists", "attr_list",
            footnotes, _ReferencesExtension(footnotes, marker),
            _ReservedHeadingIdsExtension(),
        ],
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": heading_id}},
        output_format="html",
    )  # fmt: skip
    if references:
        definitions = "\n\n".join(reference_definition(reference) for reference in references)
        source = f"{source}\n\n{definitions}\n"
    body, references_html = _split_references(md.convert(source), marker)
    html = sanitize_article_html(body)
    toc_html = ""
    if _count_headings(md.toc_tokens) >= TOC_MIN_HEADINGS:
        toc_html = sanitize_article_html(md.toc)
    text = strip_tags(html)
    word_count = len(re.findall(r"[\w’'-]+", text))
    known = {reference.key for reference in references}
    return RenderedArticle(
        html=html,
        toc_html=toc_html,
        word_count=word_count,
        references_html=sanitize_article_html(references_html) if references_html else "",
        cited_keys=[key for key in footnotes.footnote_order if key in known],
    )
