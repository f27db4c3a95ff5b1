"""The backup drill: taken while forty people comment, it restores whole; erased stays erased.

gunicorn (production settings, two workers) serves a database of its own
while forty commenters post; `manage.py backup` runs meanwhile, encrypted
with age and copied to a second directory standing in for storage off the
machine. A commenter is erased after it. Then the database is lost: the
backup, as copied off, is restored into a new, empty database with the
erasure log that stayed beside the backups. On PostgreSQL, a SQLite backup
is also restored into PostgreSQL.
"""

import io
import json
import os
import stat
import subprocess
import tarfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from urllib.parse import urlencode

import pyrage
import pytest

from backups import last_good_backup_at
from backups.snapshot import client_tool
from tests import servers
from tests.conftest import SEED_SLUG

pytestmark = pytest.mark.concurrency

POSTERS = 40
POSTS_EACH = 6
ERASED = "reader7@example.net"
ERASURE_KEY = "drill-erasure-log-key-" + "x" * 20


def body(n, k):
    return f"Drill comment {k} from reader {n}: antibodies at work."


@pytest.fixture(scope="module")
def age_keys(tmp_path_factory):
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path_factory.mktemp("keys") / "backup.key"
    path.write_text(str(identity) + "\n")
    return str(identity.to_public()), path


def backup_env(env, backup_dir, **more):
    return {**env, "BACKUP_DIR": str(backup_dir), "ERASURE_LOG_KEY": ERASURE_KEY, **more}


def post_until_told(server, article_id, n, stop, started, answered):
    """Post up to POSTS_EACH comments, one after the other, until told to stop.

    Each answer goes into `answered` as (body, status, when it came).
    """
    browser = server.browser()
    token = json.loads(browser.get("/comments/csrf/").body)["token"]
    started.wait(timeout=30)
    for k in range(POSTS_EACH):
        if stop.is_set() and k:
            break
        form = {
            "comment": body(n, k),
            "author": f"Reader {n}",
            "email": f"reader{n}@example.net",
            "url": "",
            "article": article_id,
            "parent": "",
            "phone": "",
            "csrfmiddlewaretoken": token,
        }
        response = browser.post_form("/comments/post/", urlencode(form), Origin=server.origin)
        answered.append((body(n, k), response.status, time.time()))


@pytest.fixture(scope="module")
def drill(tmp_path_factory, age_keys):
    """Forty posters, a backup in their midst, an erasure after it; then the database is lost."""
    public_key, _ = age_keys
    tmp_path = tmp_path_factory.mktemp("drill")
    backup_dir, offsite = tmp_path / "backups", tmp_path / "offsite"
    with servers.fresh_database(tmp_path) as database:
        env = backup_env(
            servers.production_env(tmp_path, **database.env()),
            backup_dir,
            BACKUP_AGE_RECIPIENTS=public_key,
            BACKUP_COPY_DIR=str(offsite),
        )
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        ((article_id,),) = database.query(
            f"SELECT id FROM articles_article WHERE slug = '{SEED_SLUG}'"
        )
        stop, started, answered = threading.Event(), threading.Barrier(POSTERS + 1), []
        with (
            servers.running_server(env, tmp_path / "gunicorn.log", workers=2) as server,
            ThreadPoolExecutor(max_workers=POSTERS) as pool,
        ):
            futures = [
                pool.submit(post_until_told, server, article_id, n, stop, started, answered)
                for n in range(POSTERS)
            ]
            started.wait(timeout=30)
            servers.wait_for(lambda: len(answered) >= POSTERS, timeout=60)
            began = time.time()
            made = servers.manage("backup", env=env)
            stop.set()
            for future in futures:
                future.result(timeout=120)
            outcomes = list(answered)
            log = server.log()
        servers.manage("erase_commenter", ERASED, "--yes", env=env)
    # The database is gone; the backups, as copied off, and the erasure log are not.
    return {
        "env": env,
        "path": made.stdout.strip().splitlines()[-1],
        "offsite": offsite,
        "backup_dir": backup_dir,
        "began": began,
        "outcomes": outcomes,
        "server_log": log,
        "tmp_path": tmp_path,
    }


def open_backup(path, identity_path):
    """The backup's members, decrypted: {name: bytes}."""
    identity = pyrage.x25519.Identity.from_str(identity_path.read_text().strip())
    with open(path, "rb") as file:
        plain = pyrage.decrypt(file.read(), [identity])
    archive = tmp_tar(plain)
    return {member.name: archive.extractfile(member).read() for member in archive}


def tmp_tar(data):
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


