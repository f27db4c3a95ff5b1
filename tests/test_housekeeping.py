"""`manage.py housekeeping`: every periodic job in one command, safe to run again."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from pagecache.tasks import purge_tags
from tests.factories import make_comment


def housekeeping():
    out = StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


def task_finished(status, days_ago):
    """A task result that finished `days_ago` days ago with this status."""
    result = purge_tags.enqueue(["articles"])
    finished_at = timezone.now() - timedelta(days=days_ago)
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
    return result.id


def remaining(*ids):
    return set(DBTaskResult.objects.filter(pk__in=ids).values_list("pk", flat=True))


@pytest.fixture
def task_rows(db):
    return {
        "old success": task_finished("SUCCESSFUL", 8),
        "recent success": task_finished("SUCCESSFUL", 6),
        "old failure": task_finished("FAILED", 31),
        "recent failure": task_finished("FAILED", 29),
        "waiting": purge_tags.using(run_after=timezone.now() + timedelta(days=1))
        .enqueue(["articles"])
        .id,
    }


def test_housekeeping_prunes_finished_tasks_past_their_retention_only(task_rows):
    output = housekeeping()
    kept = {name for name, pk in task_rows.items() if remaining(pk)}
    assert kept == {"recent success", "recent failure", "waiting"}
    assert "Pruned 2 finished task result(s)" in output


def test_housekeeping_removes_commenters_addresses_past_the_retention_period(
    seed_article, settings
):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    old = make_comment(seed_article, created_at=timezone.now() - timedelta(days=31))
    recent = make_comment(seed_article, created_at=timezone.now() - timedelta(days=29))
    output = housekeeping()
    old, recent = Comment.objects.get(pk=old.pk), Comment.objects.get(pk=recent.pk)
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "pytest")
    assert "Removed the address and browser of 1 comment(s)" in output


def test_housekeeping_run_again_changes_nothing_more(task_rows, seed_article):
    make_comment(seed_article, created_at=timezone.now() - timedelta(days=400))
    housekeeping()
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    again = housekeeping()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == left
    assert "Pruned 0 finished task result(s)" in again
    assert "Removed the address and browser of 0 comment(s)" in again
