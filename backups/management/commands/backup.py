from django.core.management.base import BaseCommand, CommandError

from backups.archive import BadBackup
from backups.snapshot import SnapshotError
from backups.taking import BackupRefused, apply_retention, take_backup


class Command(BaseCommand):
    help = (
        "Back up the database (a consistent snapshot and a database-neutral dump of it), the "
        "uploaded media and a manifest into one file, readable by its owner only; encrypt and "
        "copy it off the machine when configured; delete the backups retention no longer "
        "keeps. The last line of output is the file's path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="DIR", help="Write the backup here (BACKUP_DIR).")

    def handle(self, to=None, **options):
        try:
            path = take_backup(to)
        except (BackupRefused, BadBackup, SnapshotError) as error:
            raise CommandError(str(error)) from None
        for name in apply_retention(to):
            self.stdout.write(f"Deleted {name} (retention).")
        self.stdout.write(str(path))
