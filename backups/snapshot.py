"""One consistent snapshot of the database, in its own format and as a neutral dump.

SQLite: the online backup API copies the whole file in one step (a stepwise
copy starts again whenever another connection writes, and can go on for
ever under load); in WAL mode that holds a read transaction only, so
commenters keep writing. The neutral dump and the row counts are then read
from that copy.

PostgreSQL: one REPEATABLE READ, READ ONLY transaction exports its snapshot
(`pg_export_snapshot()`); `pg_dump --format=custom --snapshot=…` dumps
exactly that snapshot while the same transaction writes the neutral dump and
counts the rows. pg_dump's ACCESS SHARE locks block only schema changes.
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

SNAPSHOT_ALIAS = "backup_snapshot"
NEUTRAL_DUMP = "data.jsonl"
# Made again by `migrate` in any site (matched by natural key); login sessions are not kept.
NOT_DUMPED = ["contenttypes", "auth.permission", "sessions"]


class SnapshotError(Exception):
    """The database could not be copied; the message says why."""


def dumped_models():
    """The models whose rows the neutral dump holds, as "app_label.model_name"."""
    skipped = {label for label in NOT_DUMPED if "." not in label}
    return sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label not in skipped
        and model._meta.label_lower not in NOT_DUMPED
        and model._meta.managed
        and not model._meta.proxy
    )


def row_counts(using):
    return {
        label: apps.get_model(label)._base_manager.using(using).count() for label in dumped_models()
    }


def applied_migrations(using):
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def dump_neutral(using, path):
    call_command(
        "dumpdata",
        exclude=NOT_DUMPED,
        natural_foreign=True,
        natural_primary=True,
        format="jsonl",
        output=str(path),
        database=using,
        verbosity=0,
    )


def take(directory):
    """Copy the database into `directory`; return what the manifest says of it.

    Writes the database's own copy (database.sqlite3 or database.pgdump) and
    the neutral dump (data.jsonl) of the same snapshot.
    """
    connection = connections["default"]
    if connection.vendor == "sqlite":
        return _take_sqlite(directory)
    if connection.vendor == "postgresql":
        return _take_postgresql(directory)
    raise SnapshotError(f"Backups know SQLite and PostgreSQL, not {connection.vendor}.")


@contextlib.contextmanager
def sqlite_alias(path):
    """A database alias on another SQLite file, with the site's own settings."""
    connections.databases[SNAPSHOT_ALIAS] = {
        **connections.databases["default"],
        "NAME": str(path),
        "CONN_MAX_AGE": 0,
    }
    try:
        yield SNAPSHOT_ALIAS
    finally:
        connections[SNAPSHOT_ALIAS].close()
        del connections[SNAPSHOT_ALIAS]
        del connections.databases[SNAPSHOT_ALIAS]


def _take_sqlite(directory):
    copy_path = Path(directory) / "database.sqlite3"
    source = sqlite3.connect(connections["default"].settings_dict["NAME"], timeout=20)
    target = sqlite3.connect(copy_path)
    try:
        source.backup(target, pages=-1)  # one step: one read transaction, never restarted
        version = sqlite3.sqlite_version
    finally:
        target.close()
        source.close()
    with sqlite_alias(copy_path) as alias:
        dump_neutral(alias, Path(directory) / NEUTRAL_DUMP)
        return {
            "engine": "sqlite",
            "database_file": copy_path.name,
            "server_version": version,
            "migrations": applied_migrations(alias),
            "rows": row_counts(alias),
        }


def client_tool(name, server_version_num):
    """The PostgreSQL client tool of the server's major version (Debian keeps each apart)."""
    major = server_version_num // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{name}"), shutil.which(name)):
        if candidate and Path(candidate).exists():
            found = subprocess.run(
                [str(candidate), "--version"], capture_output=True, text=True, check=False
            ).stdout
            match = re.search(r"(\d+)(?:\.\d+)?", found)
            if match and int(match.group(1)) >= major:
                return str(candidate)
    raise SnapshotError(
        f"No {name} of PostgreSQL {major} or newer was found: install the client tools "
        f"that match the server (Debian: postgresql-client-{major})."
    )


def libpq_env(settings_dict):
    """The connection's settings as libpq's environment (no password on a command line)."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS", {})
    for variable, value in {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }.items():
        if value:
            env[variable] = str(value)
    return env


def _take_postgresql(directory):
    connection = connections["default"]
    dump_path = Path(directory) / "database.pgdump"
    pg_dump = client_tool("pg_dump", connection.pg_version)
    if connection.in_atomic_block:
        raise SnapshotError("A backup takes a transaction of its own: not inside another one.")
    with transaction.atomic(using="default"):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        dumping = subprocess.Popen(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={dump_path}"],
            env=libpq_env(connection.settings_dict),
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            dump_neutral("default", Path(directory) / NEUTRAL_DUMP)
            facts = {
                "engine": "postgresql",
                "database_file": dump_path.name,
                "server_version": connection.pg_version,
                "pg_dump": pg_dump,
                "migrations": applied_migrations("default"),
                "rows": row_counts("default"),
            }
        finally:
            # The snapshot lives as long as this transaction: pg_dump must have it first.
            _, errors = dumping.communicate()
    if dumping.returncode != 0:
        raise SnapshotError(f"pg_dump failed: {errors.strip()}")
    return facts
