from django.core.management.base import BaseCommand, CommandError

from comments.privacy import comments_by, erase_commenter
from outbox.addresses import RefusedAddress, mailbox_key


class Command(BaseCommand):
    help = (
        'Erase a commenter\'s personal data: their comments stay, signed "Anonymous", with '
        "email, website, IP address and browser removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, email, yes=False, **options):
        try:
            mailbox_key(email)
        except RefusedAddress as refused:
            raise CommandError(refused.message) from None
        count = comments_by(email).count()
        if not count:
            self.stdout.write(f"No comments were left with {email}.")
            return
        if not yes:
            answer = input(f"Anonymise {count} comment(s) left with {email}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        erased = erase_commenter(email)
        self.stdout.write(self.style.SUCCESS(f"Anonymised {erased} comment(s)."))
