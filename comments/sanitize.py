"""The one place where a commenter's text becomes HTML.

A comment is plain text: blank lines make paragraphs and single newlines line
breaks. A few inline tags are allowed, the ones WordPress allows a visitor
(links, emphasis, code, quotes). Anything else is escaped, so `<script>` is
shown as the text the commenter typed instead of vanishing. Bare URLs become
links, and every link carries rel="nofollow ugc". Only http, https and mailto
links survive.
"""

import re
import threading
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter, build_url_re

ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "strike", "strong"}
)
# Paragraphs and line breaks come from the text's own newlines.
STRUCTURE_TAGS = frozenset({"p", "br"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc"
URL_RE = build_url_re(protocols=["http", "https"])

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def is_safe_url(url):
    """True for an absolute http(s) URL, the only kind a commenter may link to."""
    return bool(re.match(r"^https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE))


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_local = threading.local()


def _cleaner():
    # A Cleaner keeps parser state, so each thread gets its own.
    if not hasattr(_local, "cleaner"):
        _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS | STRUCTURE_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=False,
            strip_comments=True,
            filters=[
                partial(LinkifyFilter, callbacks=[_set_rel], url_re=URL_RE, parse_email=False)
            ],
        )
    return _local.cleaner


def _paragraphs(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [block.strip("\n") for block in _PARAGRAPH_BREAK.split(text) if block.strip()]
    return "".join("<p>" + block.replace("\n", "<br>\n") + "</p>\n" for block in blocks)


def sanitize_comment(text):
    """Turn a comment as typed into the safe HTML stored in body_html."""
    return _cleaner().clean(_paragraphs(text)).strip()
