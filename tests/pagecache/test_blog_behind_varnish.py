"""The blog behind Varnish, both for real: gunicorn with production settings and
varnishd with deploy/varnish/default.vcl, purged by the app on every change.

An editor approves comments through the admin, over HTTP, through Varnish;
readers see the article refreshed and every other page still served from
the cache. When Varnish refuses the purge, the task worker sends it again.
"""

import gzip
import json
import re
from urllib.parse import urlencode

import pytest

from tests import servers
from tests.conftest import SEED_SLUG

EDITOR, EDITOR_PASSWORD = "eddie", "a-long-Passphrase-for-editors-7"
OTHER_SLUG = "a-second-article"
ARTICLE_A = f"/articles/{SEED_SLUG}/"
ARTICLE_B = f"/articles/{OTHER_SLUG}/"

CREATE_OTHER_ARTICLE = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Person
editor = get_user_model().objects.get(username="{EDITOR}")
Article.objects.create(
    title="A second article", slug="{OTHER_SLUG}",
    author=Person.objects.create(name="Eddie Editor", slug="eddie", user=editor),
    excerpt="Another article.", body="## Second\\n\\nAnother article.",
    status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=2),
)
"""

CREATE_PENDING_COMMENT = """
import os
from articles.models import Article
from comments.models import Comment
comment = Comment.objects.create(
    article=Article.objects.get(slug=os.environ["ARTICLE"]), body=os.environ["TEXT"],
    author_name="Patient Reader", author_email="patient@example.net",
    status=Comment.Status.PENDING,
)
print(comment.pk)
"""


CREATE_APPROVED_COMMENT = """
import os
from articles.models import Article
from comments.models import Comment
Comment.objects.create(
    article=Article.objects.get(slug=os.environ["ARTICLE"]), body=os.environ["TEXT"],
    author_name="Early Reader", author_email="early@example.net",
    status=Comment.Status.APPROVED,
)
"""

SET_COMMENTS_PER_PAGE = """
import os
from comments.models import DiscussionSettings
rules = DiscussionSettings.load()
rules.comments_per_page = int(os.environ["PER_PAGE"])
rules.save()
"""


class Blog:
    def __init__(self, server, database, env, tmp_path, varnish_port):
        self.server, self.database, self.env = server, database, env
        self.tmp_path, self.varnish_port = tmp_path, varnish_port

    def pending_comment(self, slug, text):
        """A comment waiting for moderation; set up without any purge."""
        env = {**self.setup_env(), "ARTICLE": slug, "TEXT": text}
        result = servers.manage("shell", "--no-imports", "-c", CREATE_PENDING_COMMENT, env=env)
        return int(result.stdout.strip())

    def approved_comment(self, slug, text):
        env = {**self.setup_env(), "ARTICLE": slug, "TEXT": text}
        servers.manage("shell", "--no-imports", "-c", CREATE_APPROVED_COMMENT, env=env)

    def comments_per_page(self, count):
        env = {**self.setup_env(), "PER_PAGE": str(count)}
        servers.manage("shell", "--no-imports", "-c", SET_COMMENTS_PER_PAGE, env=env)

    def setup_env(self):
        return {**self.env, "PAGE_CACHE_PURGE_URLS": ""}

    def tasks(self, task_path):
        rows = self.database.query(
            "SELECT status, args_kwargs FROM django_tasks_database_dbtaskresult "
            f"WHERE task_path = '{task_path}' ORDER BY enqueued_at"
        )
        return [(status, _json(args)) for status, args in rows]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    """gunicorn whose purges go to the port Varnish will listen on."""
    tmp_path = tmp_path_factory.mktemp("behind-varnish")
    varnish_port = servers.free_port()
    with servers.fresh_database(tmp_path) as database:
        env = servers.production_env(
            tmp_path,
            **database.env(),
            PAGE_CACHE_PURGE_URLS=f"http://127.0.0.1:{varnish_port}/",
            PAGE_CACHE_PURGE_RETRY_SECONDS="1",
            EDITOR_PASSWORD=EDITOR_PASSWORD,
        )
        setup_env = {**env, "PAGE_CACHE_PURGE_URLS": ""}
        servers.manage("migrate", "--no-input", "-v0", env=setup_env)
        servers.collect_static(env)
        servers.manage(
            "create_editor",
            EDITOR,
            "eddie@example.org",
            "--password-from-env=EDITOR_PASSWORD",
            env=setup_env,
        )
        servers.manage("shell", "--no-imports", "-c", CREATE_OTHER_ARTICLE, env=setup_env)
        with servers.running_server(env, tmp_path / "gunicorn.log", workers=2) as server:
            yield Blog(server, database, env, tmp_path, varnish_port)


@pytest.fixture
def varnish(blog, tmp_path):
    """A fresh, empty Varnish in front of the blog, on the port the blog purges."""
    with servers.running_varnish(
        blog.server.port, tmp_path / "varnish", port=blog.varnish_port
    ) as varnish:
        yield varnish


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def signed_in_editor(varnish):
    """A browser signed in to the admin through Varnish, as an editor would be."""
    browser = varnish.browser()
    login = browser.get("/admin/login/")
    assert login.status == 200, login.text[:500]
    body = urlencode(
        {"username": EDITOR, "password": EDITOR_PASSWORD, "csrfmiddlewaretoken": csrf_token(login)}
    )
    response = browser.post_form("/admin/login/?next=/admin/", body, Origin=browser.origin)
    assert response.status == 302, response.text[:500]
    assert "sessionid" in browser.cookies
    return browser


def approve(editor, comment_id):
    """The admin's "approve" action on one comment, as the changelist form posts it."""
    changelist = editor.get("/admin/comments/comment/")
    assert changelist.status == 200, changelist.text[:500]
    body = urlencode(
        {
            "action": "approve",
            "_selected_action": comment_id,
            "index": 0,
            "csrfmiddlewaretoken": csrf_token(changelist),
        }
    )
    response = editor.post_form("/admin/comments/comment/", body, Origin=editor.origin)
    assert response.status == 302, response.text[:500]


