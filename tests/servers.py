"""The blog served for real: gunicorn in a subprocess on 127.0.0.1, with production settings.

For the tests that need more than the test client (several processes
writing at once, a database that is down). Each server has its own database
(a SQLite file, or a fresh PostgreSQL database on the server the suite runs
against when DATABASE_URL is set), its own cache directory and static root,
and is stopped, with its workers, when the `with` block ends.
"""

import http.client
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
# What a subprocess inherits from the suite's environment; everything else
# (DJANGO_*, DATABASE_URL, variables other tests set) is chosen explicitly.
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def suite_database_url():
    """The PostgreSQL server the suite runs on, or "" on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


def clean_env(**variables):
    """A subprocess environment with nothing of the suite's settings in it."""
    env = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    env["DJANGO_SETTINGS_MODULE"] = "immunoblog.settings"
    env.update(variables)
    return env


def production_env(tmp_path, **overrides):
    """Production settings over plain HTTP on loopback, as the README runs gunicorn."""
    env = clean_env()
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        COMMENT_FLOOD_SECONDS="0",
        COMMENT_RATE_PER_MINUTE="0",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    env.update(overrides)
    return env


def manage(*args, env, timeout=120):
    """Run manage.py in a subprocess; fail with its output if it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


def collect_static(env):
    """Production serves static files from a manifest: pages cannot render without it."""
    manage("collectstatic", "--no-input", "-v0", env=env)


# --- Databases ---------------------------------------------------------------


@dataclass
class SqliteDatabase:
    path: Path

    def env(self):
        return {"DJANGO_SQLITE_PATH": str(self.path)}

    def query(self, sql):
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


@dataclass
class PostgresDatabase:
    url: str

    def env(self):
        return {"DATABASE_URL": self.url}

    def query(self, sql):
        with psycopg.connect(self.url) as connection:
            return connection.execute(sql).fetchall()


def _postgres_url_for(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextmanager
def fresh_database(tmp_path):
    """An empty database for one server: a new SQLite file, or a new PostgreSQL database.

    On PostgreSQL the database is created on the suite's server and dropped
    at the end, even if the test failed.
    """
    server_url = suite_database_url()
    if not server_url:
        yield SqliteDatabase(tmp_path / "server.sqlite3")
        return
    name = f"immunoblog_server_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PostgresDatabase(_postgres_url_for(server_url, name))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def unreachable_database_env(tmp_path):
    """Settings naming a database that cannot be reached, of the suite's kind.

    SQLite: a file in a directory that does not exist. PostgreSQL: the
    suite's server address with a port nothing listens on.
    """
    server_url = suite_database_url()
    if not server_url:
        return {"DJANGO_SQLITE_PATH": str(tmp_path / "no-such-directory" / "db.sqlite3")}
    parts = urlsplit(server_url)
    user = f"{parts.username}@" if parts.username else ""
    closed = parts._replace(netloc=f"{user}127.0.0.1:{free_port()}")
    return {"DATABASE_URL": urlunsplit(closed)}


# --- The server ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """A minimal HTTP client with a cookie jar of its own; it never follows redirects."""

    host: str
    port: int
    cookies: dict = field(default_factory=dict)

    @property
    def origin(self):
        return f"http://{self.host}:{self.port}"

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            result = Response(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return result

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, body, **headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)


@dataclass
class Server:
    port: int
    log_path: Path
    process: subprocess.Popen

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def browser(self):
        return Browser("127.0.0.1", self.port)

    def log(self):
        return self.log_path.read_text(errors="replace")


def _wait_until_listening(process, port, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited early:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not listen on port {port}:\n{log_path.read_text()}")


def _stop(process):
    """Stop gunicorn: SIGTERM is a graceful shutdown that also stops its workers.

    The server runs in a process group of its own (its id is the master's
    pid): if the master hangs, the whole group is killed.
    """
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def running_server(env, log_path, *, workers=2, timeout=20):
    """gunicorn serving immunoblog.wsgi on a free 127.0.0.1 port, stopped on exit."""
    port = free_port()
    command = [
        GUNICORN,
        "immunoblog.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=30",
        "--graceful-timeout=5",
        "--access-logfile=-",
        "--error-logfile=-",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill reaches the workers
        )
    try:
        _wait_until_listening(process, port, log_path, timeout)
        yield Server(port, log_path, process)
    finally:
        _stop(process)
