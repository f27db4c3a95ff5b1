"""`manage.py housekeeping`: every periodic job in one command, safe to run again."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, PrivacyRequest
from guard.models import RateCounter
from guard.ratelimit import hit
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


def test_housekeeping_removes_admin_sign_in_records_past_the_retention_period(db, settings):
    settings.COMMENT_IP_RETENTION_DAYS = 30
    records = {}
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for age in (31, 29):
            row = model.objects.create(
                username="root", ip_address="203.0.113.9", user_agent=f"{age} days ago",
                **extra_fields(model),
            )  # fmt: skip
            model.objects.filter(pk=row.pk).update(
                attempt_time=timezone.now() - timedelta(days=age)
            )
            records[(model.__name__, age)] = row.pk
    output = housekeeping()
    kept = {key for key, pk in records.items() if type_of(key).objects.filter(pk=pk).exists()}
    assert kept == {("AccessAttempt", 29), ("AccessLog", 29), ("AccessFailureLog", 29)}
    assert "Removed 3 sign-in record(s) of the admin." in output
    assert "Removed 0 sign-in record(s)" in housekeeping()


def extra_fields(model):
    if model is AccessAttempt:
        return {"failures_since_start": 1, "get_data": "", "post_data": ""}
    if model is AccessFailureLog:
        return {"locked_out": False}
    return {}


def type_of(key):
    return {"AccessAttempt": AccessAttempt, "AccessLog": AccessLog}.get(key[0], AccessFailureLog)


def test_housekeeping_removes_ended_rate_counters_only(db, settings):
    now = time.time()
    hit("test", "192.0.2.1", window_seconds=60, now=now - 3600)
    hit("test", "192.0.2.1", window_seconds=60, now=now)
    if settings.RATE_LIMIT_STORE == "database":
        assert RateCounter.objects.count() == 2
        output = housekeeping()
        assert RateCounter.objects.count() == 1
        assert "Removed 1 ended rate-limit counter(s)." in output
    assert hit("test", "192.0.2.1", window_seconds=60, now=now) == 2


def test_housekeeping_removes_privacy_requests_past_their_retention_period(db, settings):
    settings.PRIVACY_REQUEST_RETENTION_DAYS = 30
    ages = {}
    for age in (31, 29):
        request = PrivacyRequest.objects.create(kind="export", email=f"age{age}@example.org")
        PrivacyRequest.objects.filter(pk=request.pk).update(
            requested_at=timezone.now() - timedelta(days=age)
        )
        ages[age] = request.pk
    output = housekeeping()
    assert list(PrivacyRequest.objects.values_list("pk", flat=True)) == [ages[29]]
    assert "Removed 1 old privacy request(s)." in output
    assert "Removed 0 old privacy request(s)." in housekeeping()
