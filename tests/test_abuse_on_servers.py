"""Limits that hold with several processes: gunicorn, two workers, production settings.

Two attacks from the issue, against a real server behind one trusted proxy
(DJANGO_TRUSTED_PROXY_HOPS=1; the test plays the proxy and sets
X-Forwarded-For). On the suite's own setup: SQLite and the file cache, or
with `make test-scaled` PostgreSQL and Redis.

- Forty simultaneous posts from one client against a limit of ten: the file
  cache's non-atomic increments let 10-21 through.
- Five wrong passwords for `root` from one client behind the proxy locked the
  real administrator out everywhere, as every client looked like the proxy.
"""

import json
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests import servers
from tests.conftest import SEED_SLUG

pytestmark = pytest.mark.concurrency

POSTERS = 40
LIMIT = 10
ROOT_PASSWORD = "the real administrator's passphrase"


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("abuse")
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            tmp_path,
            **database.env(),
            DJANGO_TRUSTED_PROXY_HOPS="1",
            COMMENT_RATE_PER_MINUTE=str(LIMIT),
        )
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        servers.manage(
            "createsuperuser", "--no-input", "--username=root", "--email=root@example.org",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": ROOT_PASSWORD},
        )  # fmt: skip
        with servers.running_server(env, tmp_path / "gunicorn.log", workers=2) as server:
            yield server, database


def fresh_minute():
    """Wait, if need be, so that the posts fall in one rate-limit window."""
    into_minute = time.time() % 60
    if into_minute > 45:
        time.sleep(60 - into_minute + 0.5)


def post_at_once(server, article_id, n, start):
    browser = server.browser()
    token = json.loads(browser.get("/comments/csrf/").body)["token"]
    body = urlencode(
        {
            "comment": f"Simultaneous post {n} from one client.",
            "author": f"Poster {n}",
            "email": f"poster{n}@example.net",
            "article": article_id,
            "csrfmiddlewaretoken": token,
        }
    )
    start.wait(timeout=30)
    return browser.post_form(
        "/comments/post/", body, Origin=server.origin, **{"X-Forwarded-For": "192.0.2.40"}
    )


def test_forty_simultaneous_posts_from_one_client_pass_the_limit_of_ten_only(blog):
    server, database = blog
    ((article_id,),) = database.query(f"SELECT id FROM articles_article WHERE slug = '{SEED_SLUG}'")
    fresh_minute()
    start = threading.Barrier(POSTERS)
    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        futures = [pool.submit(post_at_once, server, article_id, n, start) for n in range(POSTERS)]
        responses = [future.result(timeout=120) for future in futures]
    statuses = Counter(response.status for response in responses)
    assert statuses == {302: LIMIT, 429: POSTERS - LIMIT}, statuses
    ((stored,),) = database.query("SELECT COUNT(*) FROM comments_comment")
    assert stored == LIMIT
    assert "Traceback" not in server.log()


def log_in(server, username, password, client_address):
    """The admin's login form, as a browser behind the proxy sends it."""
    browser = server.browser()
    proxy = {"X-Forwarded-For": client_address}
    page = browser.get("/admin/login/", **proxy)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    body = urlencode(
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        }
    )
    return browser.post_form("/admin/login/", body, **proxy)


def test_wrong_passwords_from_one_client_do_not_lock_the_administrator_out_elsewhere(blog):
    server, _ = blog
    attacker, junk, administrator = "203.0.113.66", "not-an-address", "198.51.100.5"
    statuses = [log_in(server, "root", "guess", attacker).status for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    # The lock-out is real for the attacker's address, right password or not...
    assert log_in(server, "root", ROOT_PASSWORD, attacker).status == 429
    # ...and a malformed header counts as the proxy's own address, not as everyone.
    for _ in range(5):
        log_in(server, "root", "guess", junk)
    response = log_in(server, "root", ROOT_PASSWORD, administrator)
    assert response.status == 302
    assert response.headers["Location"] == "/admin/"
