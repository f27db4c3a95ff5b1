import os
import time

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, TestCase

from articles.models import Article
from comments.models import DiscussionSettings
from pagecache.middleware import page_store
from tests.migrating import migrate_to_latest
from tests.smtp import HOST, MailServer

SEED_SLUG = "unlocking-the-power-of-immunotherapy"
DAY = 24 * 3600
# Tasks that queue tasks: how many rounds run_tasks() goes before it stops.
MAX_TASK_ROUNDS = 5


@pytest.fixture(autouse=True)
def isolated_caches(settings, tmp_path):
    """Each test starts with empty caches: a file cache of its own, or the test Redis."""
    if not os.environ.get("REDIS_URL"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            },
        }
    for alias in settings.CACHES:
        caches[alias].clear()
    page_store().clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()
    page_store().clear()


@pytest.fixture(autouse=True)
def backups_of_its_own(settings, tmp_path):
    """Backups and the erasure log (written by every erasure) go to the test's own directory."""
    settings.BACKUP_DIR = tmp_path / "backups"


@pytest.fixture
def one_rate_window():
    """Start at the next midnight UTC, so a test's requests share one rate window.

    guard.ratelimit counts per calendar window, counted from the epoch (the
    comment limit per minute, privacy requests and password resets per hour,
    requests for one address per day); a test that crossed into the next
    window would find its count reset. Midnight starts a window of each
    length; the clock keeps running from there.
    """
    next_midnight = (int(time.time()) // DAY + 1) * DAY
    with time_machine.travel(next_midnight, tick=True):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def lifted_comment_limits(settings):
    """Flood control and the rate limit are off unless a test turns them on."""
    settings.COMMENT_FLOOD_SECONDS = 0
    settings.COMMENT_RATE_PER_MINUTE = 0


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Run every task that is due, as `manage.py db_worker` would, then return.

    The worker closes connections it finds inside a transaction; here that
    transaction is the test's own, so it is left open. What the tasks queue
    for after their commit (the outbox's deliveries) runs too, as it would
    once each task's transaction commits.
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run():
        for _ in range(MAX_TASK_ROUNDS):
            with TestCase.captureOnCommitCallbacks(execute=True) as queued:
                call_command(
                    "db_worker", "--batch", "--no-startup-delay", "--no-reload",
                    "--queue-name", "*", verbosity=0,
                )  # fmt: skip
            if not queued:
                return

    return run


@pytest.fixture
def seed_article(db):
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture
def csrf_client():
    """A browser-like client that enforces CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def discussion_rules(db):
    """Change the discussion settings for a test: rules(manual_approval=False)."""

    def update(**values):
        rules = DiscussionSettings.load()
        for name, value in values.items():
            setattr(rules, name, value)
        # What runs once the save commits (the test's transaction never does): the purge.
        with TestCase.captureOnCommitCallbacks(execute=True):
            rules.save()
        return rules

    return update


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on 127.0.0.1 (tests/smtp.py); Django sends its mail there."""
    server = MailServer().up()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = HOST, server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.down()


@pytest.fixture
def back_to_latest(transactional_db, django_db_serialized_rollback):
    """For migration tests: whatever a test migrates to, the database ends at the latest."""
    yield
    migrate_to_latest()
