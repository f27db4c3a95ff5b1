"""Backup and restore at 10,000 comments: `manage.py backup`, then `manage.py restore` into a new,
empty database of the same kind, each timed as an operator runs it (a process of its own)."""

import os
import time
from dataclasses import dataclass

import seed
import servers

COMMENTS = 10_000


@dataclass
class BackupFigures:
    comments: int
    backup_s: float
    size_bytes: int
    restore_s: float
    engine: str


def top_up(total=COMMENTS):
    """Seed one more article with the comments the database lacks to reach `total`."""
    from comments.models import Comment

    missing = total - Comment.objects.count()
    if missing > 0:
        seed.seed([missing])
    return Comment.objects.count()


def measure(env, tmp):
    """Back up the database `env` names and restore it into a fresh one; return the figures."""
    comments = top_up()
    backup_env = {**env, "BACKUP_DIR": str(tmp / "backups"), "ERASURE_LOG_KEY": "bench"}
    print(f"Backing up {comments} comments, then restoring them ...", flush=True)
    started = time.perf_counter()
    made = servers.manage("backup", env=backup_env, timeout=600)
    backup_s = time.perf_counter() - started
    path = made.stdout.strip().splitlines()[-1]
    (tmp / "restored").mkdir()
    with servers.fresh_database(tmp / "restored") as database:
        started = time.perf_counter()
        servers.manage("restore", path, env={**backup_env, **database.env()}, timeout=900)
        restore_s = time.perf_counter() - started
    engine = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    size = os.path.getsize(path)
    return BackupFigures(comments, backup_s, size, restore_s, engine)


def rows(figures):
    header = ["database", "comments", "backup s", "file MB", "restore s"]
    if figures is None:
        return header, []
    return header, [[
        figures.engine, str(figures.comments), f"{figures.backup_s:.1f}",
        f"{figures.size_bytes / 1e6:.1f}", f"{figures.restore_s:.1f}",
    ]]  # fmt: skip
