"""Import a WordPress eXtended RSS export (WXR 1.0–1.2, from Tools → Export).

The file is read twice, streamed: once to check that all of it is a
readable export (so a truncated or hostile file changes nothing), then to
import it, post by post, each in its own transaction. Comments come last in
a post's <item>, so the article exists by the time they arrive; they are
written in batches as they are read, never held all at once.
"""

import hashlib
from collections import Counter, namedtuple
from datetime import UTC, timedelta
from urllib.parse import quote, unquote, urlsplit

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Person, Tag
from articles.rendering import render_article
from comments.models import Comment

from .content import convert_post, old_site_images, plain_text
from .models import MAX_SITE_LENGTH, WORDPRESS, DeletedImport, ImportRun, Pingback
from .writing import (
    LISTED,
    PROGRESS_EVERY,
    ArticleImport,
    author_for_import,
    comments_summary,
    deleted_here,
    editorial_byline,
    free_slug,
    parse_wordpress_date,
    remember_address,
    tags_named,
)
from .xml import ImportFailed, child_text, discard, events, text

POST_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # published_at in the future: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
    "auto-draft": Article.Status.DRAFT,
    "inherit": Article.Status.DRAFT,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
PINGS = {"pingback": Pingback.Kind.PINGBACK, "trackback": Pingback.Kind.TRACKBACK}
FOCUS_KEYPHRASE = "_yoast_wpseo_focuskw"
META_DESCRIPTION = "_yoast_wpseo_metadesc"
# WordPress's default category: every post without one gets it, so it says nothing.
UNCATEGORIZED = "uncategorized"
# Depth of elements in the document: rss 1, channel 2, item 3, its fields 4.
ITEM_DEPTH = 3
FIELD_DEPTH = 4


SITE_FIELDS = ("wp:base_blog_url", "wp:base_site_url", "link")


def site_of(addresses):
    """The blog an export came from, "https://host/path", from its channel's addresses."""
    for name in SITE_FIELDS:
        parts = urlsplit(addresses.get(name, ""))
        if parts.scheme in {"http", "https"} and parts.hostname:
            host = parts.hostname + (f":{parts.port}" if parts.port else "")
            return f"{parts.scheme}://{host}{parts.path.rstrip('/')}"[:MAX_SITE_LENGTH]
    return ""


def check_export(path):
    """Read the whole file once: (its items, the site it came from); ImportFailed unless
    it is a complete WordPress export."""
    depth = 0
    stack = []
    is_export = False
    items = 0
    addresses = {}
    for event, name, element in events(path):
        if event == "start":
            depth += 1
            stack.append(element)
            if depth == 1 and name != "rss":
                raise ImportFailed(f"This is not a WordPress export (its root is <{name}>).")
            continue
        if name == "wp:wxr_version":
            is_export = True
        items += name == "item" and depth == ITEM_DEPTH
        if depth == ITEM_DEPTH and name in SITE_FIELDS:
            addresses.setdefault(name, text(element).strip())
        stack.pop()
        depth -= 1
        if stack and depth <= FIELD_DEPTH:
            discard(stack[-1], element)
    if not is_export:
        raise ImportFailed("This is not a WordPress export (it has no <wp:wxr_version>).")
    return items, site_of(addresses)


def check_one_site(site):
    """ImportFailed if posts of another WordPress site were imported before.

    Rows remember their WordPress ids, which each site counts from one: a
    second site's post 12 would be taken for the first site's, and its
    comments skipped as "already there". Only one site can move in.
    """
    earlier = (
        ImportRun.objects.filter(kind=WORDPRESS, succeeded=True, is_dry_run=False)
        .exclude(site="")
        .exclude(site=site)
        .values_list("site", flat=True)
        .first()
    )
    if site and earlier:
        raise ImportFailed(
            f"This export comes from {site}, but posts from {earlier} were imported already; "
            "their post and comment ids would collide, so only one WordPress site can be "
            "imported into this blog."
        )


def people_for_author_map(pairs):
    """`--author-map OLD=PERSON` values → {login (lower case): Person}; ImportFailed if one is
    not of that form or names nobody (PERSON is a Person's slug, or their name)."""
    people = {}
    for pair in pairs or ():
        login, sep, wanted = (part.strip() for part in pair.partition("="))
        if not sep or not login or not wanted:
            raise ImportFailed(
                f"--author-map wants OLD=PERSON (a WordPress login, then a person's slug or "
                f"name), not {pair!r}."
            )
        person = Person.objects.filter(slug=wanted).first()
        if person is None:
            named = list(Person.objects.filter(name__iexact=wanted)[:2])
            if len(named) > 1:
                raise ImportFailed(
                    f"--author-map {pair}: several people are named {wanted!r}; give the slug."
                )
            if not named:
                raise ImportFailed(
                    f"--author-map {pair}: no person here has the slug or name {wanted!r}."
                )
            person = named[0]
        people[login.lower()] = person
    return people


