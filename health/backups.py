"""When the last good backup was made: the one hook /readyz and the metrics read.

Where a `backups` app is installed, its `last_good_backup_at()` answers
(it knows which backups verified). Otherwise the newest file in
HEALTH_BACKUP_DIR is taken as the last backup: the directory the operator's
own backup job writes to.
"""

import importlib
import os
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings

BACKUPS_APP = "backups"


def watched():
    """True when there is something to read a backup's age from."""
    return apps.is_installed(BACKUPS_APP) or bool(settings.HEALTH_BACKUP_DIR)


def last_good_backup_at():
    """When the last good backup was made, or None if none is known."""
    if apps.is_installed(BACKUPS_APP):
        return importlib.import_module(BACKUPS_APP).last_good_backup_at()
    if not settings.HEALTH_BACKUP_DIR:
        return None
    return newest_file_at(settings.HEALTH_BACKUP_DIR)


def newest_file_at(directory):
    """The modification time of the newest visible file in `directory` (None if none)."""
    newest = None
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                mtime = entry.stat().st_mtime
                newest = mtime if newest is None else max(newest, mtime)
    except OSError:
        return None
    return datetime.fromtimestamp(newest, UTC) if newest is not None else None
