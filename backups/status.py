"""When this machine last made a good backup: a small file beside the backups."""

import os
from datetime import datetime
from pathlib import Path

from django.conf import settings

STATUS_NAME = "last-good-backup"


def _path():
    return Path(settings.BACKUP_DIR) / STATUS_NAME


def last_good_backup_at():
    """The time the newest backup this machine completed was taken (aware), or None."""
    try:
        return datetime.fromisoformat(_path().read_text().strip())
    except (OSError, ValueError):
        return None


def record_good_backup(taken_at):
    path = _path()
    new = path.with_name(STATUS_NAME + ".new")
    new.write_text(taken_at.isoformat() + "\n")
    os.replace(new, path)
