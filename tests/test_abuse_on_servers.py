"""Limits that hold with several processes, and workers that slow clients cannot hold.

Real servers with production settings, two gunicorn workers, in two layouts:

- `gunicorn` alone behind one trusted proxy (DJANGO_TRUSTED_PROXY_HOPS=1):
  the test plays the proxy and sets X-Forwarded-For.
- `varnish-nginx-gunicorn`, the production layout (docs/operations.md, "Running in
  production"): the test speaks PROXY protocol to Varnish with the reader's
  address, as the TLS proxy does, and writes X-Forwarded-For as an attacker
  would; Varnish → nginx (deploy/nginx) → gunicorn, DJANGO_TRUSTED_PROXY_HOPS=2.

On the suite's own setup: SQLite and the file cache, or with `make
test-scaled` PostgreSQL and Redis. The attacks:

- Forty simultaneous posts from one client against a limit of ten: the file
  cache's non-atomic increments let 10-21 through.
- Five wrong passwords for `root` from one client behind the proxy locked the
  real administrator out everywhere, as every client looked like the proxy.
- Two connections that sent a POST's headers and then a body byte every 4 s
  left no worker for anyone, straight to gunicorn and through Varnish (which
  streams bodies on). nginx reads each body whole before gunicorn sees it.
"""

import ipaddress
import json
import re
import select
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from tests import servers
from tests.conftest import SEED_SLUG
from tests.test_client_address import CASES

pytestmark = pytest.mark.concurrency

WORKERS = 2
POSTERS = 40
LIMIT = 10
ROOT_PASSWORD = "the real administrator's passphrase"
# Who a reader is, for Varnish, when what it writes in X-Forwarded-For is no address.
JUNK_WRITER = "192.0.2.99"
# Django's DATA_UPLOAD_MAX_MEMORY_SIZE: the largest body the app reads.
BODY_LIMIT = 2621440


@dataclass
class Front:
    """Where clients connect, and how the blog comes to see a client's address."""

    server: servers.Server
    database: object
    nginx: servers.Nginx | None = None
    varnish: servers.Varnish | None = None

    def browser(self, client):
        """A browser the blog counts as `client`; it writes `client` in X-Forwarded-For too."""
        forwarded = {"X-Forwarded-For": client}
        if self.varnish is None:
            return servers.Browser("127.0.0.1", self.server.port, headers=forwarded)
        browser = self.varnish.browser(reader=client if is_address(client) else JUNK_WRITER)
        browser.headers.update(forwarded)
        return browser

    def article_id(self):
        ((article_id,),) = self.database.query(
            f"SELECT id FROM articles_article WHERE slug = '{SEED_SLUG}'"
        )
        return article_id


def is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@contextmanager
def blog_set_up(tmp_path, **variables):
    """A fresh database, migrated, with the administrator `root`; the environment to serve it."""
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            tmp_path, **database.env(), COMMENT_RATE_PER_MINUTE=str(LIMIT), **variables
        )
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        servers.manage(
            "createsuperuser", "--no-input", "--username=root", "--email=root@example.org",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": ROOT_PASSWORD},
        )  # fmt: skip
        yield env, database


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("abuse")
    with blog_set_up(tmp_path, DJANGO_TRUSTED_PROXY_HOPS="1") as (env, database):
        log = tmp_path / "gunicorn.log"
        with servers.running_server(env, log, workers=WORKERS) as server:
            yield Front(server, database)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("abuse-chain")
    with blog_set_up(tmp_path, DJANGO_TRUSTED_PROXY_HOPS="2") as (env, database), ExitStack() as s:
        server = s.enter_context(
            servers.running_server(env, tmp_path / "gunicorn.log", workers=WORKERS)
        )
        nginx = s.enter_context(servers.running_nginx(server.port, tmp_path / "nginx"))
        varnish = s.enter_context(servers.running_varnish(nginx.port, tmp_path / "varnish"))
        yield Front(server, database, nginx, varnish)