def cached(browser, path):
    """Fetch a page until Varnish has it; the page as the cache holds it."""
    browser.get(path)
    response = browser.get(path)
    assert response.status == 200
    assert response.headers["X-Cache"] == "HIT"
    return response


# --- Purged on every change --------------------------------------------------------------


def test_an_article_page_is_cached_with_the_apps_tags_and_without_them_delivered(varnish):
    response = cached(varnish.browser(), ARTICLE_A)
    assert "comments-" in response.headers["Surrogate-Key"]
    assert "Surrogate-Control" not in response.headers
    assert "xkey" not in response.headers
    assert "max-age=0" in response.headers["Cache-Control"]


def test_pages_are_kept_gzipped_and_unzipped_for_readers_who_do_not_accept_it(varnish):
    reader = varnish.browser()
    reader.get(ARTICLE_A, **{"Accept-Encoding": "gzip"})
    zipped = reader.get(ARTICLE_A, **{"Accept-Encoding": "gzip"})
    plain = reader.get(ARTICLE_A)
    assert [zipped.headers["X-Cache"], plain.headers["X-Cache"]] == ["HIT", "HIT"]
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.body) == plain.body
    assert len(zipped.body) * 3 < len(plain.body)
    assert "</html>" in plain.text


def test_an_approved_comment_refreshes_its_article_and_no_other_page(blog, varnish):
    text = "Approved while both pages were cached."
    comment_id = blog.pending_comment(SEED_SLUG, text)
    reader = varnish.browser()
    assert text not in cached(reader, ARTICLE_A).text
    cached(reader, ARTICLE_B)

    approve(signed_in_editor(varnish), comment_id)

    refreshed = reader.get(ARTICLE_A)
    assert refreshed.headers["X-Cache"] == "MISS"
    assert text in refreshed.text
    assert reader.get(ARTICLE_A).headers["X-Cache"] == "HIT"
    assert reader.get(ARTICLE_B).headers["X-Cache"] == "HIT"


