from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BadBackup, identities_from
from backups.restoring import RestoreRefused, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty site, then erase again "
        "every commenter the erasure log says was erased after it was taken."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--identity",
            metavar="FILE",
            help="The age identity that decrypts the backup (BACKUP_AGE_IDENTITY_FILE).",
        )
        parser.add_argument(
            "--erasure-log",
            metavar="FILE",
            help="The erasure log, plain or as copied off the machine (.age); "
            "by default the one in BACKUP_DIR.",
        )
        parser.add_argument(
            "--without-erasure-log",
            action="store_true",
            help="Restore although there is no erasure log (only if there never was one).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the backup over a site that is not empty.",
        )

    def handle(self, file, identity=None, erasure_log=None, **options):
        identity = identity or settings.BACKUP_AGE_IDENTITY_FILE
        try:
            report = restore(
                file,
                identities=identities_from(identity) if identity else (),
                erasure_log=erasure_log,
                without_erasure_log=options["without_erasure_log"],
                force=options["force"],
            )
        except (RestoreRefused, BadBackup) as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        self.print_report(report)

    def print_report(self, report):
        manifest = report["manifest"]
        self.stdout.write(f"Restored the backup taken at {manifest['taken_at'].isoformat()}.")
        self.stdout.write(f"{'model':<40} {'backup':>10} {'restored':>10}")
        for label in sorted(set(manifest["rows"]) | set(report["rows"])):
            backup, restored = manifest["rows"].get(label, "-"), report["rows"].get(label, "-")
            mark = "" if backup == restored else "  *"
            self.stdout.write(f"{label:<40} {backup!s:>10} {restored!s:>10}{mark}")
        self.stdout.write(
            f"Erased again (erasure log): {report['erased_people']} commenter(s), "
            f"{report['erased_comments']} comment(s). Media files: {report['media_files']}."
        )
        mail, tasks = report["queued_mail"], report["queued_tasks"]
        if mail or tasks:
            self.stdout.write(
                "Queued when the backup was taken, and sent or run again now by the task "
                "worker (some may have gone out before the loss): "
                + ", ".join(f"{count} mail ({kind})" for kind, count in sorted(mail.items()))
                + ("; " if mail and tasks else "")
                + ", ".join(f"{count} task ({path})" for path, count in sorted(tasks.items()))
                + "."
            )
        self.stdout.write("Every cache was purged.")
