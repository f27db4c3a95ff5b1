"""Export the blog as a WordPress eXtended RSS file (WXR 1.2), the file WordPress's
Tools → Import → WordPress reads.

A way out: articles (their rendered HTML, with their references), people as
authors, tags, comments with their status and thread, and pingbacks. Email
addresses only when the operator asks for them; IP addresses never. Written
as it is read, through a streaming XML writer, so memory holds one chunk of
rows at a time however large the discussion.
"""

import os
import re
import tempfile
from collections import Counter
from datetime import UTC
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import XMLGenerator

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, Person, Tag
from comments.models import Comment

from .models import Pingback
from .xml import CONTENT_NS, DC_NS, EXCERPT_NS, WFW_NS, WORDPRESS_NS, WXR_VERSION

# Characters XML 1.0 cannot carry, even escaped: a comment that somehow holds one
# would make the whole file unreadable.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NO_DATE = "0000-00-00 00:00:00"
CHUNK = 500
COMMENT_APPROVED = {
    Comment.Status.APPROVED: "1",
    Comment.Status.PENDING: "0",
    Comment.Status.SPAM: "spam",
    Comment.Status.TRASH: "trash",
}
POST_STATUS = {Article.Status.PUBLISHED: "publish", Article.Status.DRAFT: "draft"}


def wordpress_date(moment, local=False):
    """ "YYYY-MM-DD HH:MM:SS" in UTC (or the site's time zone), or WordPress's zero date."""
    if moment is None:
        return NO_DATE
    moment = timezone.localtime(moment) if local else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def login_of(person):
    """The WordPress login a person is exported under: their account's, else their slug."""
    return person.user.username if person.user_id else person.slug


def post_status(article):
    if article.status == Article.Status.PUBLISHED and article.is_scheduled:
        return "future"
    return POST_STATUS.get(article.status, "draft")


class Writer:
    """Elements written one at a time; text escaped and cleaned of what XML cannot hold."""

    def __init__(self, stream):
        self.xml = XMLGenerator(stream, encoding="utf-8", short_empty_elements=True)

    def start(self, name, attrs=None):
        self.xml.startElement(name, attrs or {})

    def end(self, name):
        self.xml.endElement(name)

    def field(self, name, value, attrs=None):
        self.start(name, attrs)
        value = "" if value is None else str(value)
        if value:
            self.xml.characters(NOT_XML.sub("", value))
        self.end(name)

    def newline(self):
        self.xml.ignorableWhitespace("\n")


