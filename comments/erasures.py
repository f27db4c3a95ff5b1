"""The erasure log: every commenter erased, kept outside the database, never restored.

A backup taken before an erasure still holds the commenter. Each erasure is
therefore also appended here, in BACKUP_DIR beside the backups (and copied
off the machine with them): one line per erasure, the time and the HMAC-SHA256
of the address's mailbox key (outbox.addresses) under ERASURE_LOG_KEY, and
nothing else. `manage.py restore` reads the log and erases again everyone
erased after its backup was taken; lines are dropped once no backup kept
predates them (`forget_before`).

Whoever holds the key can test a candidate address against the log: the
hash hides the addresses from anyone else, not from them.
"""

import contextlib
import fcntl
import hashlib
import hmac
import os
import secrets
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from outbox.addresses import mailbox_key_or_blank

LOG_NAME = "erasures.log"
GENERATED_KEY_NAME = "erasure-log.key"


def log_path():
    return Path(settings.BACKUP_DIR) / LOG_NAME


def _private_directory():
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def _key():
    """ERASURE_LOG_KEY, or a key made once and kept beside the log when it is not set."""
    if settings.ERASURE_LOG_KEY:
        return settings.ERASURE_LOG_KEY.encode()
    path = _private_directory() / GENERATED_KEY_NAME
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip().encode()


def keyed_hash(address):
    """The log's name for an address: HMAC-SHA256 of its mailbox key; None if it has none."""
    key = mailbox_key_or_blank(address)
    if not key:
        return None
    return hmac.new(_key(), key.encode(), hashlib.sha256).hexdigest()


@contextlib.contextmanager
def _locked():
    """Appends and the pruning rewrite take turns (a lock file, so a rename loses no line)."""
    lock = _private_directory() / f"{LOG_NAME}.lock"
    with os.fdopen(os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def record(address, now=None):
    """Append one erasure to the log, on disk before this returns."""
    digest = keyed_hash(address)
    if digest is None:
        return
    line = f"{(now or timezone.now()).isoformat()} {digest}\n"
    with _locked():
        descriptor = os.open(log_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def ensure_log():
    """Create the log, empty, if there is none yet."""
    with _locked():
        os.close(os.open(log_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))


def read(path=None):
    """The log's records as (time, keyed hash), oldest first; [] if there is no log."""
    path = Path(path or log_path())
    if not path.exists():
        return []
    return parse(path.read_text())


def parse(text):
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        moment, _, digest = line.strip().partition(" ")
        try:
            records.append((datetime.fromisoformat(moment), digest))
        except ValueError:
            raise ValueError(f"Line {number} of the erasure log is not a record.") from None
    return records


def erased_since(moment, records):
    """The keyed hashes of the addresses erased at or after `moment`."""
    return {digest for erased_at, digest in records if erased_at >= moment}


def forget_before(moment):
    """Drop the records older than `moment` (the oldest backup kept); returns how many."""
    path = log_path()
    with _locked():
        records = read(path)
        kept = [(erased_at, digest) for erased_at, digest in records if erased_at >= moment]
        if len(kept) == len(records):
            return 0
        new = path.with_name(f"{LOG_NAME}.new")
        descriptor = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.writelines(f"{erased_at.isoformat()} {digest}\n" for erased_at, digest in kept)
            file.flush()
            os.fsync(file.fileno())
        new.replace(path)
    return len(records) - len(kept)
