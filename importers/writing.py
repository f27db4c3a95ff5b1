"""What both importers write, and the report they print while they write it.

Each article is imported in one transaction (a dry run rolls each one back),
its comments inserted in batches and threaded at the end, so memory stays
bounded however long the thread. A comment already imported (same source
and id) is left exactly as it is.
"""

import ipaddress
import itertools
from array import array
from collections import Counter
from datetime import UTC, datetime
from operator import attrgetter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, reset_queries, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Person, Tag
from comments.models import (
    MAX_BODY_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    Comment,
    thread_starts,
)
from comments.names import without_refused_characters
from comments.sanitize import is_safe_url, sanitize_comment
from guard.clientaddr import limit_address
from outbox.addresses import mailbox_key_or_blank
from pagecache.tags import ARTICLES, article_tag, comments_tag, purge

from .models import DeletedImport, OldAddress

BATCH_SIZE = 500
# A report lists at most this many items of one kind per article (orphans,
# old images), then says how many more there were: it stays readable, and bounded.
LISTED = 20
PROGRESS_EVERY = 10_000
NO_DATE = "0000-00-00 00:00:00"


def comment_permalink(comment_id):
    """The stable address of a comment, which finds its page and anchor."""
    return reverse("comments:permalink", args=[comment_id])


def author_for_import(login, email="", display_name="", first_name="", last_name=""):
    """The Person an imported article is credited to: (person, created).

    An editor account with the same login or email address gives its Person
    (made for it, under the account's name, if it has none yet). Otherwise
    the Person an earlier import made for this name, else a new Person with
    no account: every article needs an author, and an editor can link or
    merge them later. No account is created: an import gives nobody a login.
    """
    name = " ".join((display_name or f"{first_name} {last_name}").split()) or login
    name = name[:150] or "Imported author"
    user = account_for_import(login, email)
    if user is not None:
        person = Person.objects.for_user(user).first()
        if person is not None:
            return person, False
        account_name = " ".join(user.get_full_name().split()) or name
        return Person.objects.create(name=account_name, slug=free_person_slug(account_name),
                                     user=user), True  # fmt: skip
    base = slugify(name)[:140] or "imported-author"
    person = Person.objects.filter(slug=base, user=None).first()
    if person is not None:
        return person, False
    return Person.objects.create(name=name, slug=free_person_slug(name)), True


def free_person_slug(name):
    """A profile address no one else has: the name's slug, numbered if need be."""
    base = slugify(name)[:140] or "imported-author"
    slug = base
    for n in itertools.count(2):
        if not Person.objects.filter(slug=slug).exists():
            return slug
        slug = f"{base}-{n}"


def account_for_import(login, email=""):
    """The oldest account with this login (in any case) or an address of the same mailbox.

    Addresses compare by their mailbox key (outbox.addresses), never by the
    database's case folding. The accounts' table keeps no key, so they are
    compared here: they are the editors' accounts, a short list.
    """
    accounts = get_user_model().objects.order_by("pk")
    found = [accounts.filter(username__iexact=login).first()] if login else []
    key = mailbox_key_or_blank(email)
    if key:
        same = (
            user for user in accounts.exclude(email="") if mailbox_key_or_blank(user.email) == key
        )
        found.append(next(same, None))
    return min(filter(None, found), key=attrgetter("pk"), default=None)


def valid_email(email):
    """An address a comment may keep: Django's validator and the mailbox rule both take it."""
    if not email or len(email) > MAX_EMAIL_LENGTH or not mailbox_key_or_blank(email):
        return False
    try:
        EmailValidator()(email)
    except ValidationError:
        return False
    return True


def imported_name(name):
    """A commenter's name as imported, and whether characters were taken out of it.

    The characters the comment form refuses in a name (comments.names: a
    right-to-left override, a zero width space …) are removed, then the
    name is trimmed and cut to length; nothing left is "Anonymous".
    """
    name = name or ""
    cleaned = without_refused_characters(name)
    return (cleaned.strip()[:MAX_NAME_LENGTH] or "Anonymous"), cleaned != name


