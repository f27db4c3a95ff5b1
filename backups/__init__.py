"""Backups that restore, and a restore that never brings back an erased commenter.

`manage.py backup` writes one file: a consistent snapshot of the database
in its own format, a database-neutral dump of the same snapshot, the
uploaded media and a manifest. `manage.py restore FILE` checks it, loads it
into an empty site, and erases again whoever was erased after it was taken
(comments/erasures.py). `last_good_backup_at()` says when this machine last
made one.
"""

from .status import last_good_backup_at

__all__ = ["last_good_backup_at"]
