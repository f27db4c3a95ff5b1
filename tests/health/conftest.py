import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from health.heartbeat import beat
from tests.factories import make_editor


@pytest.fixture
def backup_dir(settings, tmp_path):
    """A backup directory holding a backup made a minute ago."""
    directory = tmp_path / "backups"
    directory.mkdir()
    backup = directory / "immunoblog-backup.tar"
    backup.write_bytes(b"backup")
    made = time.time() - 60
    os.utime(backup, (made, made))
    settings.HEALTH_BACKUP_DIR = str(directory)
    return directory


@pytest.fixture
def live_worker(db):
    """A task worker that beat a moment ago."""
    beat("worker-one", timezone.now() - timedelta(hours=1))


@pytest.fixture
def healthy(backup_dir, live_worker):
    """Everything /readyz watches is well."""


@pytest.fixture
def editor_client(db, client):
    """The test client, signed in as an editor who is not a superuser."""
    client.force_login(make_editor())
    return client
