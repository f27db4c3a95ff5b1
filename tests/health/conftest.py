from datetime import timedelta

import pytest
from django.utils import timezone

from backups.status import record_good_backup
from health.heartbeat import beat
from tests.factories import make_editor


@pytest.fixture
def recent_backup(settings):
    """A good backup made a minute ago, as `manage.py backup` records it."""
    settings.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    record_good_backup(timezone.now() - timedelta(minutes=1))


@pytest.fixture
def live_worker(db):
    """A task worker that beat a moment ago."""
    beat("worker-one", timezone.now() - timedelta(hours=1))


@pytest.fixture
def healthy(recent_backup, live_worker):
    """Everything /readyz watches is well."""


@pytest.fixture
def editor_client(db, client):
    """The test client, signed in as an editor who is not a superuser."""
    client.force_login(make_editor())
    return client