def author_paths(login):
    """The old site's addresses of an author's page: WordPress's is the login made a slug."""
    names = dict.fromkeys(name for name in (slugify(login), quote(login.lower(), safe="")) if name)
    return [f"/author/{name}/" for name in names]


def byline_name(login, known):
    """The name the export gives an author, or "" when it gives only the login.

    WordPress fills a display name with the login unless told otherwise: that
    is a login, not a byline.
    """
    display = " ".join(known.get("display_name", "").split())
    if display and display.lower() != login.lower():
        return display
    return " ".join(f"{known.get('first_name', '')} {known.get('last_name', '')}".split())


def matching_article(post_id, name, title, published_at):
    """The article here that is this post, though no WordPress import made it, or None.

    The rule: the same slug; else the same title and a publication date on
    the same day (UTC). An article that came from another WordPress post is
    never taken for this one.
    """
    articles = Article.objects.exclude(Q(import_source=WORDPRESS) & ~Q(import_id=post_id))
    slugs = {slug for slug in (name, slugify(name)) if slug}
    found = articles.filter(slug__in=slugs).first() if slugs else None
    if found is None and published_at is not None:
        day = published_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        found = articles.filter(
            title=title, published_at__gte=day, published_at__lt=day + timedelta(days=1)
        ).first()
    return found


def matched(count):
    """ ", N matched": posts that were articles here already (nothing when there are none)."""
    return f", {count} matched with an article here (kept as it is)" if count else ""