def test_an_approved_comment_refreshes_every_page_of_its_discussion(blog, varnish):
    blog.comments_per_page(1)
    try:
        for n in range(2):
            blog.approved_comment(OTHER_SLUG, f"Early comment {n} on the second article.")
        page_two = f"{ARTICLE_B}comment-page-2/"
        text = "Approved while the second page of comments was cached."
        comment_id = blog.pending_comment(OTHER_SLUG, text)
        reader = varnish.browser()
        before = cached(reader, page_two).text
        assert "Early comment 1" in before
        assert "2 thoughts on" in before
        cached(reader, ARTICLE_A)

        approve(signed_in_editor(varnish), comment_id)

        refreshed = reader.get(page_two)
        assert refreshed.headers["X-Cache"] == "MISS"
        assert "3 thoughts on" in refreshed.text
        assert "comment-page-3/" in refreshed.text  # a link to the page the comment opened
        assert reader.get(page_two).headers["X-Cache"] == "HIT"
        assert reader.get(ARTICLE_A).headers["X-Cache"] == "HIT"
    finally:
        blog.comments_per_page(50)


def test_a_purge_varnish_refused_is_sent_again_by_the_worker(blog, varnish):
    text = "Approved while Varnish refused purges."
    comment_id = blog.pending_comment(SEED_SLUG, text)
    reader = varnish.browser()
    cached(reader, ARTICLE_A)
    with varnish.purges_refused():
        approve(signed_in_editor(varnish), comment_id)
    stale = reader.get(ARTICLE_A)
    assert stale.headers["X-Cache"] == "HIT"
    assert text not in stale.text
    retries = blog.tasks("pagecache.retries.retry_purge")
    assert [status for status, _ in retries] == ["READY"]
    _, arguments = retries[0]
    assert arguments["args"][0] == varnish.purge_url

    with servers.running_worker(blog.env, blog.tmp_path / "worker.log"):
        servers.wait_for(
            lambda: blog.tasks("pagecache.retries.retry_purge")[0][0] == "SUCCESSFUL", timeout=30
        )

    fresh = reader.get(ARTICLE_A)
    assert fresh.headers["X-Cache"] == "MISS"
    assert text in fresh.text
    assert reader.get(ARTICLE_A).headers["X-Cache"] == "HIT"


# --- What goes straight to the app ---------------------------------------------------------


def test_a_signed_in_editor_gets_pages_from_the_app(varnish):
    cached(varnish.browser(), ARTICLE_A)
    editor = signed_in_editor(varnish)
    assert editor.get(ARTICLE_A).headers["X-Cache"] == "PASS"
    admin = editor.get("/admin/", **{"Accept-Encoding": "gzip"})
    assert admin.headers["X-Cache"] == "PASS"
    # Made for one person (it carries a CSRF token): sent as the app sent it.
    assert "Content-Encoding" not in admin.headers


def test_the_comment_forms_token_is_fetched_from_the_app_every_time(varnish):
    first = varnish.browser().get("/comments/csrf/")
    second = varnish.browser().get("/comments/csrf/")
    assert [first.headers["X-Cache"], second.headers["X-Cache"]] == ["MISS", "MISS"]
    assert json.loads(first.body)["token"] != json.loads(second.body)["token"]
    assert "csrftoken=" in second.headers["Set-Cookie"]


def test_a_comment_post_goes_to_the_app(varnish):
    response = varnish.browser().post_form("/comments/post/", "comment=Hello")
    assert response.headers["X-Cache"] == "PASS"
    # Without a token the app answers itself: a page to confirm the comment.
    assert "Hello" in response.text


# --- Old addresses --------------------------------------------------------------------------

WORDPRESS_EXPORT = servers.ROOT / "tests" / "data" / "wordpress.xml"


@pytest.fixture(scope="module")
def imported(blog):
    """tests/data/wordpress.xml imported, so the blog knows the old blog's addresses."""
    servers.manage("import_wordpress", str(WORDPRESS_EXPORT), env=blog.setup_env())


# A corpus of one behaviour, through one Varnish.
OLD_ADDRESSES = [
    "/?p=101",
    "/?p=101&utm_source=feed",
    "/?p=101&replytocom=202",
    "/t-cells-and-the-thymus/?replytocom=202",
    "/2023/05/01/t-cells-and-the-thymus/?replytocom=202&x=1",
]


@pytest.mark.usefixtures("imported")
def test_old_addresses_redirect_through_varnish_as_they_do_from_the_app(blog, varnish):
    for old in OLD_ADDRESSES:
        direct = blog.server.browser().get(old)
        through = varnish.browser().get(old)
        assert direct.status == 301, old
        assert (through.status, through.headers["Location"]) == (301, direct.headers["Location"])