@pytest.fixture(scope="module", params=["gunicorn", "varnish-nginx-gunicorn"])
def blog(request):
    return request.getfixturevalue("direct" if request.param == "gunicorn" else "chain")


def fresh_minute():
    """Wait, if need be, so that the posts fall in one rate-limit window."""
    into_minute = time.time() % 60
    if into_minute > 45:
        time.sleep(60 - into_minute + 0.5)


def post_comment(browser, article_id, n, headers=None):
    """A comment posted as the form does, with a token fetched from the site first."""
    token = json.loads(browser.get("/comments/csrf/").body)["token"]
    body = urlencode(
        {
            "comment": f"Post {n} from one client.",
            "author": f"Poster {n}",
            "email": f"poster{n}@example.net",
            "article": article_id,
            "csrfmiddlewaretoken": token,
        }
    )
    return browser.post_form("/comments/post/", body, Origin=browser.origin, **(headers or {}))


def post_at_once(blog, client, article_id, n, start):
    browser = blog.browser(client)
    browser.get("/comments/csrf/")
    start.wait(timeout=30)
    return post_comment(browser, article_id, n)


def test_forty_simultaneous_posts_from_one_client_pass_the_limit_of_ten_only(blog):
    # One client per layout: with Redis, both servers count in the same place.
    client = "192.0.2.40" if blog.varnish is None else "192.0.2.41"
    article_id = blog.article_id()
    fresh_minute()
    start = threading.Barrier(POSTERS)
    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        futures = [
            pool.submit(post_at_once, blog, client, article_id, n, start) for n in range(POSTERS)
        ]
        responses = [future.result(timeout=120) for future in futures]
    statuses = Counter(response.status for response in responses)
    assert statuses == {302: LIMIT, 429: POSTERS - LIMIT}, statuses
    ((stored,),) = blog.database.query(
        f"SELECT COUNT(*) FROM comments_comment WHERE ip_address = '{client}'"
    )
    assert stored == LIMIT
    assert "Traceback" not in blog.server.log()


def log_in(blog, username, password, client_address):
    """The admin's login form, as a browser at that address sends it."""
    browser = blog.browser(client_address)
    page = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    body = urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    )
    return browser.post_form("/admin/login/", body)


