"""/readyz and /metrics on the servers a site runs: gunicorn with two workers, the task
worker, Redis and the database stopped and started again, and Varnish in front.

One site for the module: a fresh database, its own Redis (so it can be stopped),
a backup made a minute ago, and a worker beating every second.
"""

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.parser import text_string_to_metric_families

from backups.status import STATUS_NAME
from tests import servers
from tests.conftest import SEED_SLUG

HEARTBEAT_SECONDS = 1
LEFT_OVER = 1_000_000
ARTICLE_PATH = f"/articles/{SEED_SLUG}/"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class Redis:
    """A redis-server of our own on a free port, which a test can stop and start again."""

    def __init__(self, workdir):
        self.port = servers.free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        servers.wait_for(self._answers, timeout=10)

    def _answers(self):
        return _listening(self.port)

    def stop(self):
        servers._stop(self.process)

    @contextmanager
    def stopped(self):
        self.stop()
        try:
            yield
        finally:
            self.start()


def counts_of_an_earlier_run(directory):
    """A counter file as a worker of an earlier server left it: a million 404s."""
    directory.mkdir()
    counts = MmapedDict(str(directory / "counter_4242.db"))
    labels = ["route", "method", "status"]
    key = mmap_key(
        "immunoblog_requests", "immunoblog_requests_total", labels, ["unmatched", "GET", "404"], ""
    )
    counts.write_value(key, LEFT_OVER, 0)
    counts.close()


def fresh_backup(directory):
    """What `manage.py backup` leaves in BACKUP_DIR: the time of a good backup, a minute ago."""
    directory.mkdir(exist_ok=True)
    made = datetime.now(UTC) - timedelta(minutes=1)
    (directory / STATUS_NAME).write_text(made.isoformat() + "\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(server, env, redis, workdir): gunicorn with 2 workers, Redis, no worker running yet."""
    tmp_path = tmp_path_factory.mktemp("health-site")
    redis = Redis(tmp_path)
    redis.start()
    fresh_backup(tmp_path / "backups")
    counts_of_an_earlier_run(tmp_path / "metrics")
    (tmp_path / "db").mkdir()
    with servers.fresh_database(tmp_path / "db") as database:
        env = servers.production_env(
            tmp_path,
            **database.env(),
            REDIS_URL=redis.url,
            BACKUP_DIR=str(tmp_path / "backups"),
            TASK_WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
            DJANGO_CONN_MAX_AGE="0",
        )
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        try:
            with servers.running_server(env, tmp_path / "gunicorn.log", workers=2) as server:
                yield server, env, redis, tmp_path, database
        finally:
            redis.stop()


@contextmanager
def worker(site):
    server, env, _, tmp_path, _ = site
    with servers.running_worker(env, tmp_path / "worker.log") as process:
        yield process


def readyz(server):
    response = server.browser().get("/readyz")
    return response.status, response.text


def ready_plainly(server):
    return readyz(server) == (200, "ready\n")


def metrics(server):
    response = server.browser().get("/metrics")
    assert response.status == 200, response.text
    return response.text


def sample(text, name, **labels):
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def test_readyz_is_a_plain_ready_when_the_worker_and_redis_run(site):
    server = site[0]
    with worker(site):
        assert servers.wait_for(lambda: ready_plainly(server), timeout=15)
        text = metrics(server)

    assert sample(text, "immunoblog_shared_cache_up") == 1
    assert 0 <= sample(text, "immunoblog_worker_heartbeat_age_seconds") <= 2 * HEARTBEAT_SECONDS


def test_a_stopped_worker_is_named_within_two_beats_and_forgotten_when_it_returns(site):
    server = site[0]
    with worker(site):
        servers.wait_for(lambda: ready_plainly(server), timeout=15)

    # The queue is empty: only the silence tells.
    status, body = servers.wait_for(
        lambda: "task worker: silent" in readyz(server)[1] and readyz(server),
        timeout=2 * HEARTBEAT_SECONDS + 2,
    )
    assert status == 200
    assert "degraded: task worker: silent for" in body
    assert sample(metrics(server), "immunoblog_worker_heartbeat_age_seconds") > HEARTBEAT_SECONDS
    with worker(site):
        assert servers.wait_for(lambda: ready_plainly(server), timeout=15)


def test_redis_down_is_named_as_degraded_and_forgotten_when_it_returns(site):
    server, _, redis, _, _ = site
    with worker(site):
        servers.wait_for(lambda: ready_plainly(server), timeout=15)
        with redis.stopped():
            status, body = readyz(server)
            text = metrics(server)
            article = server.browser().get(ARTICLE_PATH)

        assert status == 200
        assert body.startswith("ready\ndegraded: shared cache unreachable")
        assert sample(text, "immunoblog_shared_cache_up") == 0
        assert article.status == 200
        assert servers.wait_for(lambda: ready_plainly(server), timeout=15)
        assert sample(metrics(server), "immunoblog_shared_cache_up") == 1


def test_counts_are_summed_across_gunicorns_workers(site):
    server, _, _, tmp_path, _ = site
    route = {"route": "articles:detail", "method": "GET", "status": "200"}
    before = sample(metrics(server), "immunoblog_requests_total", **route)

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: server.browser().get(ARTICLE_PATH).status, range(60)))

    assert statuses == [200] * 60
    # Both workers answered some of them, each counting in its own file...
    counting = {path.name for path in (tmp_path / "metrics").glob("counter_*.db")}
    assert len(counting) >= 2
    # ...and every scrape, whichever worker answers it, sums them.
    scrapes = [sample(metrics(server), "immunoblog_requests_total", **route) for _ in range(6)]
    assert scrapes == [before + 60] * 6
    pages = [sample(metrics(server), "immunoblog_page_cache_requests_total", result="hit")]
    assert pages[0] >= 58