CANONICAL = {
    "articles": "SELECT id, slug, title, status, body_html, author_id FROM articles_article",
    "people": "SELECT id, slug, name, credentials, user_id FROM articles_person",
    "references": "SELECT id, article_id, key, citation, doi FROM articles_reference",
    "tags": "SELECT id, slug, name FROM articles_tag",
    "taggings": "SELECT article_id, tag_id FROM articles_article_tags",
    "comments": (
        "SELECT id, article_id, parent_id, thread_id, status, author_name, author_email, "
        "author_url, body, body_html FROM comments_comment"
    ),
    "subscriptions": "SELECT id, comment_id, commenter_id FROM subscriptions_subscription",
    "commenters": "SELECT id, email FROM subscriptions_commenter",
}


def canonical_dump(database):
    """What a reader and an editor see of the site, in an order and form any database gives."""
    return {name: sorted(database.query(sql), key=repr) for name, sql in CANONICAL.items()}


def erased_in(dump, address):
    """`dump` as it is once `address` is erased (comments/privacy.py)."""
    comments = [
        (*row[:5], "Anonymous", "", "", *row[8:]) if row[6] == address else row
        for row in dump["comments"]
    ]
    commenters = [row for row in dump["commenters"] if row[1] != address]
    gone = {row[0] for row in dump["commenters"] if row[1] == address}
    subscriptions = [row for row in dump["subscriptions"] if row[2] not in gone]
    return {**dump, "comments": comments, "commenters": commenters, "subscriptions": subscriptions}


@pytest.fixture(scope="module")
def snapshot_dump(drill, age_keys, tmp_path_factory):
    """The canonical dump of the database as the backup's own copy of it holds it."""
    _, identity_path = age_keys
    members = open_backup(drill["path"], identity_path)
    manifest = json.loads(members["manifest.json"])
    copy_dir = tmp_path_factory.mktemp("snapshot")
    if manifest["engine"] == "sqlite":
        path = copy_dir / "snapshot.sqlite3"
        path.write_bytes(members["database.sqlite3"])
        return manifest, canonical_dump(servers.SqliteDatabase(path))
    dump_path = copy_dir / "database.pgdump"
    dump_path.write_bytes(members["database.pgdump"])
    with servers.fresh_database(copy_dir) as database:
        ((version,),) = database.query("SHOW server_version_num")
        subprocess.run(
            [client_tool("pg_restore", int(version)), "--no-owner", "-d", database.url, dump_path],
            check=True,
            capture_output=True,
        )
        return manifest, canonical_dump(database)


@pytest.fixture(scope="module")
def restored(drill, age_keys, tmp_path_factory):
    """The backup, taken from the copy off the machine, restored into a new empty database."""
    _, identity_path = age_keys
    tmp_path = tmp_path_factory.mktemp("restored")
    offsite_copy = drill["offsite"] / os.path.basename(drill["path"])
    with servers.fresh_database(tmp_path) as database:
        env = {**drill["env"], **database.env()}
        result = servers.manage("restore", str(offsite_copy), "--identity", identity_path, env=env)
        yield database, result.stdout


def test_the_backup_is_one_file_readable_by_its_owner_only(drill):
    assert stat.S_IMODE(os.stat(drill["path"]).st_mode) == 0o600
    assert drill["path"].endswith(".tar.gz.age")


def test_the_backup_leaves_the_machine_encrypted_with_the_erasure_log(drill):
    copies = sorted(path.name for path in drill["offsite"].iterdir())
    assert copies == sorted([os.path.basename(drill["path"]), "erasures.log.age"])
    assert (
        not (drill["offsite"] / os.path.basename(drill["path"]))
        .read_bytes()
        .startswith(b"\x1f\x8b")
    )


def test_the_manifest_names_every_member_with_its_checksum_and_the_rows(drill, snapshot_dump):
    manifest, dump = snapshot_dump
    assert set(manifest["files"]) >= {"data.jsonl", manifest["database_file"]}
    assert all(len(digest) == 64 for digest in manifest["files"].values())
    assert manifest["rows"]["comments.comment"] == len(dump["comments"])
    assert ["comments", "0001_initial"] in manifest["migrations"]
    assert {"immunoblog", "django", "python", "database"} <= set(manifest["versions"])


def test_the_machine_knows_when_its_last_good_backup_was_taken(drill, snapshot_dump, settings):
    manifest, _ = snapshot_dump
    settings.BACKUP_DIR = drill["backup_dir"]
    assert last_good_backup_at() == datetime.fromisoformat(manifest["taken_at"])


def test_posting_never_failed_while_the_backup_ran(drill):
    statuses = {status for _, status, _ in drill["outcomes"]}
    assert statuses == {302}
    assert "database is locked" not in drill["server_log"]
    assert "Traceback" not in drill["server_log"]