class WordPressExport:
    """One export: `run()` writes the file and returns what it holds, counted."""

    def __init__(self, stream, with_addresses=False):
        self.out = Writer(stream)
        self.with_addresses = with_addresses
        self.counts = Counter()
        self.site = settings.SITE_URL
        self.pingback_ids_from = 0

    def run(self):
        out = self.out
        out.xml.startDocument()
        out.newline()
        out.start(
            "rss",
            {
                "version": "2.0",
                "xmlns:excerpt": EXCERPT_NS,
                "xmlns:content": CONTENT_NS,
                "xmlns:wfw": WFW_NS,
                "xmlns:dc": DC_NS,
                "xmlns:wp": WORDPRESS_NS,
            },
        )
        out.start("channel")
        out.field("title", settings.SITE_NAME)
        out.field("link", self.site)
        out.field("description", "")
        out.field("pubDate", format_datetime(timezone.now().astimezone(UTC), usegmt=True))
        out.field("language", settings.LANGUAGE_CODE)
        out.field("wp:wxr_version", WXR_VERSION)
        out.field("wp:base_site_url", self.site)
        out.field("wp:base_blog_url", self.site)
        out.newline()
        self._authors()
        self._tags()
        # Pingbacks share the comments' ids in WordPress: theirs are counted after the last.
        self.pingback_ids_from = Comment.objects.aggregate(last=Max("pk"))["last"] or 0
        articles = (
            Article.objects.select_related("author__user").prefetch_related("tags").order_by("pk")
        )
        for article in articles.iterator(chunk_size=CHUNK):
            self._article(article)
        out.end("channel")
        out.end("rss")
        out.newline()
        out.xml.endDocument()
        return self.counts

    def _authors(self):
        out = self.out
        for person in Person.objects.select_related("user").order_by("pk").iterator(CHUNK):
            login = login_of(person)
            out.start("wp:author")
            out.field("wp:author_id", person.pk)
            out.field("wp:author_login", login)
            email = person.user.email if self.with_addresses and person.user_id else ""
            out.field("wp:author_email", email)
            out.field("wp:author_display_name", person.name)
            # A display name that only repeats the login reads as no name at all
            # (WordPress fills it with the login); the first name carries it then.
            same = person.name.strip().lower() == login.lower()
            out.field("wp:author_first_name", person.name if same else "")
            out.field("wp:author_last_name", "")
            out.end("wp:author")
            out.newline()
            self.counts["people"] += 1

    def _tags(self):
        out = self.out
        for tag in Tag.objects.order_by("pk").iterator(CHUNK):
            out.start("wp:tag")
            out.field("wp:term_id", tag.pk)
            out.field("wp:tag_slug", tag.slug)
            out.field("wp:tag_name", tag.name)
            out.end("wp:tag")
            out.newline()
            self.counts["tags"] += 1

    def _article(self, article):
        out = self.out
        link = f"{self.site}{article.get_absolute_url()}"
        out.start("item")
        out.field("title", article.title)
        out.field("link", link)
        if article.published_at:
            out.field("pubDate", format_datetime(article.published_at.astimezone(UTC), usegmt=True))
        out.field("dc:creator", login_of(article.author))
        out.field("guid", f"{self.site}/?p={article.pk}", {"isPermaLink": "false"})
        out.field("description", "")
        out.field("content:encoded", article.body_html + article.references_html)
        out.field("excerpt:encoded", article.excerpt)
        out.field("wp:post_id", article.pk)
        out.field("wp:post_date", wordpress_date(article.published_at, local=True))
        out.field("wp:post_date_gmt", wordpress_date(article.published_at))
        out.field("wp:post_modified", wordpress_date(article.updated_at, local=True))
        out.field("wp:post_modified_gmt", wordpress_date(article.updated_at))
        out.field("wp:comment_status", "open" if article.allow_comments else "closed")
        out.field("wp:ping_status", "closed")
        out.field("wp:post_name", article.slug)
        out.field("wp:status", post_status(article))
        out.field("wp:post_parent", "0")
        out.field("wp:menu_order", "0")
        out.field("wp:post_type", "post")
        out.field("wp:post_password", "")
        out.field("wp:is_sticky", "0")
        for tag in article.tags.all():
            out.field("category", tag.name, {"domain": "post_tag", "nicename": tag.slug})
        comments = Comment.objects.filter(article=article).order_by("created_at", "pk")
        for comment in comments.iterator(chunk_size=CHUNK):
            self._comment(comment)
        for pingback in Pingback.objects.filter(article=article).order_by("created_at", "pk"):
            self._pingback(pingback)
        out.end("item")
        out.newline()
        self.counts["articles"] += 1

    def _comment(self, comment):
        out = self.out
        out.start("wp:comment")
        out.field("wp:comment_id", comment.pk)
        out.field("wp:comment_author", comment.author_name)
        if self.with_addresses:
            out.field("wp:comment_author_email", comment.author_email)
        out.field("wp:comment_author_url", comment.author_url)
        out.field("wp:comment_date", wordpress_date(comment.created_at, local=True))
        out.field("wp:comment_date_gmt", wordpress_date(comment.created_at))
        out.field("wp:comment_content", comment.body)
        out.field("wp:comment_approved", COMMENT_APPROVED[comment.status])
        out.field("wp:comment_type", "comment")
        out.field("wp:comment_parent", comment.parent_id or 0)
        out.field("wp:comment_user_id", "0")
        out.end("wp:comment")
        self.counts["comments"] += 1
        self.counts[f"comments_{comment.status}"] += 1

    def _pingback(self, pingback):
        out = self.out
        out.start("wp:comment")
        out.field("wp:comment_id", self.pingback_ids_from + pingback.pk)
        out.field("wp:comment_author", pingback.site_name)
        out.field("wp:comment_author_url", pingback.url)
        out.field("wp:comment_date", wordpress_date(pingback.created_at, local=True))
        out.field("wp:comment_date_gmt", wordpress_date(pingback.created_at))
        out.field("wp:comment_content", pingback.excerpt)
        out.field("wp:comment_approved", pingback.status or "1")
        out.field("wp:comment_type", pingback.kind)
        out.field("wp:comment_parent", "0")
        out.field("wp:comment_user_id", "0")
        out.end("wp:comment")
        self.counts["pingbacks"] += 1


def export_wordpress(path, *, with_addresses=False):
    """Write the export to `path` (readable by its owner alone); what it holds, counted.

    Written beside it first and moved into place whole, so a failed export
    never leaves half a file under the name asked for.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            counts = WordPressExport(stream, with_addresses=with_addresses).run()
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts
