"""The backup file: a tar of the snapshot, the neutral dump, the media and a manifest.

Written readable by its owner only; encrypted with age (pyrage) to the
public keys in BACKUP_AGE_RECIPIENTS when there are any. Read back member by
member: a member the manifest does not name, or whose SHA-256 differs from
the manifest's, refuses the whole file before anything is written anywhere.
"""

import hashlib
import json
import os
import platform
import shutil
import tarfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath

import django
import pyrage
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1
PREFIX = "immunoblog-"
PLAIN = ".tar.gz"
ENCRYPTED = ".tar.gz.age"
STAMP = "%Y%m%dT%H%M%S.%fZ"
CHUNK = 1024 * 1024


class BadBackup(Exception):
    """The file is not a backup this code can restore; the message says why."""


def file_name(taken_at, encrypted):
    return f"{PREFIX}{taken_at.astimezone(UTC).strftime(STAMP)}{ENCRYPTED if encrypted else PLAIN}"


def taken_at_of(name):
    """When the backup named `name` was taken, or None for a file that is not one."""
    name = PurePosixPath(name).name
    for suffix in (ENCRYPTED, PLAIN):
        if name.startswith(PREFIX) and name.endswith(suffix):
            try:
                stamp = name[len(PREFIX) : -len(suffix)]
                return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
            except ValueError:
                return None
    return None


def is_encrypted(path):
    return str(path).endswith(ENCRYPTED)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def private_file(path):
    """Create `path` empty, readable and writable by its owner only."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


# --- Media --------------------------------------------------------------------


def has_media():
    """Uploaded files live in the default storage; a file system one needs MEDIA_ROOT."""
    return not isinstance(default_storage, FileSystemStorage) or bool(settings.MEDIA_ROOT)


def media_names(directory=""):
    if not default_storage.exists(directory or "."):
        return
    folders, files = default_storage.listdir(directory or ".")
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from media_names(f"{directory}/{folder}" if directory else folder)


def copy_media(directory):
    count = 0
    if not has_media():
        return count
    for name in media_names():
        target = Path(directory) / MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        count += 1
    return count


# --- Writing ------------------------------------------------------------------


def versions(facts):
    return {
        "immunoblog": version("immunoblog"),
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": f"{facts['engine']} {facts['server_version']}",
    }


def write(directory, target_dir, taken_at, facts, recipients=()):
    """Pack `directory` (snapshot, dump, media) with its manifest into one file in `target_dir`."""
    directory = Path(directory)
    members = sorted(
        str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()
    )
    manifest = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "versions": versions(facts),
        "engine": facts["engine"],
        "database_file": facts["database_file"],
        "migrations": facts["migrations"],
        "rows": facts["rows"],
        "files": {name: sha256_of(directory / name) for name in members},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    plain = Path(target_dir) / file_name(taken_at, encrypted=False)
    partial = plain.with_name(plain.name + ".part")
    private_file(partial)
    with tarfile.open(partial, "w:gz") as tar:
        for name in [MANIFEST, *members]:
            tar.add(directory / name, arcname=name, recursive=False)
    if not recipients:
        partial.replace(plain)
        return plain
    encrypted = Path(target_dir) / file_name(taken_at, encrypted=True)
    sealed = encrypted.with_name(encrypted.name + ".part")
    private_file(sealed)
    try:
        pyrage.encrypt_file(str(partial), str(sealed), list(recipients))
    finally:
        partial.unlink()
    sealed.replace(encrypted)
    return encrypted


def recipients_from(keys):
    try:
        return [pyrage.x25519.Recipient.from_str(key) for key in keys]
    except pyrage.RecipientError as error:
        raise BadBackup(f"BACKUP_AGE_RECIPIENTS holds a key age cannot read: {error}") from None


def identities_from(path):
    """The age identities (private keys) in a key file, as age-keygen writes it."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as error:
        raise BadBackup(f"Cannot read the identity file {path}: {error.strerror}.") from None
    keys = [line.strip() for line in lines if line.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise BadBackup(f"{path} holds no age identity (a line AGE-SECRET-KEY-…).")
    return [pyrage.x25519.Identity.from_str(key) for key in keys]


def decrypt(path, target, identities):
    if not identities:
        raise BadBackup(
            "This backup is encrypted: give the identity file (--identity, or "
            "BACKUP_AGE_IDENTITY_FILE)."
        )
    private_file(target)
    try:
        pyrage.decrypt_file(str(path), str(target), identities)
    except pyrage.DecryptError as error:
        raise BadBackup(f"The backup cannot be decrypted with this identity: {error}") from None


# --- Reading ------------------------------------------------------------------


def _safe_name(name):
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def unpack(path, directory, identities=()):
    """Check the backup at `path` and unpack it into `directory`; return its manifest.

    Raises BadBackup, having written nothing outside `directory`, when the file
    is not a whole, unaltered backup: a member missing, added, or changed.
    """
    path, directory = Path(path), Path(directory)
    if is_encrypted(path):
        plain = directory / "backup.tar.gz"
        decrypt(path, plain, identities)
        path = plain
    unpacked = directory / "backup"
    unpacked.mkdir(mode=0o700)
    seen = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                    raise BadBackup(f"The backup holds an unexpected member: {member.name!r}.")
                target = unpacked / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "wb") as copy:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        copy.write(chunk)
                seen[member.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BadBackup(f"{path.name} is not a readable backup: {error}") from None
    if MANIFEST not in seen:
        raise BadBackup("The backup has no manifest.")
    try:
        manifest = json.loads((unpacked / MANIFEST).read_text())
        files = manifest["files"]
        manifest["taken_at"] = datetime.fromisoformat(manifest["taken_at"])
    except (ValueError, KeyError, TypeError):
        raise BadBackup("The backup's manifest cannot be read.") from None
    if manifest.get("format") != FORMAT:
        raise BadBackup(f"The backup is in format {manifest.get('format')}, not {FORMAT}.")
    members = {name: digest for name, digest in seen.items() if name != MANIFEST}
    for name in sorted(set(files) | set(members)):
        if name not in members:
            raise BadBackup(f"The backup lacks {name}, which its manifest lists.")
        if name not in files:
            raise BadBackup(f"The backup holds {name}, which its manifest does not list.")
        if members[name] != files[name]:
            raise BadBackup(f"{name} does not match its checksum in the manifest: refused.")
    return unpacked, manifest