def test_every_comment_committed_before_the_backup_began_is_restored(drill, restored):
    database, _ = restored
    before = {text for text, _, answered in drill["outcomes"] if answered < drill["began"]}
    assert len(before) >= POSTERS
    stored = {text for (text,) in database.query("SELECT body FROM comments_comment")}
    assert before <= stored


def test_nothing_half_written_is_restored(drill, restored):
    database, _ = restored
    accepted = {text for text, status, _ in drill["outcomes"] if status == 302}
    rows = database.query(
        "SELECT body, body_html, status, created_at, parent_id, thread_id FROM comments_comment"
    )
    assert {row[0] for row in rows} <= accepted
    for _, html, status, created_at, parent, thread in rows:
        assert html.startswith("<p>")
        assert status == "pending"
        assert created_at
        assert (parent is None) == (thread is None)


def test_the_restored_site_equals_the_snapshot_with_the_later_erasure_applied(
    snapshot_dump, restored
):
    _, snapshot = snapshot_dump
    database, _ = restored
    assert any(row[6] == ERASED for row in snapshot["comments"])
    assert canonical_dump(database) == erased_in(snapshot, ERASED)


def test_the_restore_prints_rows_per_model_beside_the_backups(restored):
    _, output = restored
    assert "comments.comment" in output
    assert "Erased again (erasure log): 1 commenter(s)" in output
    assert "Every cache was purged." in output


def refused_restore(path, env, *args):
    result = subprocess.run(
        [servers.PYTHON, "manage.py", "restore", str(path), *args],
        cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stderr


def rewritten(drill, identity_path, tmp_path, change):
    """A copy of the drill's backup with `change(members)` applied, packed and sealed again."""
    public = str(pyrage.x25519.Identity.from_str(identity_path.read_text().strip()).to_public())
    members = open_backup(drill["path"], identity_path)
    change(members)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path = tmp_path / os.path.basename(drill["path"])
    recipient = pyrage.x25519.Recipient.from_str(public)
    path.write_bytes(pyrage.encrypt(buffer.getvalue(), [recipient]))
    return path


def tampered_comment(members):
    members["data.jsonl"] = members["data.jsonl"].replace(b"antibodies", b"ANTIBODIES", 1)


def from_the_future(members):
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"].append(["comments", "9999_from_the_future"])
    members["manifest.json"] = json.dumps(manifest).encode()


def test_a_tampered_backup_is_refused_before_anything_is_written(drill, age_keys, tmp_path):
    _, identity_path = age_keys
    path = rewritten(drill, identity_path, tmp_path, tampered_comment)
    with servers.fresh_database(tmp_path) as database:
        env = {**drill["env"], **database.env()}
        message = refused_restore(path, env, "--identity", str(identity_path))
        assert "data.jsonl does not match its checksum in the manifest" in message
        assert no_tables(database)


def test_a_backup_from_newer_code_is_refused_before_anything_is_written(drill, age_keys, tmp_path):
    _, identity_path = age_keys
    path = rewritten(drill, identity_path, tmp_path, from_the_future)
    with servers.fresh_database(tmp_path) as database:
        env = {**drill["env"], **database.env()}
        message = refused_restore(path, env, "--identity", str(identity_path))
        assert "comments.9999_from_the_future" in message
        assert no_tables(database)


def test_a_site_that_is_not_empty_is_refused(drill, age_keys, restored):
    _, identity_path = age_keys
    database, _ = restored
    env = {**drill["env"], **database.env()}
    message = refused_restore(drill["path"], env, "--identity", str(identity_path))
    assert "This site is not empty (comments.comment:" in message


def no_tables(database):
    if isinstance(database, servers.SqliteDatabase):
        return database.query("SELECT name FROM sqlite_master WHERE type = 'table'") == []
    return database.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'") == []


def a_sqlite_backup_restores_into_postgresql(tmp_path):
    backup_dir = tmp_path / "backups"
    sqlite = servers.SqliteDatabase(tmp_path / "site.sqlite3")
    env = backup_env(servers.production_env(tmp_path, **sqlite.env()), backup_dir)
    env.pop("DATABASE_URL", None)
    servers.manage("migrate", "--no-input", "-v0", env=env)
    servers.manage(
        "shell", "-c",
        "from tests.backups.helpers import some_discussion; some_discussion()",
        env=env,
    )  # fmt: skip
    path = servers.manage("backup", env=env).stdout.strip().splitlines()[-1]
    with servers.fresh_database(tmp_path) as postgres:
        servers.manage("restore", path, env={**env, **postgres.env()})
        assert canonical_dump(postgres) == canonical_dump(sqlite)


# A SQLite backup made here restores into the suite's PostgreSQL: run in the PostgreSQL pass.
if servers.suite_database_url():
    test_a_sqlite_backup_restores_into_postgresql = a_sqlite_backup_restores_into_postgresql
