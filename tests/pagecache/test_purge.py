"""Purges sent to the HTTP caches: at once, within a timeout, and retried by the worker.

The caches are small HTTP servers started by each test; the worker is
`manage.py db_worker --batch`, run in this process with the clock moved on.
"""

import logging
import socket
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks_db.models import DBTaskResult

from pagecache import retries, tasks
from pagecache import tags as page_tags
from pagecache.models import PurgeFailure
from pagecache.tags import purge_now
from tests.pagecache.conftest import Reply

RETRY_TASK = "pagecache.retries.retry_purge"


@pytest.fixture(autouse=True)
def purge_settings(settings):
    settings.PAGE_CACHE_PURGE_TIMEOUT = 0.5
    settings.PAGE_CACHE_PURGE_RETRY_SECONDS = 5
    settings.PAGE_CACHE_PURGE_RETRY_MAX_SECONDS = 600
    settings.PAGE_CACHE_PURGE_GIVE_UP_SECONDS = 24 * 3600
    return settings


def cache_url(port):
    return f"http://127.0.0.1:{port}/"


def queued_retries():
    return list(DBTaskResult.objects.filter(task_path=RETRY_TASK).order_by("enqueued_at"))


def retry_args(row):
    return row.args_kwargs["args"]


def run_worker():
    """The worker, in this process. Tests that run it use `transactional_db`: the
    worker closes a connection it finds inside a transaction, as a test's is."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def seconds_between(later, earlier):
    return (later - earlier).total_seconds()


# --- Sent at once ------------------------------------------------------------------


def test_every_cache_gets_one_purge_naming_the_tags_space_separated(db, settings, stub_factory):
    caches = [stub_factory(), stub_factory()]
    settings.PAGE_CACHE_PURGE_URLS = [cache.url for cache in caches]
    purge_now(["comments-3", "article-3", "comments-3"])
    for cache in caches:
        (purge,) = cache.requests_for("/", method="PURGE")
        assert purge.headers["xkey-purge"] == "article-3 comments-3"
    assert queued_retries() == []


def test_a_confirmed_purge_does_not_wait_for_the_timeout(db, settings, stub_factory):
    settings.PAGE_CACHE_PURGE_URLS = [stub_factory().url]
    started = time.monotonic()
    purge_now(["articles"])
    assert time.monotonic() - started < settings.PAGE_CACHE_PURGE_TIMEOUT
    assert queued_retries() == []


def test_refused_connection_queues_a_retry_for_that_cache_only(
    db, settings, stub_factory, closed_port
):
    working = stub_factory()
    settings.PAGE_CACHE_PURGE_URLS = [working.url, cache_url(closed_port)]
    before = timezone.now()
    purge_now(["article-7"])
    (retry,) = queued_retries()
    url, tags, first_failed_at, failures = retry_args(retry)
    assert (url, tags, failures) == (cache_url(closed_port), ["article-7"], 1)
    assert parse_datetime(first_failed_at) >= before
    assert 5 <= seconds_between(retry.run_after, before) < 7
    assert len(working.requests_for("/", method="PURGE")) == 1


def test_an_error_answer_counts_as_a_failed_purge(db, settings, stub_factory, caplog):
    refusing = stub_factory(Reply(status=403))
    settings.PAGE_CACHE_PURGE_URLS = [refusing.url]
    with caplog.at_level(logging.WARNING, logger="pagecache.purge"):
        purge_now(["articles"])
    assert len(queued_retries()) == 1
    assert "HTTP 403" in caplog.text


def test_a_silent_cache_holds_the_change_no_longer_than_the_timeout(db, settings, silent_port):
    settings.PAGE_CACHE_PURGE_TIMEOUT = 0.3
    settings.PAGE_CACHE_PURGE_URLS = [cache_url(silent_port)]
    started = time.monotonic()
    purge_now(["articles"])
    # The timeout, plus the time it takes to queue the retry.
    assert time.monotonic() - started < 0.3 + 0.5
    (retry,) = queued_retries()
    assert retry_args(retry)[0] == cache_url(silent_port)


def test_silent_caches_are_waited_for_together_not_one_after_the_other(db, settings):
    settings.PAGE_CACHE_PURGE_TIMEOUT = 0.3
    listeners = []
    try:
        for _ in range(4):
            listeners.append(socket.create_server(("127.0.0.1", 0)))
        settings.PAGE_CACHE_PURGE_URLS = [cache_url(s.getsockname()[1]) for s in listeners]
        started = time.monotonic()
        purge_now(["articles"])
        assert time.monotonic() - started < 4 * 0.3
    finally:
        for listener in listeners:
            listener.close()
    assert len(queued_retries()) == 4


def test_a_purge_never_raises_even_when_its_retry_cannot_be_queued(
    db, settings, closed_port, monkeypatch, caplog
):
    settings.PAGE_CACHE_PURGE_URLS = [cache_url(closed_port)]

    def database_down(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(retries.retry_purge.__class__, "enqueue", database_down)
    with caplog.at_level(logging.ERROR, logger="pagecache.purge"):
        purge_now(["articles"])
    assert "Could not queue the retry" in caplog.text
    assert queued_retries() == []


def test_no_cache_configured_means_no_request_and_no_retry(db, settings, stub_factory):
    cache = stub_factory()
    settings.PAGE_CACHE_PURGE_URLS = []
    purge_now(["articles"])
    assert cache.requests == []
    assert queued_retries() == []


# --- Retried by the worker ------------------------------------------------------------


def test_retry_delays_double_from_the_first_and_stop_at_the_cap():
    delays = [retries.retry_delay(failures) for failures in range(1, 10)]
    assert delays == [5, 10, 20, 40, 80, 160, 320, 600, 600]


def test_a_retry_that_reaches_the_cache_queues_nothing_more(db, stub_factory):
    cache = stub_factory()
    first_failed_at = timezone.now() - timedelta(minutes=3)
    outcome = retries.retry_purge.call(cache.url, ["articles"], first_failed_at.isoformat(), 2)
    assert outcome == "purged"
    assert len(cache.requests_for("/", method="PURGE")) == 1
    assert queued_retries() == []


def test_a_failed_retry_queues_the_next_after_a_doubled_delay(db, closed_port):
    first_failed_at = timezone.now() - timedelta(minutes=3)
    now = timezone.now()
    retries.retry_purge.call(cache_url(closed_port), ["articles"], first_failed_at.isoformat(), 2)
    (retry,) = queued_retries()
    url, tags, first, failures = retry_args(retry)
    assert (url, tags, failures) == (cache_url(closed_port), ["articles"], 3)
    # The first failure is remembered: it decides when to give up.
    assert parse_datetime(first) == first_failed_at
    assert 20 <= seconds_between(retry.run_after, now) < 22


def test_the_last_try_is_made_at_the_give_up_time(db):
    now = timezone.now()
    first_failed_at = now - timedelta(seconds=24 * 3600 - 30)
    retries.retry_later(
        "http://127.0.0.1:1/",
        ["articles"],
        "refused",
        first_failed_at=first_failed_at,
        failures=12,
        now=now,
    )
    (retry,) = queued_retries()
    assert retry.run_after == first_failed_at + timedelta(hours=24)


def test_a_purge_still_failing_at_the_give_up_time_is_recorded_for_editors(db, closed_port):
    first_failed_at = timezone.now() - timedelta(hours=24, seconds=1)
    outcome = retries.retry_purge.call(
        cache_url(closed_port), ["article-4", "comments-4"], first_failed_at.isoformat(), 13
    )
    assert outcome == "gave up"
    assert queued_retries() == []
    (failure,) = PurgeFailure.objects.all()
    assert failure.url == cache_url(closed_port)
    assert failure.tags == "article-4 comments-4"
    assert failure.attempts == 14
    assert failure.first_failed_at == first_failed_at
    assert "Connection refused" in failure.last_error
    assert failure.gave_up_at >= first_failed_at + timedelta(hours=24)


def test_the_worker_retries_with_backoff_until_the_cache_is_back(
    transactional_db, settings, stub_factory, closed_port
):
    settings.PAGE_CACHE_PURGE_URLS = [cache_url(closed_port)]
    start = timezone.now()
    purge_now(["comments-9"])
    run_worker()  # Too early: the first retry waits 5 s.
    (first,) = queued_retries()
    assert first.status == "READY"

    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        run_worker()  # The cache is still down: the next try in 10 s.
    first.refresh_from_db()
    assert first.status == "SUCCESSFUL"
    assert first.return_value.startswith("retry at")
    second = queued_retries()[1]
    assert seconds_between(second.run_after, start + timedelta(seconds=6)) == 10

    cache = stub_factory(port=closed_port)
    with time_machine.travel(start + timedelta(seconds=15), tick=False):
        run_worker()  # Not yet.
    assert cache.requests == []
    with time_machine.travel(start + timedelta(seconds=16), tick=False):
        run_worker()
    second.refresh_from_db()
    assert second.return_value == "purged"
    (purge,) = cache.requests_for("/", method="PURGE")
    assert purge.headers["xkey-purge"] == "comments-9"
    assert len(queued_retries()) == 2


# --- Purges at a set time ----------------------------------------------------------------


def test_purge_at_invalidates_the_pages_when_the_time_comes(
    transactional_db, settings, stub_factory
):
    cache = stub_factory()
    settings.PAGE_CACHE_PURGE_URLS = [cache.url]
    seen = page_tags.generations(["articles", "article-5"])
    publication = timezone.now() + timedelta(minutes=10)
    tasks.purge_at(["articles", "article-5", "articles"], publication)

    run_worker()
    assert page_tags.still_current(seen) == seen
    assert cache.requests == []

    with time_machine.travel(publication + timedelta(seconds=1), tick=False):
        run_worker()
    assert page_tags.still_current(seen) is None
    (purge,) = cache.requests_for("/", method="PURGE")
    assert purge.headers["xkey-purge"] == "article-5 articles"


def test_purge_at_in_a_transaction_that_rolls_back_schedules_nothing(db):
    def save_then_fail():
        with transaction.atomic():
            tasks.purge_at(["articles"], timezone.now() + timedelta(minutes=10))
            raise RuntimeError("the article was not saved")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert not DBTaskResult.objects.exists()
