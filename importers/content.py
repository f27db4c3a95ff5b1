"""WordPress post HTML (classic or block editor) → an article body.

An article's body is Markdown, and Markdown passes block-level HTML through
untouched; rendering then sanitises it with the articles' allow-list
(articles/rendering.py). So the imported HTML is kept as HTML, in one block
the Markdown renderer leaves alone: nothing is re-interpreted (an asterisk
or underscore in the text stays one), and the one sanitiser decides what
survives. What the classic editor leaves implicit is made explicit here:
its paragraphs are blank lines (WordPress adds the <p> when it shows them).
"""

import re
from html import unescape
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from articles.rendering import DROPPED_ELEMENTS

BLOCK_DELIMITER = re.compile(r"<!--\s*/?wp:[^>]*?-->\s*", re.DOTALL)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
BLOCK_START = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|figure|table|hr|dl|section|address|"
    r"iframe|script|style|form|object|embed|video|audio|details|aside|nav|header|footer|"
    r"figcaption|tr|td|th|thead|tbody|tfoot|caption)\b",
    re.IGNORECASE,
)
IMAGE_SOURCE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*([\"'])(.*?)\1", re.IGNORECASE | re.DOTALL)
# The opening of the wrapper the Markdown renderer passes through whole; the
# sanitiser drops the tag itself and keeps its content.
WRAPPER = '<div class="imported">\n{}\n</div>\n'


def _autop(html):
    """Classic-editor text: a blank line separates paragraphs, a newline is a line break."""
    chunks = []
    for chunk in PARAGRAPH_BREAK.split(html.strip()):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(chunks)


def convert_post(html):
    """The article body for a post's content: its HTML, block delimiters dropped."""
    html = BLOCK_DELIMITER.sub("", html.replace("\r\n", "\n"))
    # Scripts and the like would go at rendering anyway; gone first, the text
    # after them is a paragraph like any other.
    html = DROPPED_ELEMENTS.sub("", html)
    html = _autop(html)
    return WRAPPER.format(html) if html else ""


def old_site_images(html, hosts):
    """The image addresses in the content that still point at the old site (in order, once)."""
    found = []
    for _, src in IMAGE_SOURCE.findall(html):
        src = unescape(src.strip())
        host = urlsplit(src).hostname if src.startswith(("http:", "https:", "//")) else None
        if (host in hosts or not host and src.startswith("/")) and src not in found:
            found.append(src)
    return found


def plain_text(html):
    """An excerpt or title as text: tags dropped, entities decoded, spaces folded."""
    return " ".join(unescape(strip_tags(html)).split())
