"""Taking a backup: snapshot, pack, encrypt, copy off the machine, keep what retention says.

One function, `take_backup`, called by `manage.py backup` (and the drill).
Backups are copied off the machine only encrypted, to a storage alias of
their own ("backups" in STORAGES); the erasure log goes with them.
"""

import contextlib
import os
import tempfile
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone

from comments import erasures

from . import archive, snapshot
from .status import record_good_backup

OFFSITE_ALIAS = "backups"
OFFSITE_LOG = f"{erasures.LOG_NAME}.age"


class BackupRefused(Exception):
    """The configuration does not allow this backup; the message says what to change."""


def offsite_storage():
    """The storage backups are copied to, or None when there is none."""
    if OFFSITE_ALIAS not in settings.STORAGES:
        return None
    storage = storages[OFFSITE_ALIAS]
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location).resolve()
        for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
            if public and location.is_relative_to(Path(public).resolve()):
                raise BackupRefused(
                    f"The backups storage ({location}) is inside a directory the site serves."
                )
    return storage


def check_configuration():
    """Refuse, before anything is written, a backup that would leave the machine unencrypted."""
    recipients = archive.recipients_from(settings.BACKUP_AGE_RECIPIENTS)
    storage = offsite_storage()
    if storage is not None and not recipients:
        raise BackupRefused(
            'A backup storage ("backups" in STORAGES) is configured but BACKUP_AGE_RECIPIENTS '
            "is empty: backups never leave the machine unencrypted."
        )
    return recipients, storage


def take_backup(target_dir=None):
    """Write one backup file into `target_dir` (BACKUP_DIR by default); return its path."""
    recipients, storage = check_configuration()
    target_dir = Path(target_dir or settings.BACKUP_DIR)
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    erasures.ensure_log()  # so that a restore finds a log, empty or not, and it goes off too
    # Erasures from this moment on are re-applied by a restore of this backup.
    taken_at = timezone.now()
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".backup-") as work:
        facts = snapshot.take(work)
        archive.copy_media(work)
        path = archive.write(work, target_dir, taken_at, facts, recipients)
    if storage is not None:
        copy_off(path, storage, recipients)
    record_good_backup(taken_at)
    return path


def copy_off(path, storage, recipients):
    with open(path, "rb") as file:
        storage.save(Path(path).name, File(file))
    copy_log_off(storage, recipients)


def copy_log_off(storage, recipients):
    """Replace the erasure log's copy in `storage` with the log as it is now, encrypted."""
    log = erasures.log_path()
    if log.exists():
        sealed = pyrage.encrypt(log.read_bytes(), list(recipients))
        with tempfile.TemporaryFile() as file:
            file.write(sealed)
            file.seek(0)
            with contextlib.suppress(FileNotFoundError):
                storage.delete(OFFSITE_LOG)
            storage.save(OFFSITE_LOG, File(file, name=OFFSITE_LOG))


# --- Retention ------------------------------------------------------------------


def to_keep(taken, daily, weekly):
    """Of backups {name: taken_at}, those kept: the newest of each of the last `daily` days
    and of the last `weekly` ISO weeks that have one."""
    days, weeks, kept = set(), set(), set()
    for name, moment in sorted(taken.items(), key=lambda item: item[1], reverse=True):
        day, week = moment.date(), moment.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            kept.add(name)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            kept.add(name)
    return kept


def _backups_in(names):
    return {name: moment for name in names if (moment := archive.taken_at_of(name))}


def apply_retention(target_dir=None):
    """Delete the backups retention no longer keeps, here and off the machine; then drop the
    erasure log's records that no kept backup predates. Returns the names deleted."""
    target_dir = Path(target_dir or settings.BACKUP_DIR)
    daily, weekly = settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY
    local = _backups_in(os.listdir(target_dir)) if target_dir.exists() else {}
    deleted = []
    kept_times = []
    for name in sorted(set(local) - to_keep(local, daily, weekly)):
        (target_dir / name).unlink()
        deleted.append(name)
    kept_times += [local[name] for name in local if name not in deleted]
    storage = offsite_storage()
    if storage is not None:
        offsite = _backups_in(storage.listdir("")[1])
        for name in sorted(set(offsite) - to_keep(offsite, daily, weekly)):
            storage.delete(name)
            deleted.append(f"{OFFSITE_ALIAS}:{name}")
        kept_times += [moment for name, moment in offsite.items() if storage.exists(name)]
    # The log covers the backups in BACKUP_DIR (and their copies): another
    # directory's few backups must not shorten it.
    if kept_times and target_dir.resolve() == Path(settings.BACKUP_DIR).resolve():
        erasures.forget_before(min(kept_times))
    return deleted
