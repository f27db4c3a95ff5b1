"""Old WordPress addresses beyond a post's permalink answer 301 in one hop, or the site's 404.

Feeds, categories, tags whose slug differs from ours, author pages and `/index.php?p=N`
redirect where the import recorded or where they map deterministically; our own
`/tag/<slug>/` is never redirected, and a date archive nothing here lists is a 404.
"""

import pytest
from django.urls import reverse

from .helpers import SEED_SLUG, import_seed_export

pytestmark = pytest.mark.django_db

ARTICLE = f"/articles/{SEED_SLUG}/"


@pytest.fixture
def imported(seed_article):
    import_seed_export()
    return seed_article


def redirect_of(client, address):
    """Where an old address sends a reader, having checked the one hop lands on a page."""
    response = client.get(address)
    assert response.status_code == 301, address
    assert client.get(response["Location"]).status_code == 200
    return response["Location"]


@pytest.mark.parametrize(
    "old",
    [f"/{SEED_SLUG}/feed/", f"/2023/06/12/{SEED_SLUG}/feed/", f"/{SEED_SLUG}/feed/atom/"],
)
def test_a_posts_old_feed_goes_to_its_comments_feed(imported, client, old):
    assert redirect_of(client, old) == reverse("comments:feed", args=[SEED_SLUG])


def test_an_old_category_goes_to_our_tag(imported, client):
    assert redirect_of(client, "/category/immunotherapy/") == "/tag/immunotherapy/"


def test_an_old_category_feed_goes_to_our_tags_feed(imported, client):
    assert redirect_of(client, "/category/immunotherapy/feed/") == "/tag/immunotherapy/feed/"


def test_a_wordpress_tag_slug_that_differs_from_ours_goes_to_our_tag(imported, client):
    assert redirect_of(client, "/tag/car-t-cell-therapy/") == "/tag/car-t/"


def test_our_own_tag_address_stays_as_it_is(imported, client):
    assert client.get("/tag/cancer/").status_code == 200
    assert client.get("/tag/car-t/").status_code == 200


def test_an_old_author_page_goes_to_the_person_credited(imported, client):
    assert redirect_of(client, "/author/admin/") == "/authors/immunoblog-editorial-team/"


@pytest.mark.parametrize("old", ["/index.php?p=42", "/?p=42"])
def test_an_old_post_id_goes_to_the_matched_article(imported, client, old):
    assert redirect_of(client, old) == ARTICLE


def test_an_old_permalink_of_the_matched_article_goes_to_it(imported, client):
    assert redirect_of(client, f"/2023/06/12/{SEED_SLUG}/") == ARTICLE


@pytest.mark.parametrize("old", ["/2023/", "/2023/06/", "/2023/06/12/"])
def test_a_date_archive_nothing_here_lists_is_a_404(imported, client, old):
    response = client.get(old)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    "old",
    ["/category/never-here/", "/author/nobody/", "/index.php?p=999", "/tag/uncategorized/",
     "/category/uncategorized/", "/never-written/feed/"],
)  # fmt: skip
def test_old_addresses_nobody_recorded_are_the_sites_404(imported, client, old):
    assert client.get(old).status_code == 404
