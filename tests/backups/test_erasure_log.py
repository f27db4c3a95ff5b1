"""Every erasure, whichever path made it, is written to the erasure log: a keyed hash and a time."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pyrage
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from comments import erasures
from tests.comments.test_self_service_privacy import ask, mailed_link, press_button
from tests.factories import make_comment, make_editor

pytestmark = pytest.mark.django_db

EMAIL = "Dana.Commenter@example.com"
KEY = "erasure-log-test-key"


@pytest.fixture(autouse=True)
def backup_dir(settings):
    settings.ERASURE_LOG_KEY = KEY
    settings.SITE_URL = "https://blog.example.org"
    return settings.BACKUP_DIR


@pytest.fixture
def dana(seed_article):
    return make_comment(seed_article, author_name="Dana", author_email=EMAIL)


def logged(backup_dir):
    return (backup_dir / "erasures.log").read_text().splitlines()


def keyed(address):
    return hmac.new(KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def test_the_erase_command_writes_the_time_and_the_keyed_hash_of_the_mailbox(dana, backup_dir):
    call_command("erase_commenter", EMAIL, yes=True)
    (line,) = logged(backup_dir)
    moment, digest = line.split(" ")
    assert datetime.fromisoformat(moment) > datetime.now(UTC) - timedelta(minutes=1)
    assert digest == keyed("dana.commenter@example.com")


def test_the_erasure_log_holds_nothing_of_the_address(dana, backup_dir):
    call_command("erase_commenter", EMAIL, yes=True)
    text = (backup_dir / "erasures.log").read_text().lower()
    assert "dana" not in text
    assert "example" not in text


def test_the_erasure_log_is_readable_by_its_owner_only(dana, backup_dir):
    call_command("erase_commenter", EMAIL, yes=True)
    assert (backup_dir / "erasures.log").stat().st_mode & 0o777 == 0o600


def test_the_admin_erasure_is_logged(dana, backup_dir, client):
    client.force_login(make_editor())
    client.post(
        reverse("admin:comments_comment_privacy"),
        {"email": EMAIL, "erase": "Yes, erase", "confirm": "yes"},
    )
    assert [line.split(" ")[1] for line in logged(backup_dir)] == [
        keyed("dana.commenter@example.com")
    ]


def test_the_self_service_erasure_is_logged(dana, backup_dir, client, mail_server, run_tasks):
    ask(client, EMAIL, kind="erase")
    press_button(Client(), mailed_link(mail_server, run_tasks))
    assert [line.split(" ")[1] for line in logged(backup_dir)] == [
        keyed("dana.commenter@example.com")
    ]


def test_the_same_mailbox_typed_another_way_has_the_same_keyed_hash():
    assert erasures.keyed_hash("  DANA.Commenter@EXAMPLE.com ") == erasures.keyed_hash(EMAIL)


def test_records_older_than_the_oldest_backup_kept_are_dropped(backup_dir):
    old, new = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    erasures.record("old@example.com", now=old)
    erasures.record("new@example.com", now=new)
    assert erasures.forget_before(datetime(2026, 2, 1, tzinfo=UTC)) == 1
    assert erasures.read() == [(new, erasures.keyed_hash("new@example.com"))]


def test_without_a_key_set_one_is_made_and_kept_beside_the_log(settings, backup_dir):
    settings.ERASURE_LOG_KEY = ""
    first = erasures.keyed_hash(EMAIL)
    assert first == erasures.keyed_hash(EMAIL)
    assert (backup_dir / "erasure-log.key").stat().st_mode & 0o777 == 0o600
    settings.ERASURE_LOG_KEY = KEY
    assert erasures.keyed_hash(EMAIL) != first


def test_the_erasure_log_leaves_the_machine_encrypted_after_each_erasure(
    dana, backup_dir, settings, tmp_path, django_capture_on_commit_callbacks, run_tasks
):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "offsite")},
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_commenter", EMAIL, yes=True)
    run_tasks()
    copy = (tmp_path / "offsite" / "erasures.log.age").read_bytes()
    assert pyrage.decrypt(copy, [identity]) == (backup_dir / "erasures.log").read_bytes()
