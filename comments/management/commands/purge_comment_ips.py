from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import purge_expired_addresses


class Command(BaseCommand):
    help = (
        "Remove IP addresses and browser strings from comments older than the retention "
        "period (COMMENT_IP_RETENTION_DAYS). Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default {settings.COMMENT_IP_RETENTION_DAYS}).",
        )

    def handle(self, days=None, **options):
        removed = purge_expired_addresses(days=days)
        self.stdout.write(f"Removed the address and browser of {removed} comment(s).")
