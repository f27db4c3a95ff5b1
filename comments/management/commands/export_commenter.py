import json

from django.core.management.base import BaseCommand, CommandError

from comments.privacy import export_commenter
from outbox.addresses import RefusedAddress, mailbox_key


class Command(BaseCommand):
    help = "Export every comment left with an email address, as JSON (a data access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, email, output=None, **options):
        try:
            mailbox_key(email)
        except RefusedAddress as refused:
            raise CommandError(refused.message) from None
        document = json.dumps(export_commenter(email), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(document + "\n")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(document)
