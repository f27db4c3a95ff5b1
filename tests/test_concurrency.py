"""Many readers commenting at once, on gunicorn with production settings.

Fifty people post a comment at the same moment, each through the real CSRF
flow of a browser with JavaScript (fetch a token, then post the form). Two
sync workers share the database: a SQLite file (WAL, IMMEDIATE transactions,
busy timeout) or, when the suite runs on PostgreSQL, a PostgreSQL database.
Run alone with `pytest -m concurrency`.
"""

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from tests import servers
from tests.conftest import SEED_SLUG

pytestmark = pytest.mark.concurrency

POSTERS = 50


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    """gunicorn on a migrated database of its own; stopped and cleaned up at the end."""
    tmp_path = tmp_path_factory.mktemp("concurrency")
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(tmp_path, **database.env())
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        with servers.running_server(env, tmp_path / "gunicorn.log", workers=2) as server:
            yield server, database


def seed_article_id(database):
    ((article_id,),) = database.query(f"SELECT id FROM articles_article WHERE slug = '{SEED_SLUG}'")
    return article_id


def post_like_a_browser(server, article_id, n, start):
    """Fetch a token with a cookie jar of one's own, wait for the others, then post."""
    browser = server.browser()
    token = browser.get("/comments/csrf/")
    assert token.status == 200, token.text
    body = urlencode(
        {
            "comment": f"Concurrent comment number {n}: the immune system, briefly.",
            "author": f"Reader {n}",
            "email": f"reader{n}@example.net",
            "url": "",
            "article": article_id,
            "parent": "",
            "phone": "",
            "csrfmiddlewaretoken": json.loads(token.body)["token"],
        }
    )
    start.wait(timeout=30)
    return browser.post_form("/comments/post/", body, Origin=server.origin)


@pytest.fixture(scope="module")
def fifty_posts(blog):
    """Everyone posts once, all at the same moment; the tests read the outcome."""
    server, database = blog
    article_id = seed_article_id(database)
    start = threading.Barrier(POSTERS)
    with ThreadPoolExecutor(max_workers=POSTERS) as pool:
        futures = [
            pool.submit(post_like_a_browser, server, article_id, n, start) for n in range(POSTERS)
        ]
        responses = [future.result(timeout=60) for future in futures]
    return server, database, responses


def test_fifty_simultaneous_comments_are_all_accepted(fifty_posts):
    _, _, responses = fifty_posts
    statuses = Counter(response.status for response in responses)
    assert statuses == {302: POSTERS}, [r.text[:500] for r in responses if r.status != 302]
    for response in responses:
        assert response.headers["Location"].startswith("/comments/pending/")


def test_simultaneous_comments_never_meet_a_locked_database(fifty_posts):
    server, _, responses = fifty_posts
    log = server.log()
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert not any("database is locked" in response.text for response in responses)
    assert not any(response.status >= 500 for response in responses)


def test_every_accepted_comment_is_stored_exactly_once(fifty_posts):
    _, database, responses = fifty_posts
    assert all(response.status == 302 for response in responses)
    rows = database.query("SELECT body FROM comments_comment")
    stored = Counter(body for (body,) in rows)
    expected = {
        f"Concurrent comment number {n}: the immune system, briefly." for n in range(POSTERS)
    }
    assert set(stored) == expected
    assert set(stored.values()) == {1}
