"""The throwaway world a benchmark runs in: a temp dir, its settings, its database.

Everything the blog writes (SQLite file, file cache, collected static files)
goes under one temporary directory, removed at the end. The same environment
is used in this process (seeding, query counts, profiling) and by the
gunicorn servers, so all of them see one database with production settings.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Workspace:
    path: Path
    secret_key: str

    @property
    def database(self):
        return self.path / "db.sqlite3"

    @property
    def pages_dir(self):
        return self.path / "pages"

    @property
    def logs_dir(self):
        return self.path / "logs"

    def app_env(self, page_cache_seconds=None):
        """The blog's production settings, served over plain HTTP on loopback."""
        env = {
            "DJANGO_SETTINGS_MODULE": "immunoblog.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SQLITE_PATH": str(self.database),
            "DJANGO_CACHE_DIR": str(self.path / "cache"),
            "DJANGO_STATIC_ROOT": str(self.path / "static"),
            "COMMENT_FLOOD_SECONDS": "0",
            "COMMENT_RATE_PER_MINUTE": "0",
        }
        if page_cache_seconds is not None:
            env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
        return env

    def bare_env(self):
        return {
            "DJANGO_SETTINGS_MODULE": "bare.settings",
            "DJANGO_SECRET_KEY": self.secret_key,
            "BENCH_BARE_PAGES": str(self.pages_dir),
        }


def _clean_environ():
    """The caller's environment without settings that would point elsewhere."""
    skip = {"DATABASE_URL", "REDIS_URL", "PAGE_CACHE_SECONDS", "DJANGO_SETTINGS_MODULE"}
    return {key: value for key, value in os.environ.items() if key not in skip}


def child_env(overrides):
    return {**_clean_environ(), **overrides}


def create():
    path = Path(tempfile.mkdtemp(prefix="immunoblog-bench-"))
    workspace = Workspace(path=path, secret_key=secrets.token_urlsafe(50))
    workspace.pages_dir.mkdir()
    workspace.logs_dir.mkdir()
    return workspace


def remove(workspace):
    shutil.rmtree(workspace.path, ignore_errors=True)


def prepare_database(workspace):
    """`manage.py migrate` and `collectstatic` into the workspace, as a deploy would."""
    env = child_env(workspace.app_env())
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def setup_django(workspace):
    """Configure Django in this process with the workspace's settings."""
    for name in ("DATABASE_URL", "REDIS_URL", "PAGE_CACHE_SECONDS"):
        os.environ.pop(name, None)
    os.environ.update(workspace.app_env())
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