def test_counts_left_by_an_earlier_run_are_cleared_when_gunicorn_starts(site):
    server, _, _, tmp_path, _ = site
    text = metrics(server)

    assert sample(text, "immunoblog_requests_total", route="unmatched") < LEFT_OVER
    assert not (tmp_path / "metrics" / "counter_4242.db").exists()


@pytest.mark.parametrize("path", ["/metrics", "/metrics?x=1", "/%6detrics", "//metrics/"])
def test_metrics_are_refused_through_varnish(site, tmp_path, path):
    server = site[0]
    with servers.running_varnish(server.port, tmp_path / "varnish") as varnish:
        response = varnish.browser().get(path)

    assert response.status == 404
    assert "immunoblog_" not in response.text


def test_the_app_refuses_metrics_that_a_proxy_relayed_even_from_loopback(site, tmp_path):
    server = site[0]
    vcl = servers.varnish_vcl(server.port)
    # deploy/varnish/default.vcl without its block for /metrics.
    without_block, removed = re.subn(
        r"sub vcl_recv \{\n    if \(req\.url ~ [^\n]*%6d[^\n]*\n[^\n]*\n    \}\n\}\n", "", vcl
    )
    assert removed == 1
    with servers.running_varnish(server.port, tmp_path / "varnish") as varnish:
        varnish.use_vcl(without_block)
        response = varnish.browser().get("/metrics")

    assert response.status == 404
    assert "immunoblog_" not in response.text


def test_readyz_through_varnish_is_never_kept(site, tmp_path):
    server = site[0]
    with servers.running_varnish(server.port, tmp_path / "varnish") as varnish:
        answers = [varnish.browser().get("/readyz") for _ in range(2)]

    assert "HIT" not in [answer.headers["X-Cache"] for answer in answers]
    assert all(answer.headers["Cache-Control"] == "no-store" for answer in answers)


@contextmanager
def database_stopped(database, env):
    """The server's database stops taking connections, then takes them again."""
    if isinstance(database, servers.SqliteDatabase):
        # Its directory gone, SQLite cannot open the file (nor make a new one).
        directory = database.path.parent
        moved = directory.with_name("db-moved-away")
        directory.rename(moved)
        try:
            yield
        finally:
            moved.rename(directory)
        return
    name = database.url.rsplit("/", 1)[1]
    admin_url = servers.suite_database_url()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
    try:
        yield
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_readyz_answers_503_while_the_database_is_stopped_and_200_when_it_returns(site):
    server, env, _, _, database = site
    with worker(site):
        servers.wait_for(lambda: ready_plainly(server), timeout=15)
        with database_stopped(database, env):
            status, body = readyz(server)
            healthz = server.browser().get("/healthz")
            text = metrics(server)

        assert (status, body) == (503, "not ready: database unreachable\n")
        assert healthz.status == 200
        assert sample(text, "immunoblog_database_up") == 0
        assert servers.wait_for(lambda: ready_plainly(server), timeout=15)


def test_readyz_answers_503_when_the_database_cannot_be_reached(tmp_path):
    env = servers.production_env(tmp_path, **servers.unreachable_database_env(tmp_path))
    with servers.running_server(env, tmp_path / "gunicorn.log", workers=1) as server:
        status, body = readyz(server)
        healthz = server.browser().get("/healthz")

    assert (status, body) == (503, "not ready: database unreachable\n")
    assert healthz.status == 200
    for secret in ("sqlite", "psycopg", "OperationalError", "password"):
        assert secret not in body


def _listening(port):
    try:
        with servers.socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(
    "path", ["/metrics", "/metrics?x=1", "/%6detrics", "//metrics", "/metrics/"]
)
def test_metrics_are_refused_through_nginx(site, tmp_path, path):
    server = site[0]
    with servers.running_nginx(server.port, tmp_path / "nginx") as nginx:
        browser = nginx.browser()
        response = browser.get(path)
        readyz = browser.get("/readyz")

    assert response.status == 404
    assert "immunoblog_" not in response.text
    assert readyz.status == 200
