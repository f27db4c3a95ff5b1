"""When things go wrong outside the code: a database or Redis that is down, a database built
from zero.

The server runs for real (gunicorn, production settings) against a database
that cannot be reached: a SQLite file in a directory that does not exist, or,
when the suite runs on PostgreSQL, a port nothing listens on. Readers and
commenters must get the branded "Back in a moment" page, never a traceback.
Without Redis (the shared cache) the site carries on from the database.
"""

import json
import re
from urllib.parse import urlencode

import pytest

from tests import servers
from tests.conftest import SEED_SLUG

BRANDED_TEXT = "Back in a moment"
ARTICLE_PATH = f"/articles/{SEED_SLUG}/"


@pytest.fixture(scope="module")
def database_down(tmp_path_factory):
    """gunicorn whose database cannot be reached; stopped at the end of the module."""
    tmp_path = tmp_path_factory.mktemp("database-down")
    env = servers.production_env(tmp_path, **servers.unreachable_database_env(tmp_path))
    servers.collect_static(env)
    with servers.running_server(env, tmp_path / "gunicorn.log", workers=1) as server:
        yield server, tmp_path


def assert_branded_503(response):
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/html")
    assert re.search(rf"<h1[^>]*>\s*{BRANDED_TEXT}\s*</h1>", response.text)
    for leak in ("Traceback", "OperationalError", "Server Error (500)", "sqlite3", "psycopg"):
        assert leak not in response.text


@pytest.mark.parametrize("path", ["/", ARTICLE_PATH, "/tag/immunotherapy/", "/search/?q=cancer"])
def test_reader_gets_the_branded_503_page_when_the_database_is_down(database_down, path):
    server, _ = database_down
    assert_branded_503(server.browser().get(path))


def test_503_page_carries_the_security_headers(database_down):
    server, _ = database_down
    response = server.browser().get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_503_page_stylesheets_are_still_served(database_down):
    server, _ = database_down
    browser = server.browser()
    page = browser.get("/").text
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheets
    for href in stylesheets:
        assert href.startswith("/static/")
        assert browser.get(href).status == 200, href


def test_comment_posted_while_the_database_is_down_gets_503_and_is_not_half_saved(
    database_down,
):
    server, tmp_path = database_down
    response = post_form(server, server.browser(), "Posted while the database was down.")
    assert_branded_503(response)
    assert "Nothing you sent was half-saved" in response.text
    # Nothing was created behind the reader's back: not even an empty SQLite file.
    assert not (tmp_path / "no-such-directory").exists()


def test_server_log_names_the_database_error_for_the_operators(database_down):
    server, _ = database_down
    server.browser().get("/")
    assert "OperationalError" in server.log()


# --- Redis down ------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_down(tmp_path_factory):
    """gunicorn with its database, and a REDIS_URL where nothing answers; stopped at the end."""
    tmp_path = tmp_path_factory.mktemp("redis-down")
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            tmp_path, **database.env(), REDIS_URL=f"redis://127.0.0.1:{servers.free_port()}/0"
        )
        servers.manage("migrate", "--no-input", "-v0", env=env)
        servers.collect_static(env)
        with servers.running_server(env, tmp_path / "gunicorn.log", workers=1) as server:
            yield server


def post_form(server, browser, text):
    token = json.loads(browser.get("/comments/csrf/").body)["token"]
    body = urlencode(
        {
            "comment": text,
            "author": "Patient Reader",
            "email": "patient@example.net",
            "article": "1",
            "csrfmiddlewaretoken": token,
        }
    )
    return browser.post_form("/comments/post/", body, Origin=server.origin)


@pytest.mark.parametrize("path", ["/", ARTICLE_PATH, "/feed/"])
def test_reader_gets_the_page_while_redis_is_down(redis_down, path):
    response = redis_down.browser().get(path)
    assert response.status == 200
    assert "Unlocking the Power of Immunotherapy" in response.text


def test_comment_posted_while_redis_is_down_is_kept_and_shown_to_its_author(redis_down):
    browser = redis_down.browser()
    response = post_form(redis_down, browser, "Posted while Redis was down.")
    assert response.status == 302
    waiting = browser.get(response.headers["Location"])
    assert "Posted while Redis was down." in waiting.text
    assert "awaiting moderation" in waiting.text


def test_server_log_names_the_redis_error_for_the_operators(redis_down):
    redis_down.browser().get(ARTICLE_PATH)
    assert "Shared cache unreachable" in redis_down.log()
    assert "Traceback" not in redis_down.log()


# --- Migrations ----------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path):
    with servers.fresh_database(tmp_path) as database:
        yield database, servers.production_env(tmp_path, **database.env())


def table_exists(database, table):
    if isinstance(database, servers.SqliteDatabase):
        sql = f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
    else:
        sql = f"SELECT tablename FROM pg_tables WHERE tablename = '{table}'"
    return bool(database.query(sql))


def seed_article_count(database):
    sql = f"SELECT count(*) FROM articles_article WHERE slug = '{SEED_SLUG}'"
    return database.query(sql)[0][0]


def test_migrations_build_an_empty_database_with_the_seed_article(empty_database):
    database, env = empty_database
    servers.manage("migrate", "--no-input", env=env)
    assert seed_article_count(database) == 1
    assert database.query("SELECT name FROM auth_group WHERE name = 'Editors'")
    plan = servers.manage("migrate", "--plan", env=env).stdout
    assert "No planned migration operations." in plan


def test_migrations_unapply_to_zero_and_apply_again(empty_database):
    database, env = empty_database
    servers.manage("migrate", "--no-input", "-v0", env=env)
    servers.manage("migrate", "comments", "zero", "--no-input", "-v0", env=env)
    assert not table_exists(database, "comments_comment")
    servers.manage("migrate", "articles", "zero", "--no-input", "-v0", env=env)
    assert not table_exists(database, "articles_article")
    servers.manage("migrate", "--no-input", "-v0", env=env)
    assert table_exists(database, "comments_comment")
    assert seed_article_count(database) == 1
