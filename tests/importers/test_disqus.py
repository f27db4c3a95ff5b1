"""import_disqus: Disqus threads placed on our articles, their posts as comments, once."""

from datetime import UTC, datetime

import pytest

from comments.models import Comment
from importers.models import OldAddress
from tests.factories import make_article

from .helpers import DISQUS_EXPORT, import_disqus, imported_comment, row_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    # One found by the old permalink's slug, one by our own address.
    return (
        make_article(slug="antibodies-explained", title="Antibodies explained"),
        make_article(slug="fever-and-you", title="Fever and you"),
    )


def comment(old_id):
    return imported_comment(old_id, source="disqus")


def test_threads_are_placed_by_slug_or_address_and_the_rest_listed(articles):
    report = import_disqus()
    antibodies, fever = articles
    assert set(antibodies.comments.values_list("import_id", flat=True)) == {
        "9001", "9002", "9003", "9004", "9005",
    }  # fmt: skip
    assert list(fever.comments.values_list("import_id", flat=True)) == ["9101"]
    assert not Comment.objects.filter(import_id="9301").exists()
    assert "Threads: 3, 2 articles found, 1 not placed (1 posts left out)." in report
    assert (
        "Threads not placed: A post that never moved "
        "<https://old.example.org/2019/05/06/a-post-that-never-moved/>" in report
    )


def test_deleted_posts_go_to_the_trash_and_spam_to_spam(articles):
    import_disqus()
    assert comment(9001).status == Comment.Status.APPROVED
    assert comment(9003).status == Comment.Status.TRASH
    assert comment(9004).status == Comment.Status.SPAM


def test_replies_keep_their_parent_and_an_orphan_goes_to_the_root(articles):
    report = import_disqus()
    assert comment(9002).parent == comment(9001)
    assert comment(9005).parent is None
    assert "orphans attached to the root: 9005 (its parent 8999 is missing)" in report


def test_authors_dates_and_paragraphs_are_kept(articles):
    import_disqus()
    first = comment(9001)
    assert (first.author_name, first.author_email) == ("Nina", "nina@readers.example")
    assert first.ip_address == "198.51.100.30"
    assert first.created_at == datetime(2019, 3, 5, 8, 0, tzinfo=UTC)
    assert first.body_html.count("<p>") == 2
    assert comment(9005).author_email == ""


def test_the_thread_link_becomes_an_old_address(articles):
    import_disqus()
    old = OldAddress.objects.get(path="/2019/03/04/antibodies-explained/")
    assert (old.article, old.source) == (articles[0], "disqus")
    # Our own address is not an old one.
    assert not OldAddress.objects.filter(path=articles[1].get_absolute_url()).exists()


def test_importing_twice_doubles_nothing(articles):
    import_disqus()
    before = row_counts()
    report = import_disqus()
    assert row_counts() == before
    assert "Comments: 0 imported (0 pending, 0 approved, 0 spam, 0 trash), 6 already there" in (
        report
    )


def test_a_dry_run_saves_nothing(articles):
    before = row_counts()
    report = import_disqus(DISQUS_EXPORT, "--dry-run")
    assert row_counts() == before
    assert "Comments: 6 would be imported (0 pending, 4 approved, 1 spam, 1 trash)" in report


def test_the_article_page_shows_imported_comments_at_once_though_it_was_cached(articles, client):
    antibodies = articles[0]
    url = antibodies.get_absolute_url()
    assert "Antibodies &amp; antigens" not in client.get(url).content.decode()
    import_disqus()
    page = client.get(url).content.decode()
    assert "Antibodies &amp; antigens, finally clear." in page
    assert "3 thoughts on" in page
