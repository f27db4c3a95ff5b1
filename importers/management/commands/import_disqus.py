from django.core.management.base import BaseCommand, CommandError

from importers.models import DISQUS
from importers.runs import run_import
from importers.xml import ImportFailed


class Command(BaseCommand):
    help = (
        "Import comments from a Disqus export into the articles their threads belong to. "
        "Running it again imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (XML).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would happen; save nothing."
        )

    def handle(self, file, dry_run=False, **options):
        try:
            run_import(DISQUS, file, dry_run=dry_run, out=self.stdout.write)
        except ImportFailed as error:
            raise CommandError(f"{file}: {error}") from error
