"""Old WordPress and Disqus addresses answer 301 to the article or the comment's permalink."""

import pytest
from django.urls import reverse

from comments.models import Comment
from importers.models import OldAddress
from tests.factories import make_article

from .helpers import import_disqus, import_wordpress, imported_article, imported_comment

pytestmark = pytest.mark.django_db

THYMUS = "/articles/t-cells-and-the-thymus/"


@pytest.fixture
def imported(db):
    import_wordpress()


def permalink(old_id):
    return f"/comments/{imported_comment(old_id).pk}/"


@pytest.mark.parametrize(
    "old",
    [
        "/?p=101",
        "/2023/05/01/t-cells-and-the-thymus/",
        "/2023/05/t-cells-and-the-thymus/",
        "/t-cells-and-the-thymus/",
        "/t-cells-and-the-thymus",
        "/t-cells-and-the-thymus/comment-page-2/",
        "/2023/05/01/t-cells-and-the-thymus/comment-page-1/",
    ],
)
def test_old_permalinks_answer_301_to_the_article(imported, client, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == THYMUS


@pytest.mark.parametrize(
    "old",
    [
        "/?p=101&replytocom=202",
        "/t-cells-and-the-thymus/?replytocom=202",
        "/2023/05/01/t-cells-and-the-thymus/?replytocom=202",
    ],
)
def test_old_comment_links_answer_301_to_the_comments_permalink(imported, client, old):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == permalink(202)


def test_a_link_to_a_comment_readers_cannot_see_goes_to_the_article(imported, client):
    response = client.get("/?p=101&replytocom=207")  # spam
    assert (response.status_code, response["Location"]) == (301, THYMUS)


def test_a_disqus_thread_link_answers_301(client):
    article = make_article(slug="antibodies-explained")
    import_disqus()
    response = client.get("/2019/03/04/antibodies-explained/")
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())


@pytest.mark.parametrize("old", ["/?p=104", "/pending-review/", "/?p=103"])
def test_drafts_and_scheduled_posts_are_not_revealed(imported, client, old):
    assert client.get(old).status_code in {200, 404}
    assert client.get(old).status_code != 301


def test_unknown_old_addresses_get_the_normal_404(imported, client):
    response = client.get("/2023/05/01/never-written/")
    assert response.status_code == 404
    assert "404" in response.content.decode() or "not found" in response.content.decode().lower()
    assert client.get("/?p=999").status_code == 200  # the home page, as before


def test_the_blogs_own_addresses_are_never_shadowed(imported, client):
    article = imported_article(101)
    OldAddress.objects.create(path="/search/", article=article, source="wordpress")
    OldAddress.objects.create(path="/feed/", article=article, source="wordpress")
    assert client.get(reverse("articles:search"), {"q": "thymus"}).status_code == 200
    assert client.get(reverse("articles:feed")).status_code == 200
    assert client.get(THYMUS).status_code == 200


def test_a_redirect_costs_two_queries(imported, client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get("/t-cells-and-the-thymus/?replytocom=202")
    assert response.status_code == 301


def test_an_overlong_path_is_not_looked_up(imported, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/" + "a" * 600 + "/").status_code == 404


# --- An old #comment-N whose comment is on another comment page (asked by the script) ---


def old_comment_url(slug, old_id):
    return reverse("old_comment", args=[slug, old_id])


def test_an_imported_comment_is_found_by_its_old_id_wherever_its_page_is(imported, client):
    response = client.get(old_comment_url("t-cells-and-the-thymus", "205"))
    assert (response.status_code, response["Location"]) == (302, permalink(205))
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("slug", "old_id"),
    [
        ("t-cells-and-the-thymus", "999999"),  # never imported
        ("t-cells-and-the-thymus", "x" * 5000),  # absurd
        ("an-article-of-another-blog", "205"),  # not this article's
    ],
    ids=["unknown-id", "absurd-id", "other-article"],
)
def test_an_old_id_not_found_sends_the_reader_back_to_the_article(imported, client, slug, old_id):
    response = client.get(old_comment_url(slug, old_id))
    assert (response.status_code, response["Location"]) == (302, f"/articles/{slug}/")


def test_an_old_id_of_a_comment_that_is_not_public_is_not_revealed(imported, client):
    held = Comment.objects.filter(import_source="wordpress").exclude(status="approved").first()
    response = client.get(old_comment_url(held.article.slug, held.import_id))
    assert response["Location"] == held.article.get_absolute_url()