def valid_ip(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def parse_wordpress_date(gmt, local=""):
    """A WordPress date: the GMT one, or the local one where GMT is 0000-00-00 (drafts)."""
    for value, aware in ((gmt, True), (local, False)):
        value = (value or "").strip()
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC) if aware else timezone.make_aware(moment)
    return None


def free_slug(wanted, fallback):
    """A slug no article has yet: the old one where possible, else with -2, -3…"""
    base = slugify(wanted)[:190] or slugify(fallback)[:190] or "imported"
    slug = base
    for n in itertools.count(2):
        if not Article.objects.filter(slug=slug).exists():
            return slug
        slug = f"{base}-{n}"
    return slug  # pragma: no cover - the loop only ends by returning


def tags_named(names):
    """Tags by these names (categories and tags alike), created where missing."""
    tags = []
    for name in dict.fromkeys(name.strip()[:60] for name in names if name.strip()):
        slug = slugify(name)[:60] or slugify(f"tag {len(tags)}")
        tag = Tag.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


def remember_address(path, target, source):
    """Keep an old path of an article, tag or person, unless it is taken or is the target's own."""
    if path and len(path) <= 500 and path != target.get_absolute_url():
        field = {Article: "article", Tag: "tag", Person: "person"}[type(target)]
        OldAddress.objects.get_or_create(path=path, defaults={field: target, "source": source})


EDITORIAL_ACCOUNT = "editorial"
EDITORIAL_NAME = "Editorial Team"


def editorial_byline():
    """The Person that signs for the editorial team: (person, created).

    The data migration made the account `editorial` ("Immunoblog Editorial
    Team") and the seeded article is credited to its Person. Should that
    account be gone, a Person without an account named after the site's team
    stands in, made once.
    """
    person = Person.objects.filter(user__username=EDITORIAL_ACCOUNT).first()
    if person is not None:
        return person, False
    user = get_user_model().objects.filter(username=EDITORIAL_ACCOUNT).first()
    name = " ".join(user.get_full_name().split()) if user is not None else ""
    name = name or f"{settings.SITE_NAME} {EDITORIAL_NAME}"[:150]
    if user is None:
        person = Person.objects.filter(slug=slugify(name)[:140], user=None).first()
        if person is not None:
            return person, False
    return Person.objects.create(name=name, slug=free_person_slug(name), user=user), True


def set_links(column, pairs):
    """Set `column` ("parent_id" or "thread_id") of each (comment pk, value) pair, in one
    statement per BATCH_SIZE pairs (and one for the pairs whose value is None).

    Django's bulk_update builds the same CASE expression, at a hundred times
    the cost in Python; imports thread tens of thousands of replies.
    """
    emptied = [pk for pk, value in pairs if value is None]
    for start in range(0, len(emptied), BATCH_SIZE):
        batch = emptied[start : start + BATCH_SIZE]
        Comment.objects.filter(pk__in=batch).update(**{column: None})
    pairs = [(pk, value) for pk, value in pairs if value is not None]
    table = connection.ops.quote_name(Comment._meta.db_table)
    column = connection.ops.quote_name(column)
    for start in range(0, len(pairs), BATCH_SIZE):
        batch = pairs[start : start + BATCH_SIZE]
        cases = " ".join("WHEN %s THEN %s" for _ in batch)
        marks = ", ".join("%s" for _ in batch)
        params = [value for pair in batch for value in pair] + [pk for pk, _ in batch]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {column} = CASE id {cases} END WHERE id IN ({marks})",  # noqa: S608
                params,
            )


def comments_summary(counts, verb):
    """The report's "Comments: …" line, up to its orphans."""
    statuses = ", ".join(f"{counts[f'comments_{s}']} {s}" for s in Comment.Status.values)
    return (
        f"Comments: {counts['comments_imported']} {verb} ({statuses}), "
        f"{counts['comments_already_there']} already there"
        f"{deleted_here(counts['comments_deleted_here'])}, {counts['orphans']} orphans "
        "attached to the root"
    )


