"""The blog served for real: gunicorn in a subprocess on 127.0.0.1, with production settings.

For the tests that need more than the test client (several processes
writing at once, a database that is down). Each server has its own database
(a SQLite file, or a fresh PostgreSQL database on the server the suite runs
against when DATABASE_URL is set), its own cache directory and static root,
and is stopped, with its workers, when the `with` block ends.

`running_varnish` puts Varnish (deploy/varnish/default.vcl) in front of a
server the same way: its own working directory, stopped when the block ends.
`running_nginx` does the same with nginx (deploy/nginx/immunoblog.conf), the
buffering proxy that stands between Varnish and gunicorn in production.
"""

import http.client
import ipaddress
import itertools
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import struct
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


def wait_for(condition, *, timeout, interval=0.1):
    """Poll `condition` until it returns something true, and return that; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {condition}")
        time.sleep(interval)


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
    """Production settings over plain HTTP on loopback, as docs/operations.md runs gunicorn."""
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


class ProxiedConnection(http.client.HTTPConnection):
    """An HTTP connection that first says, in PROXY protocol v2, whom it relays.

    What a TLS proxy such as hitch or haproxy tells Varnish: the reader's
    address, and whether the reader connected over TLS.
    """

    SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"

    def __init__(self, host, port, reader_address, tls, **kwargs):
        super().__init__(host, port, **kwargs)
        self.reader_address, self.tls = reader_address, tls

    def connect(self):
        super().connect()
        self.sock.sendall(self.proxy_header())

    def proxy_header(self):
        source = ipaddress.IPv4Address(self.reader_address).packed
        destination = ipaddress.IPv4Address(self.host).packed
        addresses = source + destination + struct.pack("!HH", 54321, self.port)
        # PP2_TYPE_SSL: the client used TLS (PP2_CLIENT_SSL), certificate verified (0).
        tlv = struct.pack("!BHBI", 0x20, 5, 0x01, 0) if self.tls else b""
        payload = addresses + tlv
        # Version 2, PROXY command; TCP over IPv4.
        return self.SIGNATURE + struct.pack("!BBH", 0x21, 0x11, len(payload)) + payload


@dataclass
class Browser:
    """A minimal HTTP client with a cookie jar of its own; it never follows redirects.

    `proxied` = (reader's address, TLS or not) makes it speak PROXY protocol,
    as the TLS proxy in front of Varnish does; `headers` go with every request.
    """

    host: str
    port: int
    cookies: dict = field(default_factory=dict)
    proxied: tuple | None = None
    headers: dict = field(default_factory=dict)  # sent with every request

    @property
    def origin(self):
        return f"http://{self.host}:{self.port}"

    def _connection(self):
        if self.proxied is None:
            return http.client.HTTPConnection(self.host, self.port, timeout=30)
        return ProxiedConnection(self.host, self.port, *self.proxied, timeout=30)

    def request(self, method, path, body=None, headers=None):
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = self._connection()
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


def _wait_until_listening(process, port, log_path, timeout, name="gunicorn"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited early:\n{log_path.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{name} did not listen on port {port}:\n{log_path.read_text()}")


def _stop(process):
    """Stop a server: SIGTERM is a graceful shutdown that also stops its children
    (gunicorn's workers, varnishd's cache process).

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


@contextmanager
def running_worker(env, log_path, *, interval=0.2):
    """`manage.py db_worker` on the database `env` names, as `make run` runs it; stopped on exit."""
    command = [
        PYTHON,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        f"--interval={interval}",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        _stop(process)


# --- Varnish in front ----------------------------------------------------------

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
VCL_PATH = ROOT / "deploy" / "varnish" / "default.vcl"
APP_SERVERS = ("127.0.0.1", "::1")
# An address no test connects from (TEST-NET-1, RFC 5737).
NOBODY = "192.0.2.1"


def varnish_vcl(backend_port, purgers=APP_SERVERS):
    """deploy/varnish/default.vcl with its backend on `backend_port`, purged from `purgers`."""
    vcl = VCL_PATH.read_text()
    vcl, backends = re.subn(
        r'(backend default \{[^}]*?\.port = )"\d+"', rf'\g<1>"{backend_port}"', vcl
    )
    acl = "acl purgers {\n" + "".join(f'    "{address}";\n' for address in purgers) + "}"
    vcl, acls = re.subn(r"acl purgers \{.*?\n\}", acl, vcl, flags=re.DOTALL)
    assert (backends, acls) == (1, 1), "default.vcl no longer has one backend and one purge ACL"
    return vcl


@dataclass
class Varnish:
    port: int
    proxy_port: int
    backend_port: int
    workdir: Path
    process: subprocess.Popen
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def purge_url(self):
        return f"{self.origin}/"

    def browser(self, *, reader=None, tls=False):
        """A client of the cache; with `reader`, one relayed by a TLS proxy for that address."""
        if reader is None:
            return Browser("127.0.0.1", self.port)
        return Browser("127.0.0.1", self.proxy_port, proxied=(reader, tls))

    def admin(self, *args):
        """Run a varnishadm command; fail with its output if it fails."""
        result = subprocess.run(
            [VARNISHADM, "-n", str(self.workdir / "state"), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"varnishadm {' '.join(args)}:\n{result.stdout}"
        return result.stdout

    def use_vcl(self, vcl):
        """Compile and switch to this VCL; cached objects stay (they belong to the storage)."""
        name = f"vcl{next(self._names)}"
        path = self.workdir / f"{name}.vcl"
        path.write_text(vcl)
        self.admin("vcl.load", name, str(path))
        self.admin("vcl.use", name)
        return name

    @contextmanager
    def purges_refused(self):
        """Every PURGE is answered 403, as if the app servers left the ACL; pages stay cached.

        On exit the cache takes purges again; purges refused meanwhile are lost
        unless the app sends them again.
        """
        self.use_vcl(varnish_vcl(self.backend_port, purgers=(NOBODY,)))
        try:
            yield
        finally:
            self.admin("vcl.use", "boot")

    def log(self):
        return (self.workdir / "varnishd.log").read_text(errors="replace")


def _wait_until_varnish_runs(varnish, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if varnish.process.poll() is not None:
            raise AssertionError(f"varnishd exited early:\n{varnish.log()}")
        status = subprocess.run(
            [VARNISHADM, "-n", str(varnish.workdir / "state"), "status"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if "running" in status.stdout:
            try:
                with socket.create_connection(("127.0.0.1", varnish.port), timeout=0.5):
                    return
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError(f"varnishd did not start on port {varnish.port}:\n{varnish.log()}")


@contextmanager
def running_varnish(backend_port, workdir, *, port=None, timeout=30):
    """varnishd with our VCL in front of 127.0.0.1:`backend_port`, stopped on exit.

    It answers HTTP on 127.0.0.1:`port` (a free port by default) and PROXY
    protocol on another free port, as behind a TLS proxy; keeps at most 64 MB
    of pages in memory; and keeps its state in `workdir`. It runs in the
    foreground as a child of this process, without changing user (`-j none`),
    so that a private temporary directory will do.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    proxy_port = free_port()
    boot_vcl = workdir / "boot.vcl"
    boot_vcl.write_text(varnish_vcl(backend_port))
    command = [
        VARNISHD,
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir / "state"),
        "-a",
        f"127.0.0.1:{port}",
        "-a",
        f"127.0.0.1:{proxy_port},PROXY",
        "-T",
        "127.0.0.1:0",
        "-f",
        str(boot_vcl),
        "-s",
        "malloc,64m",
    ]
    with open(workdir / "varnishd.log", "wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    varnish = Varnish(port, proxy_port, backend_port, workdir, process)
    try:
        _wait_until_varnish_runs(varnish, timeout)
        yield varnish
    finally:
        _stop(process)


# --- nginx between Varnish and gunicorn ----------------------------------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_SITE_PATH = ROOT / "deploy" / "nginx" / "immunoblog.conf"


def nginx_site(backend_port, port, access_log):
    """deploy/nginx/immunoblog.conf on 127.0.0.1:`port`, in front of gunicorn on `backend_port`."""
    site = NGINX_SITE_PATH.read_text()
    replacements = [
        (r"server 127\.0\.0\.1:\d+;", f"server 127.0.0.1:{backend_port};"),
        (r"listen \d+;", f"listen 127.0.0.1:{port};"),
        (r"access_log \S+ immunoblog_private;", f"access_log {access_log} immunoblog_private;"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count == 1, f"immunoblog.conf no longer has one match for {pattern}"
    return site


@dataclass
class Nginx:
    port: int
    workdir: Path
    process: subprocess.Popen

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def browser(self):
        return Browser("127.0.0.1", self.port)

    def access_log(self):
        path = self.workdir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log(self):
        return (self.workdir / "error.log").read_text(errors="replace")


@contextmanager
def running_nginx(backend_port, workdir, *, timeout=20):
    """nginx with deploy/nginx/immunoblog.conf before 127.0.0.1:`backend_port`, stopped on exit.

    It answers on a free 127.0.0.1 port, in the foreground as a child of this
    process, with its logs, temporary files and pid in `workdir`. Run as
    root, its workers stay root, so that a private temporary directory will do.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (workdir / "immunoblog.conf").write_text(nginx_site(backend_port, port, workdir / "access.log"))
    temporary = "".join(
        f"    {kind}_temp_path {workdir / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(
        f"daemon off;\n{user}worker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} info;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n{temporary}    include {workdir / 'immunoblog.conf'};\n}}\n"
    )
    command = [NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", "stderr"]
    with open(workdir / "nginx.out", "wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    nginx = Nginx(port, workdir, process)
    try:
        _wait_until_listening(process, port, workdir / "nginx.out", timeout, name="nginx")
        yield nginx
    finally:
        _stop(process)
