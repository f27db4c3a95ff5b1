"""Import a Disqus export: its threads placed on our articles, its posts as their comments.

A Disqus export lists every thread before every post, and posts of all
threads are interleaved. The first pass checks the whole file and places
the threads (by the old address, the article's own address, the WordPress
post id Disqus was given, or the slug); the second stages the posts in a
temporary file on disk, so that each article's comments can then be
imported in one transaction without holding them in memory. A thread that
cannot be placed is listed, never guessed.
"""

import re
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone

from articles.models import Article
from comments.models import Comment

from .content import plain_text
from .models import DISQUS, WORDPRESS, OldAddress
from .writing import (
    LISTED,
    PROGRESS_EVERY,
    ArticleImport,
    comments_summary,
    remember_address,
)
from .xml import ImportFailed, child_text, discard, events, short_name

DSQ_ID = "{http://disqus.com/disqus-internals}id"
COMMENT_PAGE = re.compile(r"comment-page-\d+/?$")
STAGE_BATCH = 1000


def _flag(value):
    return value.strip().lower() == "true"


def _reference(element, name):
    """The dsq:id of the child `name` (a post's <thread> or <parent>), or ""."""
    for child in element:
        if short_name(child.tag) == name:
            return (child.get(DSQ_ID) or "").strip()
    return ""


def comment_text(html):
    """A Disqus message (HTML paragraphs) as a comment's text: paragraphs as blank lines."""
    html = re.sub(r"</p>\s*<p>", "\n\n", html.strip(), flags=re.IGNORECASE)
    html = re.sub(r"</?p>", "", html, flags=re.IGNORECASE)
    return re.sub(r"<br\s*/?>", "\n", html, flags=re.IGNORECASE).strip()


def parse_disqus_date(value):
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def place_thread(link, identifier):
    """The article a Disqus thread belongs to, or None: from what the import stored or the URL."""
    path = unquote(urlsplit(link).path) if link else ""
    if path:
        old = OldAddress.objects.filter(path=path, article__isnull=False).select_related("article")
        old = old.first()
        if old is not None:
            return old.article
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is not None and match.view_name == "articles:detail":
            article = Article.objects.filter(slug=match.kwargs["slug"]).first()
            if article is not None:
                return article
    post_id = identifier.split()[0] if identifier.split() else ""
    if post_id.isdigit():
        article = Article.objects.filter(import_source=WORDPRESS, import_id=post_id).first()
        if article is not None:
            return article
    segments = [part for part in COMMENT_PAGE.sub("", path).split("/") if part]
    if segments:
        return Article.objects.filter(slug=segments[-1]).first()
    return None