def test_wrong_passwords_from_one_client_do_not_lock_the_administrator_out_elsewhere(blog):
    attacker, junk, administrator = "203.0.113.66", "not-an-address", "198.51.100.5"
    statuses = [log_in(blog, "root", "guess", attacker).status for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    # The lock-out is real for the attacker's address, right password or not...
    assert log_in(blog, "root", ROOT_PASSWORD, attacker).status == 429
    # ...and a malformed header counts as the proxy's own address, not as everyone.
    for _ in range(5):
        log_in(blog, "root", "guess", junk)
    response = log_in(blog, "root", ROOT_PASSWORD, administrator)
    assert response.status == 302
    assert response.headers["Location"] == "/admin/"


# What readers may write in X-Forwarded-For: every header of tests/test_client_address.py
# but the NUL, which Varnish itself refuses (below).
FORWARDED = sorted({forwarded for _, forwarded, _ in CASES if forwarded not in (None, "\x00")})


def test_whatever_a_reader_writes_in_x_forwarded_for_the_address_is_the_one_varnish_saw(chain):
    article_id = chain.article_id()
    readers = {}
    for n, forwarded in enumerate(FORWARDED, start=100):
        reader = readers[f"Poster {n}"] = f"203.0.113.{n}"
        browser = chain.varnish.browser(reader=reader)
        response = post_comment(browser, article_id, n, {"X-Forwarded-For": forwarded})
        assert response.status == 302, (forwarded, response.status)
    names = ", ".join(f"'{name}'" for name in readers)
    stored = chain.database.query(
        f"SELECT author_name, ip_address FROM comments_comment WHERE author_name IN ({names})"
    )
    assert {name: str(address) for name, address in stored} == readers


def test_a_nul_in_x_forwarded_for_is_refused_by_varnish_before_the_app(chain):
    browser = chain.varnish.browser(reader="203.0.113.99")
    asked_before = chain.server.log().count('"GET /comments/csrf/ ')
    response = browser.get("/comments/csrf/", **{"X-Forwarded-For": "\x00"})
    assert response.status == 400
    assert chain.server.log().count('"GET /comments/csrf/ ') == asked_before


def test_no_log_of_the_layout_names_a_reader(chain):
    reader = "203.0.113.77"
    browser = chain.varnish.browser(reader=reader)
    assert browser.get("/search/?q=t+cells&utm_source=x").status == 200
    assert post_comment(browser, chain.article_id(), 300).status == 302
    logs = {
        "gunicorn": chain.server.log(),
        "nginx access": chain.nginx.access_log(),
        "nginx errors": chain.nginx.log(),
        "varnishd": chain.varnish.log(),
    }
    assert '"POST /comments/post/ ' in logs["nginx access"]
    assert [name for name, text in logs.items() if reader in text] == []


# --- Slow bodies --------------------------------------------------------------------------------


class SlowBody:
    """A POST whose headers go at once and whose body then comes a byte every `interval` seconds."""

    def __init__(self, port, *, interval=2.0, length=10_000):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.socket.sendall(
            f"POST /comments/post/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {length}\r\n\r\na".encode()
        )
        self.interval, self.error = interval, None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self):
        while not self.stopped.wait(self.interval):
            try:
                self.socket.sendall(b"a")
            except OSError as error:
                self.error = error
                return

    def still_sending(self):
        """Still open, still sending, and not answered."""
        if self.error is not None or not self.thread.is_alive():
            return False
        readable, _, _ = select.select([self.socket], [], [], 0)
        return not readable  # nothing to read: no answer, and not closed

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=10)
        self.socket.close()


@contextmanager
def slow_bodies(port, count):
    bodies = [SlowBody(port) for _ in range(count)]
    try:
        yield bodies
    finally:
        for body in bodies:
            body.close()


# Pages no cache answers: a fresh token, and a search.
UNCACHED = ["/comments/csrf/", "/search/?q=immunotherapy"]


@pytest.mark.parametrize(("entry", "n"), [("nginx", 200), ("varnish", 201)])
def test_slow_bodies_on_twice_as_many_connections_as_workers_hold_no_worker(chain, entry, n):
    port = getattr(chain, entry).port
    with slow_bodies(port, 2 * WORKERS) as slow:
        browser = servers.Browser("127.0.0.1", port)
        pages = [browser.get(path) for path in UNCACHED]
        posted = post_comment(browser, chain.article_id(), n)
        assert [page.status for page in pages] == [200, 200]
        assert "HIT" not in [page.headers.get("X-Cache") for page in pages]
        assert posted.status == 302
        assert all(body.still_sending() for body in slow)


def test_a_body_over_the_apps_limit_gets_the_sites_413_page_from_nginx(chain):
    browser = servers.Browser("127.0.0.1", chain.nginx.port)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    too_large = browser.request("POST", "/comments/post/", b"a" * (BODY_LIMIT + 1), form)
    assert too_large.status == 413
    assert "That was too much to send" in too_large.text
    # At the limit the app reads it and answers for itself (here: no token).
    at_limit = browser.request("POST", "/comments/post/", b"a" * BODY_LIMIT, form)
    assert at_limit.status != 413
    assert "too much to send" not in at_limit.text


def test_without_nginx_slow_bodies_leave_gunicorn_no_worker(direct):
    """The contrast: straight to gunicorn, the same slow bodies leave nothing answered."""
    port = direct.server.port
    with (
        slow_bodies(port, 2 * WORKERS),
        socket.create_connection(("127.0.0.1", port), timeout=3) as sock,
    ):
        sock.sendall(b"GET /comments/csrf/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        with pytest.raises(TimeoutError):
            sock.recv(1)
