from importers.models import WORDPRESS
from importers.runs import ImportCommand


class Command(ImportCommand):
    help = (
        "Import posts, comments, pingbacks and old addresses from a WordPress export "
        "(WXR, from Tools → Export). "
        "Running it again imports nothing twice."
    )
    source = WORDPRESS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="OLD=PERSON",
            help=(
                "Credit the posts of WordPress login OLD to PERSON (a person's slug or name). "
                "Repeatable. A login the export gives no name for goes to the editorial byline."
            ),
        )

    def importer_options(self, options):
        return {"author_map": options["author_map"]}