class DisqusImport:
    def __init__(self, path, report):
        self.path = path
        self.report = report
        self.counts = report.counts
        self.threads = {}  # dsq:id → article pk
        self.unplaced = []
        self.links = {}  # article pk → thread paths, to remember

    def run(self):
        self._check_and_place()
        with tempfile.TemporaryDirectory() as folder:
            stage = sqlite3.connect(Path(folder) / "posts.sqlite3")
            try:
                self._stage(stage)
                self._import(stage)
            finally:
                stage.close()
        self._summary()

    def _walk(self):
        """(name, element) of each element under the root, once complete; used ones go."""
        depth = 0
        stack = []
        for event, name, element in events(self.path):
            if event == "start":
                depth += 1
                stack.append(element)
                if depth == 1 and name != "disqus":
                    raise ImportFailed(f"This is not a Disqus export (its root is <{name}>).")
                continue
            stack.pop()
            if depth == 2:
                yield name, element
                discard(stack[-1], element)
            depth -= 1

    def _check_and_place(self):
        threads = posts = 0
        for name, element in self._walk():
            if name == "thread":
                threads += 1
                self._place(element)
            elif name == "post":
                posts += 1
        if not threads:
            raise ImportFailed("This is not a Disqus export (it has no <thread>).")
        self.counts["threads"] = threads
        self.counts["posts_in_file"] = posts
        self.report.progress(f"{threads} threads and {posts} posts in the export.")

    def _place(self, element):
        dsq_id = (element.get(DSQ_ID) or "").strip()
        link = child_text(element, "link")
        article = place_thread(link, child_text(element, "id"))
        if article is None:
            self.counts["threads_unplaced"] += 1
            if len(self.unplaced) < LISTED:
                title = plain_text(child_text(element, "title")) or "(untitled)"
                self.unplaced.append(f"{title} <{link}>")
            return
        self.threads[dsq_id] = article.pk
        path = unquote(urlsplit(link).path)
        if path.strip("/"):
            self.links.setdefault(article.pk, []).append(path)

    def _stage(self, stage):
        stage.execute(
            "CREATE TABLE post (seq INTEGER PRIMARY KEY, article INTEGER, dsq_id TEXT, "
            "parent TEXT, message TEXT, created TEXT, deleted INTEGER, spam INTEGER, "
            "name TEXT, email TEXT, ip TEXT)"
        )
        rows = []
        for name, element in self._walk():
            if name != "post":
                continue
            article = self.threads.get(_reference(element, "thread"))
            if article is None:
                self.counts["posts_in_unplaced_threads"] += 1
                continue
            author = next((child for child in element if short_name(child.tag) == "author"), None)
            rows.append(
                (
                    article,
                    (element.get(DSQ_ID) or "").strip(),
                    _reference(element, "parent"),
                    child_text(element, "message"),
                    child_text(element, "createdAt"),
                    _flag(child_text(element, "isDeleted")),
                    _flag(child_text(element, "isSpam")),
                    child_text(author, "name") if author is not None else "",
                    child_text(author, "email") if author is not None else "",
                    child_text(element, "ipAddress"),
                )
            )
            if len(rows) >= STAGE_BATCH:
                self._stage_rows(stage, rows)
        self._stage_rows(stage, rows)
        stage.execute("CREATE INDEX post_article ON post (article, seq)")

    def _stage_rows(self, stage, rows):
        stage.executemany(
            "INSERT INTO post (article, dsq_id, parent, message, created, deleted, spam, name, "
            "email, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        stage.commit()
        rows.clear()

    def _import(self, stage):
        read = 0
        for article in Article.objects.filter(pk__in=set(self.threads.values())).order_by("pk"):
            with ArticleImport(DISQUS, self.report) as writer:
                writer.article = article
                for path in self.links.get(article.pk, ()):
                    remember_address(path, article, DISQUS)
                for row in stage.execute(
                    "SELECT dsq_id, parent, message, created, deleted, spam, name, email, ip "
                    "FROM post WHERE article = ? ORDER BY seq",
                    (article.pk,),
                ):
                    read += 1
                    if read % PROGRESS_EVERY == 0:
                        self.report.progress(f"… {read} posts read")
                    self._post(writer, *row)

    def _post(self, writer, dsq_id, parent, message, created, deleted, spam, name, email, ip):
        if not dsq_id:
            self.counts["posts_without_id"] += 1
            writer.notes.append("a post without a dsq:id, skipped")
            return
        status = Comment.Status.APPROVED
        if spam:
            status = Comment.Status.SPAM
        elif deleted:
            status = Comment.Status.TRASH
        writer.add_comment(
            dsq_id,
            int(parent) if parent.isdigit() else 0,
            author_name=plain_text(name),
            author_email=email,
            ip=ip,
            body=comment_text(message),
            status=status,
            created_at=parse_disqus_date(created) or timezone.now(),
        )

    def _summary(self):
        report, counts = self.report, self.counts
        verb = "would be imported" if report.dry_run else "imported"
        report.line("")
        report.line(
            f"Threads: {counts['threads']}, {len(set(self.threads.values()))} articles found, "
            f"{counts['threads_unplaced']} not placed ({counts['posts_in_unplaced_threads']} "
            "posts left out)."
        )
        report.listing("Threads not placed", self.unplaced, counts["threads_unplaced"])
        report.line(f"{comments_summary(counts, verb)}.")
