"""One import run: the importer, its report printed as it goes, and the record kept of it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from .disqus import DisqusImport
from .models import DISQUS, WORDPRESS, ImportRun
from .wordpress import WordPressImport
from .writing import Report
from .xml import ImportFailed

IMPORTERS = {WORDPRESS: WordPressImport, DISQUS: DisqusImport}


def run_import(kind, path, *, dry_run, out, **options):
    """Import the file (or, on a dry run, say what importing it would do); returns the run.

    `options` go to the importer (WordPress takes `author_map`, a list of
    "LOGIN=PERSON").

    The run and its report are kept, failed or not, for the editors' list of
    imports. Raises ImportFailed, with one line saying why, when the file
    cannot be imported; then nothing else has changed.
    """
    run = ImportRun.objects.create(kind=kind, file_name=Path(path).name[:255], is_dry_run=dry_run)
    report = Report(out, dry_run)
    if dry_run:
        report.line("Dry run: nothing is saved.")
    try:
        IMPORTERS[kind](path, report, **options).run()
    except ImportFailed as error:
        run.error = str(error)
        raise
    else:
        run.succeeded = True
    finally:
        run.finished_at = timezone.now()
        run.site = report.site
        run.counts = dict(sorted(report.counts.items()))
        run.report = report.text
        run.save()
    return run


class ImportCommand(BaseCommand):
    """`manage.py import_<source> FILE [--dry-run]`: a subclass names its `source`."""

    source = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (XML).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would happen; save nothing."
        )

    def importer_options(self, options):
        """What a subclass's own arguments tell its importer."""
        return {}

    def handle(self, file, dry_run=False, **options):
        try:
            run_import(
                self.source, file, dry_run=dry_run, out=self.stdout.write,
                **self.importer_options(options),
            )  # fmt: skip
        except ImportFailed as error:
            raise CommandError(f"{file}: {error}") from error
