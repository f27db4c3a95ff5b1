"""What `manage.py backup` keeps, where it may copy a backup, and what it tells an operator."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from backups import last_good_backup_at
from backups.archive import copy_media, file_name
from backups.restoring import restore_media
from backups.taking import apply_retention, to_keep
from comments import erasures

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def backup_dir(settings):
    settings.BACKUP_DIR.mkdir()
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 7, 4
    settings.ERASURE_LOG_KEY = "backup-rules-test-key"
    return settings.BACKUP_DIR


def daily_backups(days):
    """A backup at 03:00 each day for `days` days, and an earlier one on the last day."""
    taken = {file_name(NOW - timedelta(days=n), True): NOW - timedelta(days=n) for n in range(days)}
    taken[file_name(NOW - timedelta(hours=1), True)] = NOW - timedelta(hours=1)
    return taken


def test_retention_keeps_the_newest_of_each_of_the_last_seven_days_and_four_weeks():
    taken = daily_backups(60)
    kept = sorted(taken[name] for name in to_keep(taken, daily=7, weekly=4))
    days = [NOW - timedelta(days=n) for n in range(7)]
    # The newest of each of the last four weeks: this one's and last week's are among the
    # days already; then the Sundays of the two weeks before.
    sundays = [NOW - timedelta(days=n) for n in (8, 15)]
    assert kept == sorted(set(days) | set(sundays))


def test_the_backup_command_deletes_what_retention_no_longer_keeps(backup_dir):
    taken = daily_backups(40)
    for name in taken:
        (backup_dir / name).write_bytes(b"")
    (backup_dir / "notes.txt").write_text("not a backup")
    deleted = apply_retention()
    assert len(deleted) == len(taken) - 9
    assert (backup_dir / "notes.txt").exists()
    assert len(list(backup_dir.glob("immunoblog-*"))) == 9


def test_erasure_records_no_kept_backup_predates_are_dropped(backup_dir):
    for name in daily_backups(40):
        (backup_dir / name).write_bytes(b"")
    erasures.record("long-ago@example.com", now=NOW - timedelta(days=35))
    erasures.record("last-week@example.com", now=NOW - timedelta(days=6))
    apply_retention()
    assert [digest for _, digest in erasures.read()] == [
        erasures.keyed_hash("last-week@example.com")
    ]


def test_a_backup_never_leaves_the_machine_unencrypted(settings, tmp_path, backup_dir):
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "offsite")},
        },
    }
    settings.BACKUP_AGE_RECIPIENTS = []
    with pytest.raises(CommandError, match="never leave the machine unencrypted"):
        call_command("backup")
    assert list(backup_dir.iterdir()) == []


def test_a_recipient_age_cannot_read_is_refused_before_anything_is_written(settings, backup_dir):
    settings.BACKUP_AGE_RECIPIENTS = ["age1notakey"]
    with pytest.raises(CommandError, match="age cannot read"):
        call_command("backup")
    assert list(backup_dir.iterdir()) == []


def test_no_backup_made_here_means_no_last_good_backup():
    assert last_good_backup_at() is None


def test_the_deploy_check_asks_for_the_erasure_log_key(settings):
    from backups.checks import erasure_log_key_is_set

    settings.ERASURE_LOG_KEY = ""
    assert [error.id for error in erasure_log_key_is_set(None)] == ["backups.E001"]


def test_a_restore_without_the_erasure_log_is_refused(backup_dir):
    with pytest.raises(CommandError, match="no erasure log at .*could come back"):
        call_command("restore", str(backup_dir / "immunoblog-any.tar.gz"))


def test_a_file_that_is_not_a_backup_is_refused(backup_dir):
    path = backup_dir / file_name(NOW, encrypted=False)
    path.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match="is not a readable backup"):
        call_command("restore", str(path), "--without-erasure-log")


def test_an_encrypted_backup_needs_its_identity(backup_dir):
    path = backup_dir / file_name(NOW, encrypted=True)
    path.write_bytes(b"age-encryption.org/v1\n")
    with pytest.raises(CommandError, match="give the identity file"):
        call_command("restore", str(path), "--without-erasure-log")


def test_uploaded_media_go_into_the_backup_and_come_back_on_restore(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "figures" / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / "figures" / "2026" / "t-cell.webp").write_bytes(b"RIFF figure")
    (settings.MEDIA_ROOT / "cover.png").write_bytes(b"\x89PNG cover")
    work = tmp_path / "work"
    assert copy_media(work) == 2
    settings.MEDIA_ROOT = tmp_path / "new-site-media"
    assert restore_media(work) == 2
    assert (settings.MEDIA_ROOT / "figures" / "2026" / "t-cell.webp").read_bytes() == b"RIFF figure"
    assert (settings.MEDIA_ROOT / "cover.png").read_bytes() == b"\x89PNG cover"


def test_without_media_root_no_media_are_backed_up(settings, tmp_path):
    settings.MEDIA_ROOT = ""
    assert copy_media(tmp_path / "work") == 0


def test_backups_written_elsewhere_never_shorten_the_erasure_log(backup_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / file_name(NOW, encrypted=True)).write_bytes(b"")
    erasures.record("last-month@example.com", now=NOW - timedelta(days=30))
    apply_retention(elsewhere)
    assert len(erasures.read()) == 1
