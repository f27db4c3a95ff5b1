from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importers.export import export_wordpress


class Command(BaseCommand):
    help = (
        "Write the blog as a WordPress export (WXR 1.2, for Tools → Import → WordPress): "
        "articles, authors, tags, comments with their status and thread, and pingbacks. "
        "Email addresses only with --with-addresses; IP addresses never."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the export (XML).")
        parser.add_argument(
            "--with-addresses",
            action="store_true",
            help=(
                "Include commenters' and authors' email addresses. Whoever holds the file "
                "then holds them: keep it as private as the database."
            ),
        )

    def handle(self, file, with_addresses=False, **options):
        path = Path(file)
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"{file}: give the path of a file in an existing directory.")
        try:
            counts = export_wordpress(path, with_addresses=with_addresses)
        except OSError as error:
            raise CommandError(f"{file}: cannot be written ({error.strerror or error}).") from error
        addresses = "with" if with_addresses else "without"
        self.stdout.write(
            f"{counts['articles']} articles, {counts['comments']} comments "
            f"({counts['comments_approved']} approved, {counts['comments_pending']} pending, "
            f"{counts['comments_spam']} spam, {counts['comments_trash']} trash), "
            f"{counts['pingbacks']} pingbacks, {counts['people']} people, {counts['tags']} tags; "
            f"{addresses} email addresses, no IP addresses."
        )
        self.stdout.write(str(path))
