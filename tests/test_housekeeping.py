"""`manage.py housekeeping`: every periodic job in one command, safe to run again."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, PrivacyRequest
from comments.moderation import empty_trash
from guard.models import RateCounter
from guard.ratelimit import hit
from pagecache.tasks import purge_tags
from tests.factories import make_comment
from tests.test_page_cache import queries_for


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


# --- Emptying the trash ----------------------------------------------------------------


def in_trash_for(article, days, **overrides):
    comment = make_comment(article, status=Comment.Status.TRASH, **overrides)
    Comment.objects.filter(pk=comment.pk).update(updated_at=timezone.now() - timedelta(days=days))
    return comment


def test_housekeeping_deletes_comments_in_the_trash_past_the_setting_only(seed_article):
    old = in_trash_for(seed_article, 31)
    recent = in_trash_for(seed_article, 29)
    old_spam = make_comment(seed_article, status=Comment.Status.SPAM)
    old_pending = make_comment(seed_article, status=Comment.Status.PENDING)
    Comment.objects.filter(pk__in=[old_spam.pk, old_pending.pk]).update(
        updated_at=timezone.now() - timedelta(days=400)
    )
    output = housekeeping()
    left = set(Comment.objects.values_list("pk", flat=True))
    assert left == {recent.pk, old_spam.pk, old_pending.pk}
    assert old.pk not in left
    assert "Deleted 1 comment(s) in the trash" in output
    assert "Deleted 0 comment(s) in the trash" in housekeeping()


def test_the_trash_keeps_as_many_days_as_the_editors_set(seed_article, discussion_rules):
    discussion_rules(trash_days=7)
    week_old = in_trash_for(seed_article, 8)
    kept = in_trash_for(seed_article, 6)
    housekeeping()
    assert set(Comment.objects.values_list("pk", flat=True)) == {kept.pk}
    assert not Comment.objects.filter(pk=week_old.pk).exists()


def test_with_zero_days_the_trash_is_never_emptied(seed_article, discussion_rules):
    discussion_rules(trash_days=0)
    ancient = in_trash_for(seed_article, 4000)
    housekeeping()
    assert Comment.objects.filter(pk=ancient.pk).exists()


def test_emptying_the_trash_keeps_the_thread_and_refreshes_the_page(
    seed_article, django_capture_on_commit_callbacks
):
    parent = make_comment(seed_article)
    trashed = in_trash_for(seed_article, 31, parent=parent)
    reply = make_comment(seed_article, parent=trashed, author_name="Survivor")
    url = seed_article.get_absolute_url()
    Client().get(url)
    assert queries_for(url) == 0  # served from the page cache
    with django_capture_on_commit_callbacks(execute=True):
        housekeeping()
    reply.refresh_from_db()
    assert reply.parent_id == parent.pk
    assert queries_for(url) > 0  # purged: rendered afresh
    assert "Survivor" in Client().get(url).content.decode()


def test_the_trash_is_emptied_in_bounded_batches(seed_article):
    for _ in range(5):
        in_trash_for(seed_article, 40)
    assert empty_trash(batch_size=2) == 5
    assert not Comment.objects.exists()
