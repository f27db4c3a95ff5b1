"""A change committed while a page is being built: the page goes out, and no cache keeps it.

The page read some of its data before the change and may not show it, but
the change's purge has already gone by: kept, the page would stay stale
until the next change. A change elsewhere on the site leaves the page as
cacheable as ever. The concurrent change is made from inside the page's own
queries, through Django's database instrumentation (execute wrappers), at
the moment a second request would commit it.
"""

import contextlib

import pytest
from django.db import connection
from django.test import Client, TestCase

from articles.models import Article
from comments.models import Comment
from pagecache.tags import purge_now
from tests.comments.helpers import comment_ids
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def committed_after(table, change):
    """Run `change()` (and the purges its commit makes) right after the page's first query
    of rows from `table`."""
    done = False

    def wrapper(execute, sql, params, many, context):
        nonlocal done
        result = execute(sql, params, many, context)
        if not done and sql.startswith(f'SELECT "{table}".'):
            done = True
            with TestCase.captureOnCommitCallbacks(execute=True):
                change()
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert done, f"the page never read {table}"


def rename(article, title):
    def change():
        Article.objects.filter(pk=article.pk).update(title=title)
        purge_now([f"article-{article.pk}"])

    return change


def test_a_page_that_read_an_article_before_its_change_is_kept_by_no_cache(seed_article):
    with committed_after("articles_article", rename(seed_article, "Renamed meanwhile")):
        stale = Client().get(seed_article.get_absolute_url())
    assert "Renamed meanwhile" not in stale.text
    assert stale["Surrogate-Control"] == "max-age=0"  # Varnish does not keep it
    assert "Renamed meanwhile" in Client().get(seed_article.get_absolute_url()).text


def test_a_page_whose_comments_change_while_it_renders_is_kept_by_no_cache(seed_article):
    held = make_comment(seed_article, status=Comment.Status.PENDING)

    def approve():
        held.status = Comment.Status.APPROVED
        held.save()

    with committed_after("comments_comment", approve):
        response = Client().get(seed_article.get_absolute_url())
    assert response["Surrogate-Control"] == "max-age=0"
    assert held.pk in comment_ids(Client().get(seed_article.get_absolute_url()))


def test_a_change_elsewhere_while_a_page_renders_leaves_it_cacheable(seed_article):
    other = make_article()
    with committed_after("comments_comment", rename(other, "Another article renamed")):
        response = Client().get(seed_article.get_absolute_url())
    assert response["Surrogate-Control"] != "max-age=0"
    Article.objects.filter(pk=seed_article.pk).update(title="Changed without a purge")
    assert "Changed without a purge" not in Client().get(seed_article.get_absolute_url()).text
