"""The one command for every periodic job; cron or a systemd timer runs it daily.

Each job only removes what has outlived its retention, so running it twice,
late or often changes nothing more.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from comments.moderation import empty_trash
from comments.privacy import purge_expired_addresses
from comments.selfservice import prune_requests as prune_privacy_requests
from guard.ratelimit import prune_counters
from guard.retention import purge_expired_access_records
from outbox.tasks import prune_records as prune_mail_records
from subscriptions.privacy import purge_expired_verifications

# Finished background tasks are kept this long for operators to look at
# (in the admin, "Task Results"); failed ones longer, to find out why.
SUCCESSFUL_TASK_DAYS = 7
FAILED_TASK_DAYS = 30


def prune_finished_tasks():
    """Delete finished task results past their retention; returns how many."""
    before = DBTaskResult.objects.finished().count()
    call_command(
        "prune_db_task_results",
        "--queue-name=*",
        f"--min-age-days={SUCCESSFUL_TASK_DAYS}",
        f"--failed-min-age-days={FAILED_TASK_DAYS}",
        verbosity=0,
    )
    return before - DBTaskResult.objects.finished().count()


class Command(BaseCommand):
    help = (
        "Run the periodic jobs: prune finished background tasks and ended rate-limit "
        "counters, and remove commenters' IP addresses and browsers and the admin's sign-in "
        "records past COMMENT_IP_RETENTION_DAYS, the record of mail sent past "
        "OUTBOX_RECORD_DAYS, expired confirmation links with the addresses never "
        "confirmed, commenters' privacy requests past PRIVACY_REQUEST_RETENTION_DAYS, and comments "
        "in the trash past the days the discussion settings give. "
        "Safe to run at any time."
    )

    def handle(self, **options):
        pruned = prune_finished_tasks()
        self.stdout.write(
            f"Pruned {pruned} finished task result(s) "
            f"(kept {SUCCESSFUL_TASK_DAYS} days, {FAILED_TASK_DAYS} when failed)."
        )
        forgotten = purge_expired_addresses()
        self.stdout.write(f"Removed the address and browser of {forgotten} comment(s).")
        access = purge_expired_access_records()
        self.stdout.write(f"Removed {access} sign-in record(s) of the admin.")
        counters = prune_counters()
        self.stdout.write(f"Removed {counters} ended rate-limit counter(s).")
        mails = prune_mail_records()
        self.stdout.write(f"Removed the record of {mails} mail(s) sent or given up.")
        verifications = purge_expired_verifications()
        self.stdout.write(f"Removed {verifications} expired confirmation link(s).")
        requests = prune_privacy_requests()
        self.stdout.write(f"Removed {requests} old privacy request(s).")
        trashed = empty_trash()
        self.stdout.write(
            f"Deleted {trashed} comment(s) in the trash past the discussion settings' days."
        )
