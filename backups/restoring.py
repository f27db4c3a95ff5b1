"""Restoring a backup into an empty site, and erasing again whoever was erased since.

Always from the neutral dump (Django's serialisers, natural keys), whatever
the database: one path, the same on SQLite and PostgreSQL, that restores a
SQLite backup into PostgreSQL and loads into a site `migrate` has just made.
(The PostgreSQL backup's pg_dump file is in the archive too, for an operator
who wants pg_restore.) Before anything is written the file is checked (its
manifest's checksums; every migration it names known to this code) and so
is the erasure log; then the database is brought to the backup's migrations,
loaded, migrated to this code's, erased again where the log says, and every
cache is purged.
"""

import tempfile
from collections import Counter
from pathlib import Path

import pyrage
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.search import index_articles
from comments import erasures
from comments.models import Comment, PrivacyRequest
from comments.privacy import erase_commenter
from outbox.models import Mail
from pagecache.tags import purge_everything

from . import archive, snapshot

# What `migrate` itself writes into a new site (the seed article, its author,
# its tags, the Editors group, the discussion settings): a site holding no
# more of these than the backup does, and nothing else, is empty.
MADE_BY_MIGRATIONS = {
    "auth.group",
    "auth.user",
    "articles.article",
    "articles.person",
    "articles.tag",
    "articles.medicaldisclaimer",
    "comments.discussionsettings",
}


class RestoreRefused(Exception):
    """The restore would not be safe; nothing was written. The message says why."""


def unknown_migrations(manifest):
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]


def what_the_site_holds(manifest):
    """What stands in the way of a restore: "label: n rows" for each model holding too much."""
    connection = connections["default"]
    tables = set(connection.introspection.table_names())
    if not tables:
        return []
    if "django_migrations" not in tables:
        return [f"{len(tables)} table(s) that no migration made"]
    found = []
    for label in snapshot.dumped_models():
        model = apps.get_model(label)
        if model._meta.db_table not in tables:
            continue
        count = model._base_manager.count()
        allowed = manifest["rows"].get(label, 0) if label in MADE_BY_MIGRATIONS else 0
        if count > allowed:
            found.append(f"{label}: {count} row(s)")
    return found


def _backup_state(manifest, loader):
    """The migration targets that put each app where the backup's database was."""
    applied = {tuple(node) for node in manifest["migrations"]}
    targets = []
    for app in sorted(loader.migrated_apps):
        mine = [node for node in applied if node[0] == app]
        leaves = [
            node
            for node in mine
            if not any(
                child.key in applied and child.key[0] == app
                for child in loader.graph.node_map[node].children
            )
        ]
        targets += leaves or [(app, None)]
    return targets


def migrate_to_backup(manifest):
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    targets = _backup_state(manifest, executor.loader)
    executor.migrate(targets)


def addresses_in_site():
    """Every address the site keeps about commenters, as stored."""
    found = set(Comment.objects.exclude(author_email="").values_list("author_email", flat=True))
    found |= set(Mail.objects.values_list("to", flat=True))
    found |= set(PrivacyRequest.objects.exclude(email="").values_list("email", flat=True))
    return found


def erase_again(since, records):
    """Erase everyone the log says was erased at or after `since`; returns (people, comments)."""
    digests = erasures.erased_since(since, records)
    if not digests:
        return 0, 0
    people = comments = 0
    for address in sorted(addresses_in_site()):
        if erasures.keyed_hash(address) in digests:
            comments += erase_commenter(address, log=False)
            people += 1
    return people, comments


def restore_media(directory):
    media = Path(directory) / archive.MEDIA
    count = 0
    for path in sorted(media.rglob("*")) if media.exists() else []:
        if path.is_file():
            name = path.relative_to(media).as_posix()
            if default_storage.exists(name):
                default_storage.delete(name)
            with open(path, "rb") as file:
                default_storage.save(name, File(file))
            count += 1
    return count


def queued_mail_and_tasks():
    """What the task worker will send or run now that the backup's queue is back."""
    mail = Counter(Mail.objects.filter(status=Mail.Status.WAITING).values_list("kind", flat=True))
    tasks = Counter(DBTaskResult.objects.ready().values_list("task_path", flat=True))
    return dict(mail), dict(tasks)


def read_erasure_log(path, identities):
    path = Path(path)
    if path.name.endswith(".age"):
        try:
            return erasures.parse(pyrage.decrypt(path.read_bytes(), identities).decode())
        except (pyrage.DecryptError, UnicodeDecodeError) as error:
            raise RestoreRefused(f"The erasure log cannot be decrypted: {error}") from None
    try:
        return erasures.read(path)
    except ValueError as error:
        raise RestoreRefused(str(error)) from None


def restore(path, *, identities=(), erasure_log=None, without_erasure_log=False, force=False):
    """Restore the backup at `path` into this (empty) site; return a report (a dict)."""
    log_path = Path(erasure_log or erasures.log_path())
    if without_erasure_log:
        records = []
    elif not log_path.exists():
        raise RestoreRefused(
            f"There is no erasure log at {log_path}, so commenters erased after the backup "
            "could come back. Give it with --erasure-log (it is copied off the machine with "
            "the backups), or, if there has never been one, pass --without-erasure-log."
        )
    else:
        records = read_erasure_log(log_path, identities)
    work_parent = Path(settings.BACKUP_DIR)
    work_parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=work_parent, prefix=".restore-") as work:
        try:
            directory, manifest = archive.unpack(path, work, identities)
        except archive.BadBackup as error:
            raise RestoreRefused(str(error)) from None
        unknown = unknown_migrations(manifest)
        if unknown:
            raise RestoreRefused(
                "The backup was made by code with migrations this code does not have: "
                + ", ".join(unknown)
                + ". Restore it with that code (or newer)."
            )
        in_the_way = what_the_site_holds(manifest)
        if in_the_way and not force:
            raise RestoreRefused(
                "This site is not empty (" + "; ".join(in_the_way) + "). Restore into a new "
                "database, or pass --force to load the backup over what is here."
            )
        migrate_to_backup(manifest)
        call_command("loaddata", str(directory / snapshot.NEUTRAL_DUMP), verbosity=0)
        call_command("migrate", verbosity=0, interactive=False)
        with transaction.atomic():
            index_articles(Article, list(Article.objects.values_list("pk", flat=True)))
            people, comments = erase_again(manifest["taken_at"], records)
        media = restore_media(directory)
    purge_everything()
    mail, tasks = queued_mail_and_tasks()
    return {
        "manifest": manifest,
        "rows": snapshot.row_counts("default"),
        "erased_people": people,
        "erased_comments": comments,
        "media_files": media,
        "queued_mail": mail,
        "queued_tasks": tasks,
    }