def when(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "none"


def state_of(status, published_at):
    if status == Article.Status.PUBLISHED and published_at and published_at > timezone.now():
        return "scheduled"
    return status


def listed_names(names):
    names = sorted(names, key=str.lower)
    more = f" (and {len(names) - LISTED} more)" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more or "none"


Term = namedtuple("Term", "domain nicename name")


class Post:
    """The fields of one <item> read so far."""

    def __init__(self):
        self.fields = {}
        self.terms = []
        self.meta = {}
        self.started = False
        self.writer = None
        self.skipped = False

    def get(self, name):
        return self.fields.get(name, "").strip()


class WordPressImport:
    def __init__(self, path, report, author_map=()):
        self.path = path
        self.author_map = author_map
        self.mapped = {}
        self.editorial_logins = []
        self.editorial_name = ""
        self.report = report
        self.counts = report.counts
        self.authors = {}
        self.hosts = set()
        self.post = None
        self.listed = Counter()
        self.skipped_titles = []
        self.new_authors = []

    def run(self):
        total, self.report.site = check_export(self.path)
        check_one_site(self.report.site)
        self.mapped = people_for_author_map(self.author_map)
        self.report.progress(f"{total} items in the export.")
        try:
            self._read()
        except BaseException as failure:
            if self.post is not None and self.post.writer is not None:
                self.post.writer.__exit__(type(failure), failure, failure.__traceback__)
            raise
        self._summary()

    def _read(self):
        depth = 0
        stack = []
        for event, name, element in events(self.path):
            if event == "start":
                depth += 1
                stack.append(element)
                if name == "item" and depth == ITEM_DEPTH:
                    self.post = Post()
                continue
            if depth == ITEM_DEPTH:
                self._channel_field(name, element)
            elif depth == FIELD_DEPTH and self.post is not None:
                self._post_field(name, element)
            stack.pop()
            # What has been used goes (a comment's fields with the comment), so
            # memory holds one item's fields at most.
            used = depth == ITEM_DEPTH or (depth == FIELD_DEPTH and self.post is not None)
            if used:
                discard(stack[-1], element)
            depth -= 1

    def _channel_field(self, name, element):
        if name == "item":
            self._finish_post(self.post)
            self.post = None
        elif name == "wp:author":
            login = child_text(element, "wp:author_login")
            self.authors[login] = {
                "email": child_text(element, "wp:author_email"),
                "display_name": child_text(element, "wp:author_display_name"),
                "first_name": child_text(element, "wp:author_first_name"),
                "last_name": child_text(element, "wp:author_last_name"),
            }
        elif name in {"link", "wp:base_site_url", "wp:base_blog_url"}:
            host = urlsplit(text(element)).hostname
            if host:
                self.hosts.add(host)

    def _post_field(self, name, element):
        post = self.post
        if name == "wp:comment":
            self._comment(post, {child.tag: child.text or "" for child in element})
        elif name == "wp:postmeta":
            key = child_text(element, "wp:meta_key")
            if key in {FOCUS_KEYPHRASE, META_DESCRIPTION}:
                post.meta[key] = child_text(element, "wp:meta_value")
        elif name == "category":
            domain = element.get("domain")
            if domain in {"category", "post_tag"} and text(element):
                term_name = plain_text(text(element))
                nicename = unquote(element.get("nicename", "")).strip() or slugify(term_name)
                if domain != "category" or nicename.lower() != UNCATEGORIZED:
                    post.terms.append(Term(domain, nicename, term_name))
        else:
            post.fields[name] = element.text or ""

    def _start_post(self, post):
        """Decide what the item is; for a post, open its transaction and find or create it."""
        post.started = True
        kind = post.get("wp:post_type") or "post"
        status = post.get("wp:status")
        title = plain_text(post.get("title")) or f"(untitled {post.get('wp:post_id')})"
        if kind != "post":
            self.counts[f"skipped_{kind}"] += 1
            post.skipped = True
            return
        if status == "trash" or not post.get("wp:post_id"):
            self.counts["skipped_trashed_post"] += 1
            if len(self.skipped_titles) < LISTED:
                self.skipped_titles.append(title)
            post.skipped = True
            return
        post_id = post.get("wp:post_id")
        article = Article.objects.filter(import_source=WORDPRESS, import_id=post_id).first()
        if article is None and DeletedImport.ids(DeletedImport.Kind.ARTICLE, WORDPRESS, [post_id]):
            self.counts["posts_deleted_here"] += 1
            post.skipped = True
            return
        post.writer = ArticleImport(WORDPRESS, self.report).__enter__()
        if article is not None:
            self.counts["posts_already_there"] += 1
            post.writer.article, post.writer.created = article, False
            return
        published_at = parse_wordpress_date(post.get("wp:post_date_gmt"), post.get("wp:post_date"))
        name = unquote(post.get("wp:post_name"))
        article = matching_article(post_id, name, title, published_at)
        if article is not None:
            self._match(post, article, title, published_at)
        else:
            post.writer.article, post.writer.created = self._new_article(post, title), True

    def _author(self, login, create=False):
        """The Person a WordPress login is credited to: (person, created).

        `--author-map` first; then a login the export gives no name for goes to
        the editorial byline (a login is never a byline); then
        author_for_import. Without `create` (for an article already here) only
        the first two are tried, and nobody is made: (None, False) otherwise.
        """
        mapped = self.mapped.get(login.lower())
        if mapped is not None:
            return mapped, False
        details = self.authors.get(login, {})
        name = byline_name(login, details)
        if not name:
            if login not in self.editorial_logins:
                self.editorial_logins.append(login)
            person, created = editorial_byline()
            self.editorial_name = person.name
            return person, created
        if not create:
            return None, False
        return author_for_import(login, **{**details, "display_name": name})

    def _remember_author(self, login, person):
        for path in author_paths(login):
            remember_address(path, person, WORDPRESS)

    def _match(self, post, article, title, published_at):
        """The post is an article already here: keep it as it is, take its id, addresses and
        (later) comments, and list where the export differs."""
        post_id = post.get("wp:post_id")
        Article.objects.filter(pk=article.pk).update(import_source=WORDPRESS, import_id=post_id)
        article.import_source, article.import_id = WORDPRESS, post_id
        post.writer.article, post.writer.created, post.writer.matched = article, False, True
        self.counts["posts_matched"] += 1
        self._remember_post_addresses(post, article)
        differing = self._differences(post, article, title, published_at)
        said = "; ".join(differing) if differing else "nothing: the export says the same"
        post.writer.notes.append(f"kept as it is; the export differs in: {said}")

    def _differences(self, post, article, title, published_at):
        """Each field where the export's post says something else than the article here."""
        found = []
        if title != article.title:
            found.append(f"title (export “{title[:200]}”, here “{article.title}”)")
        name = unquote(post.get("wp:post_name"))
        if name and name != article.slug:
            found.append(f"slug (export {name[:200]}, here {article.slug})")
        if plain_text(post.fields.get("excerpt:encoded", "")) != plain_text(article.excerpt):
            found.append("excerpt")
        body = render_article(convert_post(post.fields.get("content:encoded", ""))).html
        if plain_text(body) != plain_text(article.body_html):
            found.append("body")
        if published_at != article.published_at:
            found.append(f"date (export {when(published_at)}, here {when(article.published_at)})")
        status = POST_STATUSES.get(post.get("wp:status"), Article.Status.DRAFT)
        exported, here = (
            state_of(status, published_at),
            state_of(article.status, article.published_at),
        )
        if exported != here:
            found.append(f"status (export {exported}, here {here})")
        description = plain_text(post.meta.get(META_DESCRIPTION, ""))
        if description and description != article.meta_description:
            found.append("meta description")
        keyphrase = plain_text(post.meta.get(FOCUS_KEYPHRASE, ""))
        if keyphrase and keyphrase not in article.seo_keywords:
            found.append(f"focus keyphrase (export “{keyphrase[:200]}”)")
        exported_tags = {term.name.lower(): term.name for term in post.terms}
        here_tags = {tag.name.lower(): tag.name for tag in article.tags.all()}
        if set(exported_tags) != set(here_tags):
            found.append(
                f"tags (export {listed_names(exported_tags.values())}; "
                f"here {listed_names(here_tags.values())})"
            )
        login = post.get("dc:creator")
        person, _ = self._author(login)
        exported_author = person.name if person else byline_name(login, self.authors.get(login, {}))
        if exported_author != article.author.name:
            found.append(f"author (export {exported_author}, here {article.author.name})")
        return found

    def _remember_post_addresses(self, post, article):
        link_path = unquote(urlsplit(post.get("link")).path)
        if link_path.strip("/"):
            remember_address(link_path, article, WORDPRESS)
        name = unquote(post.get("wp:post_name"))
        if name:
            remember_address(f"/{name}/", article, WORDPRESS)

    def _remember_terms(self, terms):
        """A category's address, and a tag's where its slug there differs from ours, go to
        the tag here of the same name (the one the article carries, or already here)."""
        for term in terms:
            slug = slugify(term.name)[:60]
            tag = Tag.objects.filter(Q(slug=slug) | Q(name__iexact=term.name.strip()[:60])).first()
            if tag is None:
                continue
            prefix = "category" if term.domain == "category" else "tag"
            remember_address(f"/{prefix}/{term.nicename}/", tag, WORDPRESS)

    def _new_article(self, post, title):
        post_id = post.get("wp:post_id")
        login = post.get("dc:creator")
        author, created = self._author(login, create=True)
        if created and login not in self.new_authors and login not in self.editorial_logins:
            self.new_authors.append(login)
        status = post.get("wp:status")
        content = post.fields.get("content:encoded", "")
        published_at = parse_wordpress_date(post.get("wp:post_date_gmt"), post.get("wp:post_date"))
        if status not in POST_STATUSES:
            post.writer.notes.append(f"unknown post status {status!r}: imported as a draft")
        name = unquote(post.get("wp:post_name"))
        article = Article(
            title=title[:200],
            slug=free_slug(name, title),
            author=author,
            excerpt=plain_text(post.fields.get("excerpt:encoded", ""))[:600],
            body=convert_post(content),
            meta_description=plain_text(post.meta.get(META_DESCRIPTION, ""))[:300],
            seo_keywords=[plain_text(post.meta[FOCUS_KEYPHRASE])]
            if post.meta.get(FOCUS_KEYPHRASE, "").strip()
            else [],
            status=POST_STATUSES.get(status, Article.Status.DRAFT),
            published_at=published_at,
            import_source=WORDPRESS,
            import_id=post_id,
        )
        article.save()
        self.counts["posts_imported"] += 1
        self.counts[f"posts_{'scheduled' if article.is_scheduled else article.status}"] += 1
        self._remember_post_addresses(post, article)
        images = old_site_images(content, self.hosts)
        if images:
            self.counts["old_site_images"] += len(images)
            shown = ", ".join(images[:LISTED])
            more = f" (and {len(images) - LISTED} more)" if len(images) > LISTED else ""
            post.writer.notes.append(f"images still on the old site: {shown}{more}")
        return article

    def _finish_post(self, post):
        if not post.started:
            self._start_post(post)
        if post.writer is None:
            return
        article = post.writer.article
        if post.writer.created and post.terms:
            article.tags.set(tags_named([term.name for term in post.terms]))
        self._remember_terms(post.terms)
        login = post.get("dc:creator")
        person = article.author if post.writer.created else self._author(login)[0]
        self._remember_author(login, person or article.author)
        writer, post.writer = post.writer, None
        writer.__exit__(None, None, None)

    def _comment(self, post, raw):
        fields = {}
        for tag, value in raw.items():
            fields[tag.rpartition("}")[2]] = value
        if not post.started:
            self._start_post(post)
        kind = fields.get("comment_type", "").strip()
        if post.writer is None:
            self.counts["comments_skipped_with_their_post"] += 1
            return
        seen = self.counts["comments_read"] = self.counts["comments_read"] + 1
        if seen % PROGRESS_EVERY == 0:
            self.report.progress(f"… {seen} comments read")
        old_id = fields.get("comment_id", "").strip()
        created_at = parse_wordpress_date(
            fields.get("comment_date_gmt"), fields.get("comment_date")
        )
        if not old_id:
            # No id to remember it by: one from what it says, so a second run finds it.
            digest = hashlib.sha256(
                "\x00".join(
                    [post.get("wp:post_id"), fields.get("comment_author", ""),
                     fields.get("comment_date_gmt", ""), fields.get("comment_content", "")]
                ).encode()
            ).hexdigest()  # fmt: skip
            old_id = f"h-{digest[:32]}"
            self.counts["comments_without_id"] += 1
            post.writer.notes.append(f"a comment without an id, remembered as {old_id}")
        if kind in PINGS:
            self._ping(post, old_id, PINGS[kind], fields, created_at)
            return
        if kind not in {"", "comment"}:
            self.counts[f"skipped_comment_type_{kind}"] += 1
            return
        approved = fields.get("comment_approved", "").strip()
        status = COMMENT_STATUSES.get(approved)
        if status is None:
            status = Comment.Status.PENDING
            post.writer.notes.append(f"comment {old_id}: unknown status {approved!r}, kept pending")
        parent = fields.get("comment_parent", "").strip()
        post.writer.add_comment(
            old_id,
            int(parent) if parent.isdigit() else 0,
            author_name=plain_text(fields.get("comment_author", "")),
            author_email=fields.get("comment_author_email", ""),
            author_url=fields.get("comment_author_url", ""),
            ip=fields.get("comment_author_IP", ""),
            body=fields.get("comment_content", "").strip(),
            status=status,
            created_at=created_at or timezone.now(),
        )

    def _ping(self, post, old_id, kind, fields, created_at):
        _, created = Pingback.objects.get_or_create(
            source=WORDPRESS,
            source_id=old_id,
            defaults={
                "article": post.writer.article,
                "kind": kind,
                "site_name": plain_text(fields.get("comment_author", ""))[:245],
                "url": fields.get("comment_author_url", "").strip()[:200],
                "excerpt": plain_text(fields.get("comment_content", "")),
                "status": fields.get("comment_approved", "").strip()[:20],
                "created_at": created_at or timezone.now(),
            },
        )
        self.counts["pingbacks_imported" if created else "pingbacks_already_there"] += 1

    def _summary(self):
        report, counts = self.report, self.counts
        verb = "would be imported" if report.dry_run else "imported"
        report.line("")
        report.line(
            f"Posts: {counts['posts_imported']} {verb} "
            f"({counts['posts_published']} published, {counts['posts_scheduled']} scheduled, "
            f"{counts['posts_draft']} drafts), {counts['posts_already_there']} already there"
            f"{deleted_here(counts['posts_deleted_here'])}{matched(counts['posts_matched'])}."
        )
        skipped = sorted(
            (name.removeprefix("skipped_"), count)
            for name, count in counts.items()
            if name.startswith("skipped_") and not name.startswith("skipped_comment_type_")
        )
        if skipped:
            report.line("Skipped: " + ", ".join(f"{count} {name}" for name, count in skipped))
        report.listing("Trashed posts", self.skipped_titles, counts["skipped_trashed_post"])
        report.line(
            f"{comments_summary(counts, verb)}, "
            f"{counts['comments_skipped_with_their_post']} skipped with their post."
        )
        other = [
            f"{count} {name.removeprefix('skipped_comment_type_')}"
            for name, count in sorted(counts.items())
            if name.startswith("skipped_comment_type_")
        ]
        if other:
            report.line("Comments of other kinds skipped: " + ", ".join(other))
        report.line(
            f"Pingbacks and trackbacks (kept apart, not shown): {counts['pingbacks_imported']} "
            f"{verb}, {counts['pingbacks_already_there']} already there."
        )
        report.listing("New authors (people without an account)", self.new_authors)
        if self.editorial_logins:
            report.listing(
                f"Logins without a name, credited to the editorial byline ({self.editorial_name})",
                self.editorial_logins,
            )
        if counts["old_site_images"]:
            report.line(
                f"{counts['old_site_images']} images still point at the old site (listed per "
                "article above); the site's content security policy blocks them."
            )
