"""The one place where a commenter's text becomes HTML.

A comment is plain text: blank lines make paragraphs and single newlines line
breaks. A few inline tags are allowed, the ones WordPress allows a visitor
(links, emphasis, code, quotes). Anything else is escaped, so `<script>` is
shown as the text the commenter typed instead of vanishing. Bare URLs become
links, and every link carries rel="nofollow ugc". Only http, https and mailto
links survive.
"""

import itertools
import re
import threading
from functools import partial

import bleach
from bleach.html5lib_shim import convert_entities
from bleach.linkifier import LinkifyFilter, build_url_re
from django.core.exceptions import ValidationError

ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "strike", "strong"}
)
# Paragraphs and line breaks come from the text's own newlines.
STRUCTURE_TAGS = frozenset({"p", "br"})
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc"
URL_RE = build_url_re(protocols=["http", "https"])

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Stripped before the scheme is read, as bleach's own protocol check does.
_URL_IGNORED = re.compile(r"[`\000-\040\177-\240\s]+|[^\x00-\x7f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")


def _has_allowed_scheme(href):
    """An href must name http, https or mailto itself.

    bleach lets scheme-less hrefs through as relative links ("x", "//host",
    "#top", "%6A...:"); a commenter's link always says where it goes.
    """
    normalized = _URL_IGNORED.sub("", convert_entities(href)).lower()
    scheme = _SCHEME.match(normalized)
    return scheme is not None and scheme.group(1) in ALLOWED_PROTOCOLS


def _link_attribute(tag, name, value):
    return name in {"title", "rel"} or (name == "href" and _has_allowed_scheme(value))


ALLOWED_ATTRIBUTES = {"a": _link_attribute, "abbr": ["title"]}


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


# What the sanitiser's time grows with, and the most of each a comment may
# hold. Far above anything written by hand, low enough that the worst comment
# allowed costs a fraction of a second (bench/worst_post.py measures it).
MAX_TAG_SIGNS = 1000  # "<": each starts a tag, or text the parser must look at
MAX_ENTITY_SIGNS = 1000  # "&": each starts a character reference
MAX_LINE_BREAKS = 1000  # each becomes a <br> or a paragraph
MAX_NESTING = 20  # allowed tags open inside one another
MAX_LINKS = 100  # addresses that become links: each costs the linkifier a new element
# With the limits above, a comment's HTML is at most this many times its
# text, plus this much per link (the address again in href, the tag itself).
HTML_GROWTH = 5
HTML_PER_LINK = 64
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


def _nesting_depth(text):
    depth = deepest = 0
    for closing, name in _TAG.findall(text):
        if name.lower() not in ALLOWED_TAGS:
            continue  # shown as text, never nested
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _has_more_links_than(text, limit):
    """True when the linkifier would find more than `limit` addresses; stops counting there."""
    return next(itertools.islice(URL_RE.finditer(text), limit, None), None) is not None


def reject_absurd_markup(text):
    """Refuse comments whose markup would make sanitising slow: too many tags, links, too deep.

    Counting is linear and cheap; bleach's parser is not (64 KB of nested
    <b> took seconds, and 13,000 bare "a.co" a third of a second and ten
    times their size in HTML). The limits are far beyond what anyone types.
    """
    limits = [
        (text.count("<"), MAX_TAG_SIGNS, "too_many_tags",
         "Your comment has too many tags or “<” signs (%(count)s; the limit is %(limit)s)."),
        (text.count("&"), MAX_ENTITY_SIGNS, "too_many_entities",
         "Your comment has too many “&” signs (%(count)s; the limit is %(limit)s)."),
        (text.count("\n") + text.count("\r") - text.count("\r\n"), MAX_LINE_BREAKS,
         "too_many_lines",
         "Your comment has too many lines (%(count)s; the limit is %(limit)s). "
         "Please join some of them."),
    ]  # fmt: skip
    for count, limit, code, message in limits:
        if count > limit:
            raise ValidationError(message, code=code, params={"count": count, "limit": limit})
    if _has_more_links_than(text, MAX_LINKS):
        raise ValidationError(
            "Your comment has too many links (more than %(limit)s). Please remove some.",
            code="too_many_links",
            params={"limit": MAX_LINKS},
        )
    depth = _nesting_depth(text)
    if depth > MAX_NESTING:
        raise ValidationError(
            "Your comment nests tags too deeply (%(count)s levels; the limit is %(limit)s). "
            "Please close some of them.",
            code="too_deep_markup",
            params={"count": depth, "limit": MAX_NESTING},
        )