def deleted_here(count):
    """ ", N deleted here": what a report says of items left out because an editor deleted
    them after an earlier import (nothing when there are none)."""
    return f", {count} deleted here (left out)" if count else ""


class Report:
    """The lines printed as the import goes (also kept with the run) and its counts."""

    def __init__(self, out, dry_run):
        self.out = out
        self.dry_run = dry_run
        self.lines = []
        self.counts = Counter()
        self.site = ""  # the blog the file came from, when it says

    def line(self, text):
        self.lines.append(text)
        self.out(text)

    def progress(self, text):
        """Printed, not kept: how far the import has gone."""
        self.out(text)

    def listing(self, title, items, total=None):
        total = len(items) if total is None else total
        if not total:
            return
        shown = items[:LISTED]
        more = f" (and {total - len(shown)} more)" if total > len(shown) else ""
        self.line(f"  {title}: {', '.join(shown)}{more}")

    @property
    def text(self):
        return "\n".join(self.lines)


class ArticleImport:
    """One article's transaction: the comments written in batches, threaded at the end.

    Use it as a context manager and set `article` (and `created`) inside it; on a
    dry run everything is rolled back when it closes.
    """

    def __init__(self, source, report):
        self.source = source
        self.report = report
        self.article = None
        self.created = False
        self.matched = False  # an article here already, taken for the post: kept as it is
        self.statuses = Counter()
        self.existing = 0
        self.deleted = 0  # deleted here after an earlier import: left out
        self.orphans = []
        self.orphan_count = 0
        self.batch = []
        self.parents = []  # (old parent id) for self.batch, in order
        # New comments that name a parent: their new pk and the parent's old id.
        self.child_pks = array("q")
        self.parent_ids = array("q")
        self.notes = []
        self.cleaned_names = []  # old ids of comments whose name lost characters
        self.cleaned_name_count = 0

    def add_comment(self, old_id, parent_id, **fields):
        """Queue one comment; `parent_id` is the old id of its parent (0 for none)."""
        fields["author_name"], cleaned = imported_name(fields.get("author_name"))
        if cleaned:
            self.cleaned_name_count += 1
            if len(self.cleaned_names) < LISTED:
                self.cleaned_names.append(str(old_id))
        email = (fields.get("author_email") or "").strip()
        fields["author_email"] = email if valid_email(email) else ""
        url = (fields.get("author_url") or "").strip()
        fields["author_url"] = url if len(url) <= MAX_URL_LENGTH and is_safe_url(url) else ""
        ip = valid_ip(fields.pop("ip", "") or "")
        body = (fields.get("body") or "")[:MAX_BODY_LENGTH]
        comment = Comment(
            article=self.article,
            import_source=self.source,
            import_id=str(old_id),
            ip_address=ip,
            client_network=limit_address(ip) if ip else "",
            body_html=sanitize_comment(body),
            **{**fields, "body": body},
        )
        self.batch.append(comment)
        self.parents.append(parent_id)
        if len(self.batch) >= BATCH_SIZE:
            self._flush()

    def _flush(self):
        if not self.batch:
            return
        ids = [comment.import_id for comment in self.batch]
        there = set(
            Comment.objects.filter(import_source=self.source, import_id__in=ids).values_list(
                "import_id", flat=True
            )
        )
        deleted = DeletedImport.ids(DeletedImport.Kind.COMMENT, self.source, ids)
        new = []
        for comment, parent_id in zip(self.batch, self.parents, strict=True):
            if comment.import_id in there:
                self.existing += 1
                continue
            if comment.import_id in deleted:
                self.deleted += 1
                continue
            there.add(comment.import_id)
            new.append((comment, parent_id))
        Comment.objects.bulk_create([comment for comment, _ in new])
        for comment, parent_id in new:
            self.statuses[comment.status] += 1
            if parent_id:
                self.child_pks.append(comment.pk)
                self.parent_ids.append(parent_id)
        self.report.counts["comments_seen"] += len(self.batch)
        self.batch, self.parents = [], []
        # With DEBUG on, Django keeps the last 9,000 queries' SQL: these are
        # large, and an import makes thousands.
        reset_queries()

    def _thread(self):
        """Point each new reply at its parent; a reply whose parent is missing stays at the root."""
        for start in range(0, len(self.child_pks), BATCH_SIZE):
            pks = self.child_pks[start : start + BATCH_SIZE]
            wanted = self.parent_ids[start : start + BATCH_SIZE]
            found = dict(
                Comment.objects.filter(
                    article=self.article,
                    import_source=self.source,
                    import_id__in={str(old) for old in wanted},
                ).values_list("import_id", "pk")
            )
            updates = []
            for pk, old_parent in zip(pks, wanted, strict=True):
                parent_pk = found.get(str(old_parent))
                if parent_pk is None or parent_pk == pk:
                    self.orphan_count += 1
                    if len(self.orphans) < LISTED:
                        self.orphans.append((pk, f"its parent {old_parent} is missing"))
                    continue
                updates.append((pk, parent_pk))
            set_links("parent_id", updates)
            reset_queries()
        self._number_threads()
        named = dict(
            Comment.objects.filter(pk__in=[pk for pk, _ in self.orphans]).values_list(
                "pk", "import_id"
            )
        )
        self.orphans = [f"{named.get(pk, pk)} ({reason})" for pk, reason in self.orphans]

    def _number_threads(self):
        """Each reply learns the comment its thread starts from. A loop of replies (a file
        can name one) is cut: its comment that would repeat moves to the root, an orphan."""
        pairs = Comment.objects.filter(article=self.article).order_by("pk")
        pairs = pairs.values_list("pk", "parent_id").iterator(chunk_size=BATCH_SIZE)
        updates = {"parent_id": [], "thread_id": []}
        for pk, parent, start in thread_starts(pairs):
            if start is None and parent is not None:
                updates["parent_id"].append((pk, None))
                self.orphan_count += 1
                if len(self.orphans) < LISTED:
                    self.orphans.append((pk, "its replies loop back to it"))
            updates["thread_id"].append((pk, start))
            for column, pairs_to_set in updates.items():
                if len(pairs_to_set) >= BATCH_SIZE:
                    set_links(column, pairs_to_set)
                    pairs_to_set.clear()
        for column, pairs_to_set in updates.items():
            set_links(column, pairs_to_set)

    def __enter__(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            try:
                self._flush()
                self._thread()
                purge(ARTICLES, article_tag(self.article.pk), comments_tag(self.article.pk))
                if self.report.dry_run:
                    transaction.set_rollback(True)
            except BaseException as failure:
                self._atomic.__exit__(type(failure), failure, failure.__traceback__)
                raise
        self._atomic.__exit__(kind, error, traceback)
        if kind is None:
            self._report()
        return False

    def _report(self):
        report = self.report
        counts = report.counts
        for status, count in self.statuses.items():
            counts[f"comments_{status}"] += count
        counts["comments_imported"] += sum(self.statuses.values())
        counts["comments_already_there"] += self.existing
        counts["comments_deleted_here"] += self.deleted
        counts["orphans"] += self.orphan_count
        what = "new" if self.created else "matched" if self.matched else "already there"
        state = "scheduled" if self.article.is_scheduled else self.article.status
        statuses = ", ".join(
            f"{self.statuses[status]} {status}" for status in Comment.Status.values
        )
        verb = "would import" if report.dry_run else "imported"
        report.line(
            f"{self.article.title} [{state}, {what}] "
            f"{self.article.get_absolute_url()}: {verb} {sum(self.statuses.values())} comments "
            f"({statuses}); {self.existing} already there{deleted_here(self.deleted)}"
        )
        report.listing("orphans attached to the root", self.orphans, self.orphan_count)
        report.listing(
            "names with invisible or unassigned characters taken out",
            self.cleaned_names,
            self.cleaned_name_count,
        )
        for note in self.notes:
            report.line(f"  {note}")
